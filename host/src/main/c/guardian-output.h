/*
 * The guardian's output (guardian-output.c): the k8s-file log records it appends, the reason it gives,
 * the exit files it writes.
 */
#ifndef CONMONJ_GUARDIAN_OUTPUT_H
#define CONMONJ_GUARDIAN_OUTPUT_H

#include <stddef.h>

/* The most container output the guardian reads at once, and so the longest record it writes. */
#define GUARDIAN_CHUNK 8192

/* The container's k8s-file log, opened on first use (O_APPEND|O_NOFOLLOW); a write error stops further writes. */
struct guardian_log {
    char *path;     /* absolute; NULL: no k8s-file log, records are discarded */
    int fd;         /* -1 until opened */
    int failed;     /* reported once */
    const char *id; /* the container id, for messages; may be NULL */
};

/* syslog(3), the guardian's only channel for its own errors (its stdio is /dev/null). */
void guardian_note(int priority, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* A chunk of container output: one k8s-file record per line, the unterminated rest as a partial record. */
void guardian_log_chunk(struct guardian_log *log, const char *stream, const char *data, size_t len);

/* The reason, where the user looks: a stderr record in the k8s-file log, syslog, CONMONJ_DIAGNOSTICS_FILE. */
void guardian_log_reason(struct guardian_log *log, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* Same format as the monitor's ExitFiles: the status in decimal, no newline, mode 0644, atomically. */
void guardian_write_exit_file(const char *path, int status);

#endif
