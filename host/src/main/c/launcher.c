/*
 * conmon-j launcher: the tiny native process that Podman executes as "conmon".
 *
 * Why it exists: a JVM cannot fork, yet conmon's caller expects the process it
 * started to exit as soon as the start pipe was read and the arguments were
 * checked, while a detached child carries on as the monitor (conmon-behaviour.md §2, §14).
 * Measured (docs/design.md, "Processes"): a JVM that spawns a second JVM
 * doubles start-up, this launcher costs a few milliseconds.
 *
 * What it does, in conmon's order:
 *   1. umask 0022; snapshot the fds it inherited (they must reach the runtime
 *      at the same numbers, conmon-behaviour.md §4.2);
 *   2. read the start pipe (_OCI_STARTPIPE) so that the monitor is created only
 *      after Podman moved us into the conmon cgroup (conmon-behaviour.md §3.2);
 *   3. fork; the child does setsid() and becomes the guardian (guardian.c):
 *      it forks again and the grandchild execs the monitor JVM with the
 *      original arguments, SIGCHLD/SIGTERM/SIGINT/SIGQUIT/SIGUSR1 blocked so
 *      that every JVM thread inherits them blocked and the monitor's signalfd
 *      sees them all; the guardian stays the JVM's parent and finishes the
 *      container's exit path if the JVM dies;
 *      the JVM alone opts in to memory sharing between monitors
 *      (memory-sharing.h, CONMONJ_MEMORY_SHARING); after a hibernation the
 *      guardian starts a resumed JVM the same way (start_monitor, verdict fd -1);
 *   4. wait for the monitor's verdict on a pipe: one byte. 'D' = arguments
 *      valid, log open, -P written: exit 0. 'S' = --sync: stay, forward
 *      SIGTERM/SIGINT/SIGQUIT and exit with the monitor's status. 'E' and a
 *      status byte N = exit with status N (the monitor already printed the
 *      message on the caller's stderr). EOF = the monitor died: report it and
 *      relay its exit status, so a failure never looks like success.
 *
 * `conmon --version` alone is answered here, without a JVM: Podman runs it on
 * every command (even `podman ps`), and the text is fixed at build time
 * (CONMON_VERSION, CONMONJ_VERSION; the JVM prints the same for other argvs).
 *
 * The JVM, its options and the jar are found relative to this executable:
 * ROOT/bin/conmon, ROOT/runtime/bin/java (jlink image), ROOT/conf/jvm.options
 * (one option a line, "@ROOT@" replaced), ROOT/lib/conmon-j.jar.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guardian.h"
#include "memory-sharing.h"

#define ENV_LAUNCH "CONMONJ_LAUNCH"
#define MAX_JVM_OPTIONS 64
#define TEXT_OF(x) TEXT_OF_EXPANDED(x)
#define TEXT_OF_EXPANDED(x) #x

/* the guardian, which relays the monitor's status and forwards signals to it */
static pid_t monitor_pid = -1;

static void die(const char *what)
{
    fprintf(stderr, "[conmon:e]: conmon-j launcher: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* Comma-separated list of the fds open at start (except the directory fd). */
static void inherited_fds(char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    DIR *dir = opendir("/proc/self/fd");
    if (dir == NULL)
        die("opendir /proc/self/fd");
    int self = dirfd(dir);
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] == '.')
            continue;
        int fd = atoi(entry->d_name);
        if (fd == self || fd <= 2)
            continue;
        int n = snprintf(out + used, size - used, "%s%d", used ? "," : "", fd);
        if (n < 0 || (size_t)n >= size - used)
            break;
        used += (size_t)n;
    }
    closedir(dir);
}

