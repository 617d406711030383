/*
 * A plugin whose behaviour the test chooses with options, and which logs every call it
 * receives (and the metadata and options init() got) to the file of option calls=PATH,
 * one line per call, so the test can check what the host did.
 *
 *   calls=/abs/file       where to log the calls (required)
 *   init-fail=MESSAGE     init returns FATAL with MESSAGE
 *   init-retry=/abs/file  while the number in that file is > 0, init decrements it and
 *                         returns RETRY ("collector not up yet")
 *   write-retry=N         the first N write calls return RETRY ("busy <i>"), then OK
 *   write-fatal-at=N      write call number N (1-based) returns FATAL ("disk on fire")
 *   write-status=N        every write returns the raw value N (an unknown status)
 *   flush-fatal=MESSAGE   flush returns FATAL with MESSAGE
 *   close-fatal=MESSAGE   close returns FATAL with MESSAGE
 *   (anything else)       logged and accepted
 */
#define _GNU_SOURCE
#include <conmon_log_plugin.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct scripted {
    FILE *calls;
    int write_retry;
    int write_fatal_at;
    int write_status;
    int writes;
    char flush_fatal[128];
    char close_fatal[128];
};

/* Decrements the counter in file path; true if it was > 0. */
static int take_retry(const char *path)
{
    int n = 0;
    FILE *f = fopen(path, "re");
    if (f == NULL)
        return 0;
    if (fscanf(f, "%d", &n) != 1)
        n = 0;
    fclose(f);
    if (n <= 0)
        return 0;
    f = fopen(path, "we");
    if (f == NULL)
        return 0;
    fprintf(f, "%d\n", n - 1);
    fclose(f);
    return 1;
}

static const char *opt(const char *arg, const char *key)
{
    size_t n = strlen(key);
    return strncmp(arg, key, n) == 0 && arg[n] == '=' ? arg + n + 1 : NULL;
}

static int sc_init(int argc, const char *const *argv, const struct conmon_log_container *meta,
                   void **handle, char *errbuf, size_t errlen)
{
    const char *calls = NULL, *v;
    struct scripted s = {0};
    s.write_fatal_at = -1;
    s.write_status = -1;
    for (int i = 0; i < argc; i++) {
        if ((v = opt(argv[i], "calls")))
            calls = v;
        else if ((v = opt(argv[i], "init-fail"))) {
            snprintf(errbuf, errlen, "%s", v);
            return CONMON_LOG_FATAL;
        } else if ((v = opt(argv[i], "init-retry"))) {
            if (take_retry(v)) {
                snprintf(errbuf, errlen, "collector not up yet");
                return CONMON_LOG_RETRY;
            }
        } else if ((v = opt(argv[i], "write-retry")))
            s.write_retry = atoi(v);
        else if ((v = opt(argv[i], "write-fatal-at")))
            s.write_fatal_at = atoi(v);
        else if ((v = opt(argv[i], "write-status")))
            s.write_status = atoi(v);
        else if ((v = opt(argv[i], "flush-fatal")))
            snprintf(s.flush_fatal, sizeof(s.flush_fatal), "%s", v);
        else if ((v = opt(argv[i], "close-fatal")))
            snprintf(s.close_fatal, sizeof(s.close_fatal), "%s", v);
    }
    if (calls == NULL) {
        snprintf(errbuf, errlen, "option calls= is required");
        return CONMON_LOG_FATAL;
    }
    struct scripted *h = malloc(sizeof(*h));
    if (h == NULL)
        return CONMON_LOG_FATAL;
    *h = s;
    h->calls = fopen(calls, "we");
    if (h->calls == NULL) {
        free(h);
        snprintf(errbuf, errlen, "cannot open %s", calls);
        return CONMON_LOG_FATAL;
    }
    setvbuf(h->calls, NULL, _IOLBF, 0);
    fprintf(h->calls, "init argc=%d meta.size=%zu\n", argc, meta->size);
    for (int i = 0; i < argc; i++)
        fprintf(h->calls, "argv %s\n", argv[i]);
    fprintf(h->calls, "argv[argc] %s\n", argv[argc] == NULL ? "NULL" : "not NULL");
    fprintf(h->calls, "id %s\nname %s\ntag %s\nimage %s\n", meta->id, meta->name ? meta->name : "(null)",
            meta->tag ? meta->tag : "(null)", meta->image ? meta->image : "(null)");
    for (const char *const *l = meta->labels; *l; l++)
        fprintf(h->calls, "label %s\n", *l);
    for (const char *const *e = meta->env; *e; e++)
        fprintf(h->calls, "env %s\n", *e);
    *handle = h;
    return CONMON_LOG_OK;
}

static int sc_write(void *handle, const struct conmon_log_record *rec, char *errbuf, size_t errlen)
{
    struct scripted *h = handle;
    h->writes++;
    fprintf(h->calls, "write %d size=%zu stream=%d flags=%u ts=%" PRId64 " len=%zu\n", h->writes, rec->size,
            rec->stream, rec->flags, rec->timestamp_ns, rec->length);
    if (h->write_status >= 0) {
        snprintf(errbuf, errlen, "status %d", h->write_status);
        return h->write_status;
    }
    if (h->writes <= h->write_retry) {
        snprintf(errbuf, errlen, "busy %d", h->writes);
        return CONMON_LOG_RETRY;
    }
    if (h->writes == h->write_fatal_at) {
        snprintf(errbuf, errlen, "disk on fire");
        return CONMON_LOG_FATAL;
    }
    return CONMON_LOG_OK;
}

static int sc_flush(void *handle, char *errbuf, size_t errlen)
{
    struct scripted *h = handle;
    fprintf(h->calls, "flush\n");
    if (h->flush_fatal[0]) {
        snprintf(errbuf, errlen, "%s", h->flush_fatal);
        return CONMON_LOG_FATAL;
    }
    return CONMON_LOG_OK;
}

static int sc_reopen(void *handle, char *errbuf, size_t errlen)
{
    (void) errbuf, (void) errlen;
    struct scripted *h = handle;
    fprintf(h->calls, "reopen\n");
    return CONMON_LOG_OK;
}

static int sc_close(void *handle, char *errbuf, size_t errlen)
{
    struct scripted *h = handle;
    int rc = CONMON_LOG_OK;
    fprintf(h->calls, "close\n");
    if (h->close_fatal[0]) {
        snprintf(errbuf, errlen, "%s", h->close_fatal);
        rc = CONMON_LOG_FATAL;
    }
    fclose(h->calls);
    free(h);
    return rc;
}

CONMON_LOG_PLUGIN_DESCRIPTOR("scripted", sc_init, sc_write, sc_flush, sc_reopen, sc_close)
