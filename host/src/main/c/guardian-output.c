/*
 * What the guardian leaves where the user and Podman look (guardian.c decides when): records in the
 * container's k8s-file log (its drained output, and the reason the monitor is gone), the same reason in
 * the system log and CONMONJ_DIAGNOSTICS_FILE, and the exit files. Every call checked, every write bounded.
 */
#define _GNU_SOURCE
#include "guardian-output.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

void guardian_note(int priority, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vsyslog(priority, format, args);
    va_end(args);
}

static int open_log(struct guardian_log *g)
{
    if (g->fd >= 0 || g->path == NULL || g->failed)
        return g->fd;
    g->fd = open(g->path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
    if (g->fd < 0) {
        guardian_note(LOG_ERR, "conmon-j guardian: open %s: %s", g->path, strerror(errno));
        g->failed = 1;
    }
    return g->fd;
}

/* "2006-01-02T15:04:05.000000000+07:00", local time, as conmon writes it. */
static size_t timestamp(char *out, size_t size)
{
    struct timespec now;
    struct tm tm;
    if (clock_gettime(CLOCK_REALTIME, &now) < 0 || localtime_r(&now.tv_sec, &tm) == NULL)
        return 0;
    size_t n = strftime(out, size, "%Y-%m-%dT%H:%M:%S", &tm);
    if (n == 0)
        return 0;
    long offset = tm.tm_gmtoff / 60;
    char sign = offset < 0 ? '-' : '+';
    if (offset < 0)
        offset = -offset;
    int m = snprintf(out + n, size - n, ".%09ld%c%02ld:%02ld", now.tv_nsec, sign, offset / 60, offset % 60);
    if (m < 0 || (size_t)m >= size - n)
        return 0;
    return n + (size_t)m;
}

static void write_all(struct guardian_log *g, int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            /* ENOSPC, EIO, ...: reported once, the rest is discarded */
            if (!g->failed)
                guardian_note(LOG_ERR, "conmon-j guardian: write %s: %s", g->path, strerror(errno));
            g->failed = 1;
            return;
        }
        data += n;
        len -= (size_t)n;
    }
}

/* One k8s-file record: "TIMESTAMP STREAM F|P TEXT\n". */
static void log_record(struct guardian_log *g, const char *stream, const char *text, size_t len, int full)
{
    int fd = open_log(g);
    if (fd < 0 || g->failed)
        return;
    char line[64 + GUARDIAN_CHUNK + 2];
    size_t n = timestamp(line, 64);
    if (n == 0)
        return;
    int m = snprintf(line + n, sizeof line - n, " %s %c ", stream, full ? 'F' : 'P');
    if (m < 0 || len > sizeof line - n - (size_t)m - 1)
        return;
    n += (size_t)m;
    memcpy(line + n, text, len);
    n += len;
    line[n++] = '\n';
    write_all(g, fd, line, n);
}

/* A chunk of container output: one record per line, the unterminated rest as a partial record. */
void guardian_log_chunk(struct guardian_log *g, const char *stream, const char *data, size_t len)
{
    while (len > 0) {
        const char *newline = memchr(data, '\n', len);
        size_t line = newline ? (size_t)(newline - data) : len;
        log_record(g, stream, data, line, newline != NULL);
        size_t used = newline ? line + 1 : line;
        data += used;
        len -= used;
    }
}

/*
 * Where there is no syslog to read (containers, CI), an operator points the monitor's diagnostics at a file
 * (CONMONJ_DIAGNOSTICS_FILE, host Diagnostics.java); the guardian's reason goes there too, in the same form.
 */
static void diagnostics_file(struct guardian_log *g, const char *text)
{
    const char *path = getenv("CONMONJ_DIAGNOSTICS_FILE");
    if (path == NULL || path[0] != '/')
        return;
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
    if (fd < 0) {
        guardian_note(LOG_WARNING, "conmon-j guardian: open %s: %s", path, strerror(errno));
        return;
    }
    struct timespec now;
    char line[1200];
    if (clock_gettime(CLOCK_REALTIME, &now) < 0)
        now.tv_sec = now.tv_nsec = 0;
    int n = snprintf(line, sizeof line, "%lld conmon %.20s [conmon:e]: %s\n",
                     (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000, g->id ? g->id : "", text);
    if (n > 0) {
        size_t len = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
        if (write(fd, line, len) != (ssize_t)len)
            guardian_note(LOG_WARNING, "conmon-j guardian: write %s: %s", path, strerror(errno));
    }
    if (close(fd) < 0)
        guardian_note(LOG_WARNING, "conmon-j guardian: close %s: %s", path, strerror(errno));
}

/* The reason, where the user looks: the system log and `podman logs`. */
void guardian_log_reason(struct guardian_log *g, const char *format, ...)
{
    char text[1024];
    va_list args;
    va_start(args, format);
    int n = vsnprintf(text, sizeof text, format, args);
    va_end(args);
    if (n < 0)
        return;
    size_t len = (size_t)n < sizeof text ? (size_t)n : sizeof text - 1;
    syslog(LOG_ERR, "%s: %s", g->id ? g->id : "conmon-j", text);
    diagnostics_file(g, text);
    log_record(g, "stderr", text, len, 1);
}

/* Same format as the monitor's ExitFiles: the status in decimal, no newline, mode 0644, atomically. */
void guardian_write_exit_file(const char *path, int status)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL || slash[1] == '\0')
        return;
    char dir[PATH_MAX];
    size_t dir_len = slash == path ? 1 : (size_t)(slash - path);
    if (dir_len >= sizeof dir)
        return;
    memcpy(dir, path, dir_len);
    dir[dir_len] = '\0';
    const char *name = slash + 1;
    char temp[NAME_MAX + 1];
    int n = snprintf(temp, sizeof temp, ".%s.%d.guardian", name, (int)getpid());
    if (n < 0 || (size_t)n >= sizeof temp) {
        guardian_note(LOG_ERR, "conmon-j guardian: exit file name too long: %s", path);
        return;
    }
    int dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0) {
        guardian_note(LOG_ERR, "conmon-j guardian: open %s: %s", dir, strerror(errno));
        return;
    }
    char text[16];
    int len = snprintf(text, sizeof text, "%d", status);
    int fd = openat(dirfd, temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0 && errno == EEXIST && unlinkat(dirfd, temp, 0) == 0)
        fd = openat(dirfd, temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) {
        guardian_note(LOG_ERR, "conmon-j guardian: create %s/%s: %s", dir, temp, strerror(errno));
    } else {
        ssize_t written = write(fd, text, (size_t)len);
        int ok = written == len && fchmod(fd, 0644) == 0;
        if (!ok)
            guardian_note(LOG_ERR, "conmon-j guardian: write %s: %s", path, strerror(errno));
        if (close(fd) < 0) {
            guardian_note(LOG_ERR, "conmon-j guardian: close %s: %s", path, strerror(errno));
            ok = 0;
        }
        if (ok && renameat(dirfd, temp, dirfd, name) < 0) {
            guardian_note(LOG_ERR, "conmon-j guardian: rename to %s: %s", path, strerror(errno));
            ok = 0;
        }
        if (!ok && unlinkat(dirfd, temp, 0) < 0 && errno != ENOENT)
            guardian_note(LOG_ERR, "conmon-j guardian: unlink %s: %s", temp, strerror(errno));
    }
    if (close(dirfd) < 0)
        guardian_note(LOG_ERR, "conmon-j guardian: close %s: %s", dir, strerror(errno));
}
