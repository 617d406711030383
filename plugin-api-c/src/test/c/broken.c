/*
 * A plugin that loads and runs but breaks the ABI's rules, for conmon-plugin-check's test:
 * write returns a status outside the enum without a message on the second record, scribbles
 * past errlen and into the record's (const) data on a 1 MiB record, flush returns FATAL without
 * a message once records were written, and reopen takes 200 ms.
 */
#define _GNU_SOURCE
#include <conmon_log_plugin.h>

#include <string.h>
#include <time.h>

struct broken {
    long writes;
};

static struct broken instance;

static int b_init(int argc, const char *const *argv, const struct conmon_log_container *meta, void **handle,
                  char *errbuf, size_t errlen)
{
    (void) argc, (void) argv, (void) meta, (void) errbuf, (void) errlen;
    instance.writes = 0;
    *handle = &instance;
    return CONMON_LOG_OK;
}

static int b_write(void *handle, const struct conmon_log_record *rec, char *errbuf, size_t errlen)
{
    struct broken *b = handle;
    b->writes++;
    if (b->writes == 2) {
        return 7; /* not a status, and no message */
    }
    if (rec->length >= (1 << 20) - 1) {
        memset(errbuf, 'x', errlen + 16); /* past errlen, no NUL */
        ((unsigned char *) rec->data)[0] ^= 0xff; /* the data is the host's */
    }
    return CONMON_LOG_OK;
}

static int b_flush(void *handle, char *errbuf, size_t errlen)
{
    (void) errbuf, (void) errlen;
    struct broken *b = handle;
    return b->writes > 0 ? CONMON_LOG_FATAL : CONMON_LOG_OK;
}

static int b_reopen(void *handle, char *errbuf, size_t errlen)
{
    (void) handle, (void) errbuf, (void) errlen;
    struct timespec t = {0, 200 * 1000 * 1000};
    nanosleep(&t, NULL);
    return CONMON_LOG_OK;
}

static int b_close(void *handle, char *errbuf, size_t errlen)
{
    (void) handle, (void) errbuf, (void) errlen;
    return CONMON_LOG_OK;
}

CONMON_LOG_PLUGIN_DESCRIPTOR(NULL, b_init, b_write, b_flush, b_reopen, b_close)
