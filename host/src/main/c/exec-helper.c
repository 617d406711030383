/*
 * conmon-j-exec: the pre-exec steps a JVM cannot run between fork and exec.
 *
 * The monitor posix_spawn()s this helper (file actions place fds 0-2 and keep
 * the inherited fds at their numbers); the helper then does what conmon's
 * runtime child does before execv (conmon-behaviour.md §4.2, §4.3, §10.8) and execs the
 * target program in the same process:
 *
 *   conmon-j-exec [--parent PID] [--listen-pid replace|keep] [--start-fd FD]
 *                 [--oom-score-adj N] [--delay SECONDS] -- PATH [ARG...]
 *
 *   --parent PID     PR_SET_PDEATHSIG=SIGKILL, and give up if PID already died
 *   --listen-pid M   validate LISTEN_PID; "replace" sets it to our own pid,
 *                    "keep" replaces it only when it names PID (the monitor)
 *   --start-fd FD    block for start byte #2 (exec --exec-attach), then close
 *   --oom-score-adj  restore the value the monitor had before it lowered its own
 *   --delay S        sleep before exec (--exit-delay)
 *
 * It also undoes the monitor JVM's memory-sharing opt-ins (memory-sharing.h): the
 * runtime and the container start with the kernel's defaults.
 *
 * PATH is executed with execv (no PATH search) and argv[0] = PATH, as conmon
 * does. On failure the helper prints the reason on stderr (the runtime's
 * stderr pipe, so Podman shows it) and exits 127.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "memory-sharing.h"

static void fail(const char *what)
{
    fprintf(stderr, "conmon-j-exec: %s: %s\n", what, strerror(errno));
    _exit(127);
}

static long parse_number(const char *text, const char *option)
{
    char *end;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno != 0 || *end != '\0' || end == text) {
        fprintf(stderr, "conmon-j-exec: bad value for %s: %s\n", option, text);
        _exit(127);
    }
    return value;
}

static void reset_signals(void)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGCHLD, SIG_DFL);
    /* conmon ignores SIGPIPE and its runtime child inherits that (conmon-behaviour.md §4.2) */
    signal(SIGPIPE, SIG_IGN);
}

static void fix_listen_pid(const char *mode, long parent)
{
    const char *value = getenv("LISTEN_PID");
    if (value == NULL)
        return;
    char *end;
    errno = 0;
    long pid = strtol(value, &end, 10);
    if (errno != 0 || *end != '\0' || end == value || pid <= 0) {
        fprintf(stderr, "Invalid LISTEN_PID %s\n", value);
        _exit(127);
    }
    if (strcmp(mode, "replace") == 0 || pid == parent) {
        char own[32];
        snprintf(own, sizeof own, "%d", getpid());
        setenv("LISTEN_PID", own, 1);
    }
}

static void wait_start_byte(int fd)
{
    char buf[8192];
    ssize_t n;
    do {
        n = read(fd, buf, sizeof buf);
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        fail("read start pipe");
    close(fd);
}

static void write_oom_score_adj(const char *value)
{
    FILE *file = fopen("/proc/self/oom_score_adj", "we");
    if (file == NULL)
        return; /* as conmon: best effort */
    fputs(value, file);
    fclose(file);
}

int main(int argc, char **argv)
{
    long parent = 0;
    const char *listen_mode = NULL;
    const char *oom = NULL;
    long start_fd = -1, delay = 0;
    int i = 1;
    for (; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--") == 0) {
            i++;
            break;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "conmon-j-exec: missing value for %s\n", arg);
            _exit(127);
        }
        const char *value = argv[++i];
        if (strcmp(arg, "--parent") == 0)
            parent = parse_number(value, arg);
        else if (strcmp(arg, "--listen-pid") == 0)
            listen_mode = value;
        else if (strcmp(arg, "--start-fd") == 0)
            start_fd = parse_number(value, arg);
        else if (strcmp(arg, "--oom-score-adj") == 0)
            oom = value;
        else if (strcmp(arg, "--delay") == 0)
            delay = parse_number(value, arg);
        else {
            fprintf(stderr, "conmon-j-exec: unknown option %s\n", arg);
            _exit(127);
        }
    }
    if (i >= argc) {
        fprintf(stderr, "conmon-j-exec: no program given\n");
        _exit(127);
    }

    if (parent > 0) {
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
            fail("prctl PR_SET_PDEATHSIG");
        if (getppid() != parent) /* the monitor died before prctl took effect */
            _exit(127);
    }
    reset_signals();
    if (listen_mode != NULL)
        fix_listen_pid(listen_mode, parent);
    if (start_fd >= 0)
        wait_start_byte((int)start_fd);
    if (oom != NULL)
        write_oom_score_adj(oom);
    if (delay > 0)
        sleep((unsigned)delay);
    /* the runtime and the container get the kernel's defaults, not the JVM's opt-ins */
    (void)memory_sharing_reset(); /* execv below: the runtime gets randomisation back */

    execv(argv[i], argv + i);
    fprintf(stderr, "conmon-j-exec: cannot execute %s: %s\n", argv[i], strerror(errno));
    _exit(127);
}
