/*
 * libconmonj-plugin-call.so: the in-process c-plugin driver's way into a plugin's functions.
 *
 * A plugin's functions are pointers in its descriptor, not symbols, and JNA direct mapping (the
 * project's one binding technology, docs/design.md "Native layer") binds a static native method to a
 * symbol. Each function here is such a symbol: it takes the plugin's function pointer as its first
 * argument and calls through it, nothing more. Through these a record costs a direct-mapped call
 * with primitive arguments instead of JNA's reflective Function.invoke (about four times as long
 * with the monitor's C1-only JIT; plugin-api-c/README.md).
 *
 * Built by src/build/native.sh into lib/native/ of the install tree, next to JNA's own library.
 */
#include <stddef.h>
#include <conmon_log_plugin.h>

#define EXPORT __attribute__((visibility("default")))

typedef const struct conmon_log_plugin *(*entry_fn)(void);
typedef int (*init_fn)(int, const char *const *, const struct conmon_log_container *, void **, char *, size_t);
typedef int (*write_fn)(void *, const struct conmon_log_record *, char *, size_t);
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
    return fn(argc, argv, meta, handle, errbuf, errlen);
}

EXPORT int conmonj_plugin_write(write_fn fn, void *handle, const struct conmon_log_record *rec, char *errbuf,
                                size_t errlen)
{
    return fn(handle, rec, errbuf, errlen);
}

/* flush, reopen and close: the same signature. */
EXPORT int conmonj_plugin_call(call_fn fn, void *handle, char *errbuf, size_t errlen)
{
    return fn(handle, errbuf, errlen);
}

EXPORT void conmonj_plugin_container_exited(exited_fn fn, void *handle)
{
    fn(handle);
}