/* Blocking read of start byte #1; a missing or unparsable variable is left to the monitor to report. */
static int read_start_pipe(void)
{
    const char *value = getenv("_OCI_STARTPIPE");
    if (value == NULL || *value == '\0')
        return 0;
    char *end;
    errno = 0;
    long fd = strtol(value, &end, 10);
    if (errno != 0 || *end != '\0' || fd <= 0 || fd > INT_MAX)
        return 0;
    char buf[8192];
    ssize_t n;
    do {
        n = read((int)fd, buf, sizeof buf);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        fprintf(stderr, "[conmon:e]: Failed to read from start pipe: %s\n", strerror(errno));
        exit(1);
    }
    return 1;
}

static char *root_dir(void)
{
    static char path[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
    if (n < 0)
        die("readlink /proc/self/exe");
    path[n] = '\0';
    for (int i = 0; i < 2; i++) { /* strip "/conmon", then "/bin" */
        char *slash = strrchr(path, '/');
        if (slash == NULL)
            return path;
        *slash = '\0';
    }
    return path;
}

static char *with_root(const char *root, const char *text)
{
    const char *mark = strstr(text, "@ROOT@");
    size_t size = strlen(text) + strlen(root) + 1;
    char *out = malloc(size);
    if (out == NULL)
        die("malloc");
    if (mark == NULL) {
        strcpy(out, text);
    } else {
        snprintf(out, size, "%.*s%s%s", (int)(mark - text), text, root, mark + 6);
    }
    return out;
}

/* A JVM started without its options would run with the JDK's defaults (no AOT cache, a heap sized for the
 * machine): a missing file, an overlong line or too many options fail the start with the reason instead. */
static void bad_jvm_options(const char *path, const char *why)
{
    fprintf(stderr, "[conmon:e]: conmon-j launcher: %s: %s\n", path, why);
    exit(1);
}

static int read_jvm_options(const char *root, char **options)
{
    char *path = with_root(root, "@ROOT@/conf/jvm.options");
    FILE *file = fopen(path, "re");
    if (file == NULL)
        die(path);
    int count = 0;
    char line[4096];
    while (fgets(line, sizeof line, file) != NULL) {
        size_t length = strcspn(line, "\r\n");
        if (line[length] == '\0' && !feof(file))
            bad_jvm_options(path, "a line longer than 4095 bytes");
        line[length] = '\0';
        if (line[0] == '\0' || line[0] == '#')
            continue;
        if (count == MAX_JVM_OPTIONS)
            bad_jvm_options(path, "more than " TEXT_OF(MAX_JVM_OPTIONS) " options");
        options[count++] = with_root(root, line);
    }
    fclose(file);
    free(path);
    return count;
}

static void exec_monitor(int argc, char **argv, int verdict_fd, const char *fds, int start_read,
                         enum memory_sharing sharing)
{
    const char *root = root_dir();
    char *options[MAX_JVM_OPTIONS];
    int option_count = read_jvm_options(root, options);

    char **args = calloc((size_t)(argc + option_count + 4), sizeof *args);
    if (args == NULL)
        die("calloc");
    int n = 0;
    const char *java_override = getenv("CONMONJ_JAVA");
    args[n++] = java_override ? (char *)java_override : with_root(root, "@ROOT@/runtime/bin/java");
    for (int i = 0; i < option_count; i++)
        args[n++] = options[i];
    args[n++] = "-jar";
    args[n++] = with_root(root, "@ROOT@/lib/conmon-j.jar");
    for (int i = 1; i < argc; i++)
        args[n++] = argv[i];
    args[n] = NULL;

    /* verdict fd, whether start byte #1 was consumed, inherited fds */
    char launch[4096];
    snprintf(launch, sizeof launch, "%d;%d;%s", verdict_fd, start_read, fds);
    if (setenv(ENV_LAUNCH, launch, 1) < 0)
        die("setenv " ENV_LAUNCH);

    if (memory_sharing_apply(sharing) < 0) {
        fprintf(stderr, "[conmon:e]: conmon-j launcher: %s: %s\n", MEMORY_SHARING_ENV, strerror(errno));
        _exit(1);
    }
    execv(args[0], args);
    fprintf(stderr, "[conmon:e]: conmon-j launcher: cannot execute %s: %s\n", args[0], strerror(errno));
    _exit(1);
}

struct monitor_start {
    int argc;
    char **argv;
    const char *fds;
    int start_read;
    enum memory_sharing sharing;
};

/* The guardian's exec callback: the first start, or (verdict_fd -1) a resumed monitor after a hibernation,
 * which inherits none of the caller's fds and has consumed no start byte: CONMONJ_LAUNCH "-1;0;". */
static void start_monitor(int verdict_fd, void *context)
{
    struct monitor_start *start = context;
    if (verdict_fd < 0)
        exec_monitor(start->argc, start->argv, -1, "", 0, start->sharing);
    else
        exec_monitor(start->argc, start->argv, verdict_fd, start->fds, start->start_read, start->sharing);
}

static void forward_signal(int sig)
{
    if (monitor_pid > 0)
        kill(monitor_pid, sig);
}

static int relay_exit(pid_t pid, int announce)
{
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            die("waitpid");
    }
    if (WIFEXITED(status)) {
        if (announce && WEXITSTATUS(status) == 0)
            return 1; /* ended without a verdict: never report that as success */
        return WEXITSTATUS(status);
    }
    if (announce)
        fprintf(stderr, "[conmon:e]: conmon-j monitor killed by signal %d before it was ready\n",
                WTERMSIG(status));
    return 128 + WTERMSIG(status);
}

