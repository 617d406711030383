/*
 * A plugin that misbehaves on purpose, for the fault tests (unit tests of the plugin host and the
 * end-to-end fault matrix in it/). Options:
 *
 *   fault=NAME     what goes wrong (default: nothing):
 *                    segv        write dereferences NULL
 *                    abort       write calls abort()
 *                    loop        write never returns (a busy loop)
 *                    retry       write returns RETRY for ever
 *                    exit        write calls exit(3)
 *                    init-hang   init never returns
 *                    until-exit  write waits until container_exited() is called, then returns OK
 *   after=N        the fault starts at write call N (1-based, default 1); earlier writes succeed
 *   out=/abs/file  every record's bytes are appended there (what reached the plugin)
 *   exited=/abs/file  created when container_exited() is called
 */
#define _GNU_SOURCE
#include <conmon_log_plugin.h>

#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct faulty {
    char fault[32];
    long after;
    long writes;
    int out;
    char exited[512];
    atomic_int exited_called;
};

static const char *opt(const char *arg, const char *key)
{
    size_t n = strlen(key);
    return strncmp(arg, key, n) == 0 && arg[n] == '=' ? arg + n + 1 : NULL;
}

static int f_init(int argc, const char *const *argv, const struct conmon_log_container *meta,
                  void **handle, char *errbuf, size_t errlen)
{
    (void) meta;
    struct faulty *h = calloc(1, sizeof *h);
    if (h == NULL)
        return CONMON_LOG_FATAL;
    h->after = 1;
    h->out = -1;
    const char *v;
    for (int i = 0; i < argc; i++) {
        if ((v = opt(argv[i], "fault")))
            snprintf(h->fault, sizeof h->fault, "%s", v);
        else if ((v = opt(argv[i], "after")))
            h->after = atol(v);
        else if ((v = opt(argv[i], "exited")))
            snprintf(h->exited, sizeof h->exited, "%s", v);
        else if ((v = opt(argv[i], "out"))) {
            h->out = open(v, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
            if (h->out < 0) {
                snprintf(errbuf, errlen, "cannot open %s", v);
                free(h);
                return CONMON_LOG_FATAL;
            }
        }
    }
    if (strcmp(h->fault, "init-hang") == 0)
        for (;;)
            pause();
    *handle = h;
    return CONMON_LOG_OK;
}

static int f_write(void *handle, const struct conmon_log_record *rec, char *errbuf, size_t errlen)
{
    struct faulty *h = handle;
    h->writes++;
    if (h->writes >= h->after) {
        if (strcmp(h->fault, "segv") == 0)
            *(volatile int *) (uintptr_t) rec->length = 0; /* NULL (or near it) */
        if (strcmp(h->fault, "abort") == 0)
            abort();
        if (strcmp(h->fault, "exit") == 0)
            exit(3);
        if (strcmp(h->fault, "loop") == 0)
            for (volatile unsigned long spin = 0;; spin++)
                ;
        if (strcmp(h->fault, "retry") == 0) {
            snprintf(errbuf, errlen, "collector busy (for ever)");
            return CONMON_LOG_RETRY;
        }
        if (strcmp(h->fault, "until-exit") == 0) {
            struct timespec t = {0, 10 * 1000 * 1000};
            while (!atomic_load(&h->exited_called))
                nanosleep(&t, NULL);
        }
    }
    if (h->out >= 0) {
        size_t done = 0;
        while (done < rec->length) {
            ssize_t n = write(h->out, rec->data + done, rec->length - done);
            if (n <= 0) {
                snprintf(errbuf, errlen, "write to out failed");
                return CONMON_LOG_FATAL;
            }
            done += (size_t) n;
        }
    }
    return CONMON_LOG_OK;
}

static int f_flush(void *handle, char *errbuf, size_t errlen)
{
    (void) handle, (void) errbuf, (void) errlen;
    return CONMON_LOG_OK;
}

static int f_close(void *handle, char *errbuf, size_t errlen)
{
    (void) errbuf, (void) errlen;
    struct faulty *h = handle;
    if (h->out >= 0)
        close(h->out);
    free(h);
    return CONMON_LOG_OK;
}

/* Thread-safe and non-blocking, as the ABI asks: a flag and a marker file. */
static void f_exited(void *handle)
{
    struct faulty *h = handle;
    atomic_store(&h->exited_called, 1);
    if (h->exited[0]) {
        int fd = open(h->exited, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        if (fd >= 0)
            close(fd);
    }
}

CONMON_LOG_PLUGIN_DESCRIPTOR_EXITED("faulty", f_init, f_write, f_flush, NULL, f_close, f_exited)
