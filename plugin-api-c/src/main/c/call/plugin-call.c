/*
 * libconmonj-plugin-call.so: the in-process c-plugin driver's way into a plugin's functions.
 *
 * A plugin's functions are pointers in its descriptor, not symbols, and JNA direct mapping (the
 * project's one binding technology, docs/design.md "Native layer") binds a static native method to a
 * symbol. Each function here is such a symbol: it takes the plugin's function pointer as its first
 * argument (write: in a block of the driver's memory) and calls through it, emptying the error
 * buffer first. A direct-mapped call costs about 55 ns plus 15 ns an argument with the monitor's
 * C1-only JIT, JNA's reflective Function.invoke about four times as much (plugin-api-c/README.md),
 * so write, made once per record, takes one argument.
 *
 * Built by src/build/native.sh into lib/native/ of the install tree, next to JNA's own library.
 */
#include <stddef.h>
#include "plugin-call.h"

#define EXPORT __attribute__((visibility("default")))

typedef const struct conmon_log_plugin *(*entry_fn)(void);
typedef int (*init_fn)(int, const char *const *, const struct conmon_log_container *, void **, char *, size_t);
typedef int (*call_fn)(void *, char *, size_t);
typedef void (*exited_fn)(void *);

EXPORT const struct conmon_log_plugin *conmonj_plugin_entry(entry_fn fn)
{
    return fn();
}

EXPORT int conmonj_plugin_init(init_fn fn, int argc, const char *const *argv,
                               const struct conmon_log_container *meta, void **handle, char *errbuf,
                               size_t errlen)
{
    errbuf[0] = '\0';
    return fn(argc, argv, meta, handle, errbuf, errlen);
}

/* One record: everything is in the block (plugin-call.h), so that the call takes one argument. */
EXPORT int conmonj_plugin_write(struct conmonj_write_call *call)
{
    call->errbuf[0] = '\0';
    return call->write(call->handle, &call->record, call->errbuf, call->errlen);
}

/* flush, reopen and close: the same signature. */
EXPORT int conmonj_plugin_call(call_fn fn, void *handle, char *errbuf, size_t errlen)
{
    errbuf[0] = '\0';
    return fn(handle, errbuf, errlen);
}

EXPORT void conmonj_plugin_container_exited(exited_fn fn, void *handle)
{
    fn(handle);
}