#ifndef CONMON_VERSION
#error "build with -DCONMON_VERSION=... -DCONMONJ_VERSION=..."
#endif

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        fputs("conmon version " CONMON_VERSION "\ncommit: conmon-j " CONMONJ_VERSION "\n", stdout);
        return 0;
    }
    umask(0022);

    char fds[2048];
    inherited_fds(fds, sizeof fds);
    int start_read = read_start_pipe();

    enum memory_sharing sharing;
    char why[256];
    if (memory_sharing_choose(&sharing, why, sizeof why) < 0) {
        fprintf(stderr, "[conmon:e]: conmon-j launcher: %s\n", why);
        return 1;
    }

    int verdict[2];
    if (pipe2(verdict, O_CLOEXEC) < 0)
        die("pipe2");

    sigset_t blocked, previous;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGCHLD);
    sigaddset(&blocked, SIGTERM);
    sigaddset(&blocked, SIGINT);
    sigaddset(&blocked, SIGQUIT);
    sigaddset(&blocked, SIGUSR1);
    sigprocmask(SIG_BLOCK, &blocked, &previous);

    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        close(verdict[0]);
        if (setsid() < 0) {
            fprintf(stderr, "[conmon:e]: conmon-j launcher: setsid: %s\n", strerror(errno));
            _exit(1);
        }
        struct monitor_start start = { argc, argv, fds, start_read, sharing };
        guardian_run(verdict[1], start_monitor, &start); /* forks the JVM, stays its parent */
    }
    monitor_pid = pid;
    close(verdict[1]);
    sigprocmask(SIG_SETMASK, &previous, NULL);

    unsigned char answer;
    ssize_t n;
    do {
        n = read(verdict[0], &answer, 1);
    } while (n < 0 && errno == EINTR);

    if (n <= 0) {
        fprintf(stderr, "[conmon:e]: conmon-j monitor exited before it was ready\n");
        return relay_exit(pid, 1);
    }
    if (answer == 'D')
        return 0;
    if (answer == 'S') {
        struct sigaction action = { .sa_handler = forward_signal };
        sigemptyset(&action.sa_mask);
        sigaction(SIGTERM, &action, NULL);
        sigaction(SIGINT, &action, NULL);
        sigaction(SIGQUIT, &action, NULL);
        return relay_exit(pid, 0);
    }
    unsigned char status = 1;
    if (answer == 'E' && read(verdict[0], &status, 1) == 1)
        return status;
    fprintf(stderr, "[conmon:e]: conmon-j launcher: bad verdict from the monitor\n");
    return 1;
}
