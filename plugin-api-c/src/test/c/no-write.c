/* A descriptor of the right version whose required write function is NULL. */
#include <conmon_log_plugin.h>

static int noop_init(int argc, const char *const *argv, const struct conmon_log_container *meta,
                     void **handle, char *errbuf, size_t errlen)
{
    (void) argc, (void) argv, (void) meta, (void) errbuf, (void) errlen;
    *handle = 0;
    return CONMON_LOG_OK;
}

static int noop(void *handle, char *errbuf, size_t errlen)
{
    (void) handle, (void) errbuf, (void) errlen;
    return CONMON_LOG_OK;
}

CONMON_LOG_PLUGIN_DESCRIPTOR("no-write", noop_init, NULL, noop, NULL, noop)
