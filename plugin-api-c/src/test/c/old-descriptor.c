/*
 * A plugin built before container_exited was appended to the descriptor: it reports the
 * descriptor's first size (64 bytes, up to close) and has garbage where container_exited would
 * be, which the host must never read. Both loaders accept it and never call past its size.
 */
#include <conmon_log_plugin.h>

static int o_init(int argc, const char *const *argv, const struct conmon_log_container *meta, void **handle,
                  char *errbuf, size_t errlen)
{
    (void) argc, (void) argv, (void) meta, (void) errbuf, (void) errlen;
    *handle = NULL;
    return CONMON_LOG_OK;
}

static int o_write(void *handle, const struct conmon_log_record *rec, char *errbuf, size_t errlen)
{
    (void) handle, (void) rec, (void) errbuf, (void) errlen;
    return CONMON_LOG_OK;
}

static int o_ok(void *handle, char *errbuf, size_t errlen)
{
    (void) handle, (void) errbuf, (void) errlen;
    return CONMON_LOG_OK;
}

const struct conmon_log_plugin *conmon_log_plugin_entry(void)
{
    /* the old layout, followed by a pointer-sized word the host must not take for a function */
    static const struct {
        struct conmon_log_plugin d;
    } old = {{offsetof(struct conmon_log_plugin, container_exited), CONMON_LOG_PLUGIN_ABI_VERSION, "old-descriptor",
              o_init, o_write, o_ok, NULL, o_ok, (void (*)(void *)) 0x1}};
    return &old.d;
}
