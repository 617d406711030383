/*
 * file-plugin: a conmon-j log plugin that appends every record to a file in its own
 * simple, byte-exact format:
 *
 *     <stream> <timestamp_ns> <P|F> <length>\n<length bytes>\n
 *
 * stream is "stdout" or "stderr", P marks a partial record (the line goes on in the next
 * record of that stream), F a full one. The bytes are exactly the container's, so a reader
 * takes <length> bytes after the header line and skips the '\n' that follows.
 *
 * Records are gathered in a 64 KiB buffer and written out by flush(), which the host calls
 * after the records of each read of the container's output (and before it reports the
 * container's exit), so a burst of short lines costs one write(2), not one per line.
 *
 * Options (the c-plugin driver's options except plugin=...):
 *     path=/abs/file     the file to append to (required; created 0640 if missing)
 *     fsync=true|false   fsync() the file on every flush (default false)
 *
 * Build: gcc $(pkg-config --cflags conmon-log-plugin) -O2 -shared -fPIC -o file-plugin.so file-plugin.c
 */
#define _GNU_SOURCE
#include <conmon_log_plugin.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#define BUFFER_SIZE (64 * 1024)

struct file_plugin {
    char *path;
    int fd;
    int fsync_on_flush;
    size_t used;                /* bytes waiting in buf */
    char buf[BUFFER_SIZE];
};

static int open_file(struct file_plugin *fp, char *errbuf, size_t errlen)
{
    fp->fd = open(fp->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (fp->fd < 0) {
        snprintf(errbuf, errlen, "cannot open %s: %s", fp->path, strerror(errno));
        return CONMON_LOG_FATAL;
    }
    return CONMON_LOG_OK;
}

static int fp_init(int argc, const char *const *argv, const struct conmon_log_container *meta,
                   void **handle, char *errbuf, size_t errlen)
{
    (void) meta;
    const char *path = NULL;
    int fsync_on_flush = 0;
    for (int i = 0; i < argc; i++) {
        if (strncmp(argv[i], "path=", 5) == 0) {
            path = argv[i] + 5;
        } else if (strcmp(argv[i], "fsync=true") == 0) {
            fsync_on_flush = 1;
        } else if (strcmp(argv[i], "fsync=false") == 0) {
            fsync_on_flush = 0;
        } else {
            snprintf(errbuf, errlen, "unknown option \"%s\" (known: path=FILE, fsync=true|false)", argv[i]);
            return CONMON_LOG_FATAL;
        }
    }
    if (path == NULL || path[0] != '/') {
        snprintf(errbuf, errlen, "option path= must name an absolute file");
        return CONMON_LOG_FATAL;
    }
    struct file_plugin *fp = calloc(1, sizeof(*fp));
    if (fp == NULL || (fp->path = strdup(path)) == NULL) {
        free(fp);
        snprintf(errbuf, errlen, "out of memory");
        return CONMON_LOG_FATAL;
    }
    fp->fsync_on_flush = fsync_on_flush;
    int rc = open_file(fp, errbuf, errlen);
    if (rc != CONMON_LOG_OK) {
        free(fp->path);
        free(fp);
        return rc;
    }
    *handle = fp;
    return CONMON_LOG_OK;
}

/* Writes all of iov or fails; with O_APPEND a short write is only possible on errors. */
static int write_all(int fd, struct iovec *iov, int iovcnt)
{
    while (iovcnt > 0) {
        ssize_t n = writev(fd, iov, iovcnt);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        while (iovcnt > 0 && (size_t) n >= iov->iov_len) {
            n -= (ssize_t) iov->iov_len;
            iov++;
            iovcnt--;
        }
        if (iovcnt > 0) {
            iov->iov_base = (char *) iov->iov_base + n;
            iov->iov_len -= (size_t) n;
        }
    }
    return 0;
}

/* Writes out the buffer; on failure the buffered records are dropped (the host reports it). */
static int drain(struct file_plugin *fp, char *errbuf, size_t errlen)
{
    if (fp->used == 0)
        return CONMON_LOG_OK;
    struct iovec iov = {fp->buf, fp->used};
    int rc = write_all(fp->fd, &iov, 1);
    fp->used = 0;
    if (rc < 0) {
        snprintf(errbuf, errlen, "writing %s: %s", fp->path, strerror(errno));
        return CONMON_LOG_FATAL;
    }
    return CONMON_LOG_OK;
}

static int fp_write(void *handle, const struct conmon_log_record *rec, char *errbuf, size_t errlen)
{
    struct file_plugin *fp = handle;
    char header[96];
    int hlen = snprintf(header, sizeof(header), "%s %" PRId64 " %c %zu\n",
                        rec->stream == CONMON_LOG_STDERR ? "stderr" : "stdout", rec->timestamp_ns,
                        (rec->flags & CONMON_LOG_PARTIAL) ? 'P' : 'F', rec->length);
    size_t need = (size_t) hlen + rec->length + 1;
    if (fp->used + need > sizeof(fp->buf)) {
        int rc = drain(fp, errbuf, errlen);
        if (rc != CONMON_LOG_OK)
            return rc;
    }
    if (need <= sizeof(fp->buf)) {
        memcpy(fp->buf + fp->used, header, (size_t) hlen);
        if (rec->length > 0)
            memcpy(fp->buf + fp->used + hlen, rec->data, rec->length);
        fp->buf[fp->used + need - 1] = '\n';
        fp->used += need;
        return CONMON_LOG_OK;
    }
    /* larger than the buffer: straight to the file */
    struct iovec iov[3] = {
        {header, (size_t) hlen},
        {(void *) rec->data, rec->length},
        {"\n", 1},
    };
    if (write_all(fp->fd, iov, 3) < 0) {
        snprintf(errbuf, errlen, "writing %s: %s", fp->path, strerror(errno));
        return CONMON_LOG_FATAL;
    }
    return CONMON_LOG_OK;
}

static int fp_flush(void *handle, char *errbuf, size_t errlen)
{
    struct file_plugin *fp = handle;
    int rc = drain(fp, errbuf, errlen);
    if (rc != CONMON_LOG_OK)
        return rc;
    if (fp->fsync_on_flush && fsync(fp->fd) < 0) {
        snprintf(errbuf, errlen, "fsync %s: %s", fp->path, strerror(errno));
        return CONMON_LOG_FATAL;
    }
    return CONMON_LOG_OK;
}

static int fp_reopen(void *handle, char *errbuf, size_t errlen)
{
    struct file_plugin *fp = handle;
    int rc = drain(fp, errbuf, errlen); /* what was written before belongs to the old file */
    if (rc != CONMON_LOG_OK)
        return rc;
    int old = fp->fd;
    rc = open_file(fp, errbuf, errlen);
    if (rc != CONMON_LOG_OK) {
        fp->fd = old; /* keep writing to the old file; the host retries, then reports */
        return CONMON_LOG_RETRY;
    }
    close(old);
    return CONMON_LOG_OK;
}

static int fp_close(void *handle, char *errbuf, size_t errlen)
{
    struct file_plugin *fp = handle;
    int rc = drain(fp, errbuf, errlen);
    if (close(fp->fd) < 0 && rc == CONMON_LOG_OK) {
        snprintf(errbuf, errlen, "closing %s: %s", fp->path, strerror(errno));
        rc = CONMON_LOG_FATAL;
    }
    free(fp->path);
    free(fp);
    return rc;
}

CONMON_LOG_PLUGIN_DESCRIPTOR("file-plugin", fp_init, fp_write, fp_flush, fp_reopen, fp_close)
