/*
 * conmon-j guardian: a small C process between the launcher and the monitor
 * JVM. It is the JVM's parent and a child subreaper, so when the JVM dies
 * without finishing its exit path, the container (reparented to us) is still
 * reaped, its exit files are written with its real status, the exit command
 * runs (after --exit-delay) and the reason reaches the user (a line in the
 * k8s-file log, so `podman logs` shows it, and the system log).
 *
 * The monitor tells us what we need once it knows it, over a SOCK_SEQPACKET
 * socketpair, one record per packet: a tag byte, then text.
 *   'I' ID            container id (for messages)
 *   'E' PATH          an exit file to write (absolute; persist file first, then exit-dir file)
 *   'L' PATH          the k8s-file log (absolute)
 *   'C' DELAY\0PATH\0ARG\0...  the exit command and --exit-delay
 *   'P' PID           the container's pid
 *   'O' OUT\0ERR      the monitor's fds reading the container's stdout and stderr (-1: none);
 *                     we take copies (pidfd_getfd) so the container never writes into a
 *                     closed pipe once the monitor is gone
 *   'S' STATUS        the monitor reaped the container: this status goes to the exit files
 *   'R' TEXT          the monitor is giving up (an exception on its loop): why, for the report
 *   'F'               the monitor wrote the exit files and started the exit command itself
 *   'X' STATUS        after 'F': the monitor reaped every child and only exits now, with STATUS; we exit
 *                     at once with it (Podman waits for our pid: it need not wait for the JVM's teardown)
 *   'H' FDS\0STATE    the monitor hibernates: we hold copies of the fds it watches ("12w,13w,17k": w wakes,
 *                     k is only kept) and its opaque STATE (guardian-sleep.h); we answer
 *                     'h' (held: the monitor exits and its death is no fault) or 'n' TEXT (refused, why)
 * and to a resumed monitor (one we started when a held fd became ready, CONMONJ_RESUME):
 *   's' STATUS        we reaped the container (it is our child since the first monitor exited)
 * A record longer than RECORD_MAX, an unknown tag or a bad number is reported and ignored.
 *
 * The choice for a container still running when its monitor dies: we keep it
 * (a monitor fault must not kill a workload), drain its stdout/stderr into the
 * k8s-file log (or discard them without k8s-file) and write its real status
 * when it exits. Measured and justified in docs/reliability.md.
 *
 * What it writes (log records, the reason, exit files) is guardian-output.c's concern.
 * Every call is checked; every buffer, count and wait is bounded.
 */
#define _GNU_SOURCE
#include "guardian.h"
#include "guardian-output.h"
#include "guardian-sleep.h"
#include "guardian-state.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define RECORD_MAX 65536
#define MAX_EXIT_ARGS 1024
/* the longest account of a failure the monitor may give ('R'), so the reason line stays one k8s-file record */
#define REASON_MAX 512
/* after the container was reaped, what is still in its pipes is drained for at most this long */
#define FINAL_DRAIN_MS 1000
/* the status of a JVM that ends at its first OutOfMemoryError (jvm.options: -XX:+ExitOnOutOfMemoryError) */
#define JVM_OUT_OF_MEMORY 3

static int parse_int(const char *text, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < min || value > max)
        return -1;
    *out = value;
    return 0;
}

/* conmon's form of a wait status (docs/conmon-behaviour.md §10.3). */
static int status_of(int wait_status)
{
    if (WIFEXITED(wait_status))
        return WEXITSTATUS(wait_status);
    if (WIFSIGNALED(wait_status))
        return 128 + WTERMSIG(wait_status);
    return -1;
}

static char *copy_text(const char *text, size_t len)
{
    char *out = malloc(len + 1);
    if (out == NULL) {
        guardian_note(LOG_ERR, "conmon-j guardian: out of memory");
        return NULL;
    }
    memcpy(out, text, len);
    out[len] = '\0';
    return out;
}

/* ---- records from the monitor -------------------------------------------- */

static void take_output_fds(struct guard *g, const char *payload, size_t len)
{
    char text[64];
    const char *second = memchr(payload, '\0', len);
    if (second == NULL || len >= sizeof text) {
        guardian_note(LOG_ERR, "conmon-j guardian: bad output record");
        return;
    }
    memcpy(text, payload, len);
    text[len] = '\0';
    const char *texts[2] = { text, text + (second - payload) + 1 };
    if (g->monitor_done) /* a record read after the monitor was reaped: its pid may be another process's now */
        return;
    int pidfd = pidfd_open(g->monitor, 0);
    if (pidfd < 0) {
        guardian_note(LOG_ERR, "conmon-j guardian: pidfd_open %d: %s", (int)g->monitor, strerror(errno));
        return;
    }
    for (int i = 0; i < 2; i++) {
        long fd;
        if (parse_int(texts[i], -1, INT_MAX, &fd) < 0) {
            guardian_note(LOG_ERR, "conmon-j guardian: bad fd in output record");
            continue;
        }
        if (fd < 0 || g->out_fds[i] >= 0)
            continue;
        g->out_fds[i] = pidfd_getfd(pidfd, (int)fd, 0); /* close-on-exec already: pidfd_getfd(2) sets it */
        if (g->out_fds[i] < 0)
            guardian_note(LOG_ERR, "conmon-j guardian: pidfd_getfd %ld: %s", fd, strerror(errno));
    }
    if (close(pidfd) < 0)
        guardian_note(LOG_ERR, "conmon-j guardian: close: %s", strerror(errno));
}

static void take_exit_command(struct guard *g, const char *payload, size_t len)
{
    if (g->exit_argv != NULL || len == 0 || payload[len - 1] != '\0') {
        guardian_note(LOG_ERR, "conmon-j guardian: bad exit command record");
        return;
    }
    int count = 0;
    for (size_t i = 0; i < len; i++)
        count += payload[i] == '\0';
    if (count < 2 || count > MAX_EXIT_ARGS) {
        guardian_note(LOG_ERR, "conmon-j guardian: bad exit command record");
        return;
    }
    long delay;
    if (parse_int(payload, 0, INT_MAX, &delay) < 0) {
        guardian_note(LOG_ERR, "conmon-j guardian: bad exit delay");
        return;
    }
    char **argv = calloc((size_t)count, sizeof *argv); /* count-1 args + NULL */
    char *copy = copy_text(payload, len);
    if (argv == NULL || copy == NULL) {
        free(argv);
        free(copy);
        return;
    }
    char *p = copy + strlen(copy) + 1;
    for (int i = 0; i < count - 1; i++) {
        argv[i] = p;
        p += strlen(p) + 1;
    }
    argv[count - 1] = NULL;
    g->exit_argv = argv;
    g->exit_delay = (int)delay;
}

/* One record to the monitor; never blocks (the monitor reads its channel on its event loop). */
int guard_send(struct guard *g, const char *record, size_t len)
{
    if (g->channel < 0)
        return -1;
    ssize_t n;
    do {
        n = send(g->channel, record, len, MSG_DONTWAIT | MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n != (ssize_t)len) {
        guardian_note(LOG_ERR, "conmon-j guardian: send '%c': %s", record[0], n < 0 ? strerror(errno) : "short send");
        return -1;
    }
    return 0;
}

static void take_record(struct guard *g, const char *record, size_t len)
{
    if (len == 0)
        return;
    char tag = record[0];
    const char *payload = record + 1;
    size_t plen = len - 1;
    long value;
    switch (tag) {
    case 'I':
        if (g->id == NULL) {
            g->id = copy_text(payload, plen);
            g->log.id = g->id;
        }
        return;
    case 'E':
        if (g->exit_file_count < MAX_EXIT_FILES && plen > 1 && payload[0] == '/'
            && memchr(payload, '\0', plen) == NULL) {
            char *path = copy_text(payload, plen);
            if (path != NULL)
                g->exit_files[g->exit_file_count++] = path;
            return;
        }
        break;
    case 'L':
        if (g->log.path == NULL && plen > 1 && payload[0] == '/' && memchr(payload, '\0', plen) == NULL) {
            g->log.path = copy_text(payload, plen);
            return;
        }
        break;
    case 'C':
        take_exit_command(g, payload, plen);
        return;
    case 'P': {
        char text[32];
        if (plen < sizeof text) {
            memcpy(text, payload, plen);
            text[plen] = '\0';
            if (parse_int(text, 1, INT_MAX, &value) == 0) {
                g->container = (pid_t)value;
                return;
            }
        }
        break;
    }
    case 'S': {
        char text[32];
        if (plen < sizeof text) {
            memcpy(text, payload, plen);
            text[plen] = '\0';
            if (parse_int(text, INT_MIN, INT_MAX, &value) == 0) {
                g->container_status = (int)value;
                g->container_done = 1;
                return;
            }
        }
        break;
    }
    case 'O':
        take_output_fds(g, payload, plen);
        return;
    case 'R':
        if (g->failure == NULL && plen > 0 && plen <= REASON_MAX && memchr(payload, '\0', plen) == NULL) {
            g->failure = copy_text(payload, plen);
            return;
        }
        break;
    case 'F':
        g->finished = 1;
        return;
    case 'H':
        sleep_hand_off(g, payload, plen);
        return;
    case 'X': {
        char text[32];
        if (g->finished && plen < sizeof text) {
            memcpy(text, payload, plen);
            text[plen] = '\0';
            if (parse_int(text, 0, 255, &value) == 0) {
                g->exit_status = (int)value;
                g->exit_now = 1;
                return;
            }
        }
        break;
    }
    default:
        break;
    }
    guardian_note(LOG_ERR, "conmon-j guardian: ignored a bad record (tag %d, %zu bytes)", (unsigned char)tag, len);
}

/* Reads every record waiting on the channel; closes it at EOF. */
static void read_channel(struct guard *g)
{
    static char record[RECORD_MAX];
    while (g->channel >= 0) {
        ssize_t n = recv(g->channel, record, sizeof record, MSG_DONTWAIT | MSG_TRUNC);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (n <= 0) {
            if (n < 0)
                guardian_note(LOG_ERR, "conmon-j guardian: recv: %s", strerror(errno));
            if (close(g->channel) < 0)
                guardian_note(LOG_ERR, "conmon-j guardian: close: %s", strerror(errno));
            g->channel = -1;
            return;
        }
        if ((size_t)n > sizeof record) {
            guardian_note(LOG_ERR, "conmon-j guardian: ignored a record of %zd bytes", n);
            continue;
        }
        take_record(g, record, (size_t)n);
    }
}

/* ---- children and signals ------------------------------------------------ */

void guard_reap(struct guard *g)
{
    for (;;) {
        int status;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid < 0 && errno == EINTR)
            continue;
        if (pid <= 0) {
            if (pid < 0 && errno != ECHILD)
                guardian_note(LOG_ERR, "conmon-j guardian: waitpid: %s", strerror(errno));
            return;
        }
        if (pid == g->monitor) {
            g->monitor_status = status;
            g->monitor_done = 1;
        } else if (pid == g->container && !g->container_done) {
            g->container_status = status_of(status);
            g->container_done = 1;
            sleep_tell_status(g);
        }
    }
}

static void forward(struct guard *g, int signal)
{
    /* a monitor that handed off only exits now: the signal would die with it */
    pid_t target = !g->monitor_done && !g->handed_off ? g->monitor : g->container;
    if (target == g->container && g->container_done)
        return; /* reaped: its pid may be another process's now */
    if (target > 0 && kill(target, signal) < 0 && errno != ESRCH)
        guardian_note(LOG_ERR, "conmon-j guardian: kill %d: %s", (int)target, strerror(errno));
}

void guard_read_signals(struct guard *g)
{
    struct signalfd_siginfo info;
    for (;;) {
        ssize_t n = read(g->signals, &info, sizeof info);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return;
        if (n != (ssize_t)sizeof info) {
            guardian_note(LOG_ERR, "conmon-j guardian: read signalfd: %s", n < 0 ? strerror(errno) : "short read");
            return;
        }
        if (info.ssi_signo == SIGCHLD || info.ssi_signo == SIGUSR1)
            guard_reap(g);
        else
            forward(g, (int)info.ssi_signo);
    }
}

/* ---- after the monitor died --------------------------------------------- */

/* Reads what one output fd holds now; closes it at EOF or error. */
static void drain_fd(struct guard *g, int index)
{
    static char buf[GUARDIAN_CHUNK];
    ssize_t n;
    do {
        n = read(g->out_fds[index], buf, sizeof buf);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && errno == EAGAIN)
        return;
    if (n <= 0) {
        if (n < 0 && errno != EIO) /* EIO: a pty whose other side is closed */
            guardian_note(LOG_ERR, "conmon-j guardian: read container output: %s", strerror(errno));
        if (close(g->out_fds[index]) < 0)
            guardian_note(LOG_ERR, "conmon-j guardian: close: %s", strerror(errno));
        g->out_fds[index] = -1;
        return;
    }
    guardian_log_chunk(&g->log, index == 0 ? "stdout" : "stderr", buf, (size_t)n);
}

/* When the container is not our descendant (it was never reparented to us), its pidfd tells its end. */
void guard_check_container(struct guard *g)
{
    int status;
    pid_t pid = waitpid(g->container, &status, WNOHANG);
    if (pid == g->container) {
        g->container_status = status_of(status);
        g->container_done = 1;
        sleep_tell_status(g);
    } else if (pid < 0 && errno == ECHILD) {
        /* someone else reaped it: its status is lost */
        g->container_status = -1;
        g->container_done = 1;
    }
}

/* Keeps the container, draining its output, until it has exited; then drains what is left (bounded). */
static void wait_for_container(struct guard *g)
{
    /* a container the monitor reaped may have had its pid reused: never open it then */
    g->container_pidfd = g->container_done ? -1 : pidfd_open(g->container, 0);
    if (!g->container_done && g->container_pidfd < 0) {
        if (errno != ESRCH)
            guardian_note(LOG_ERR, "conmon-j guardian: pidfd_open %d: %s", (int)g->container, strerror(errno));
        guard_reap(g);
        if (!g->container_done)
            guard_check_container(g);
    }
    struct timespec deadline = { 0, 0 };
    for (;;) {
        if (g->container_done) {
            struct timespec now;
            if (clock_gettime(CLOCK_MONOTONIC, &now) < 0)
                break;
            if (deadline.tv_sec == 0) {
                deadline = now;
                deadline.tv_sec += FINAL_DRAIN_MS / 1000;
            }
            if (g->out_fds[0] < 0 && g->out_fds[1] < 0)
                break;
            if (now.tv_sec > deadline.tv_sec
                || (now.tv_sec == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec))
                break;
        }
        struct pollfd fds[4];
        int count = 0;
        fds[count++] = (struct pollfd){ .fd = g->signals, .events = POLLIN };
        int pidfd_at = -1;
        if (!g->container_done && g->container_pidfd >= 0) {
            pidfd_at = count;
            fds[count++] = (struct pollfd){ .fd = g->container_pidfd, .events = POLLIN };
        }
        int out_at[2] = { -1, -1 };
        for (int i = 0; i < 2; i++) {
            if (g->out_fds[i] >= 0) {
                out_at[i] = count;
                fds[count++] = (struct pollfd){ .fd = g->out_fds[i], .events = POLLIN };
            }
        }
        int n = poll(fds, (nfds_t)count, g->container_done ? 100 : -1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            guardian_note(LOG_ERR, "conmon-j guardian: poll: %s", strerror(errno));
            break;
        }
        if (fds[0].revents)
            guard_read_signals(g);
        for (int i = 0; i < 2; i++)
            if (out_at[i] >= 0 && fds[out_at[i]].revents)
                drain_fd(g, i);
        if (pidfd_at >= 0 && fds[pidfd_at].revents && !g->container_done) {
            guard_reap(g);
            if (!g->container_done)
                guard_check_container(g);
        }
        if (g->container_done && g->out_fds[0] < 0 && g->out_fds[1] < 0)
            break;
    }
}

/* In a child about to exec: our -1000 is for the guardian alone (the OOM killer must be able to pick the rest). */
void guard_restore_oom_score_adj(const struct guard *g)
{
    if (g->oom_score_adj == NULL)
        return;
    int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        syslog(LOG_WARNING, "conmon-j guardian: open /proc/self/oom_score_adj: %m");
        return;
    }
    if (write(fd, g->oom_score_adj, strlen(g->oom_score_adj)) < 0)
        syslog(LOG_WARNING, "conmon-j guardian: restore oom_score_adj: %m");
    if (close(fd) < 0)
        syslog(LOG_WARNING, "conmon-j guardian: close: %m");
}

/* Runs the exit command after the delay, as the monitor's exec helper does, and waits for it (its status does not
 * change ours: conmon-behaviour.md §10.8). */
static void run_exit_command(struct guard *g)
{
    pid_t pid = fork();
    if (pid < 0) {
        guardian_note(LOG_ERR, "conmon-j guardian: fork: %s", strerror(errno));
        return;
    }
    if (pid == 0) {
        sigset_t none;
        sigemptyset(&none);
        if (sigprocmask(SIG_SETMASK, &none, NULL) < 0) {
            syslog(LOG_ERR, "conmon-j guardian: sigprocmask: %m");
            _exit(127);
        }
        struct timespec delay = { g->exit_delay, 0 };
        while (nanosleep(&delay, &delay) < 0 && errno == EINTR)
            ;
        guard_restore_oom_score_adj(g);
        execve(g->exit_argv[0], g->exit_argv, environ);
        syslog(LOG_ERR, "conmon-j guardian: exec %s: %m", g->exit_argv[0]);
        _exit(127);
    }
    for (;;) {
        pid_t done = waitpid(-1, NULL, 0);
        if (done < 0 && errno == EINTR)
            continue;
        if (done < 0) {
            guardian_note(LOG_ERR, "conmon-j guardian: waitpid: %s", strerror(errno));
            return;
        }
        if (done == pid)
            return;
    }
}

static void describe_death(int wait_status, char *out, size_t size)
{
    if (WIFSIGNALED(wait_status))
        snprintf(out, size, "was killed by signal %d (%s)", WTERMSIG(wait_status), strsignal(WTERMSIG(wait_status)));
    else if (WEXITSTATUS(wait_status) == JVM_OUT_OF_MEMORY)
        snprintf(out, size, "ran out of memory (exit status %d, -XX:+ExitOnOutOfMemoryError)", JVM_OUT_OF_MEMORY);
    else
        snprintf(out, size, "exited with status %d before finishing (a crash or a failure: see its diagnostics)",
                 WEXITSTATUS(wait_status));
}

static void take_over(struct guard *g) __attribute__((noreturn));

/* Finishes the container's exit path without a monitor; death says what became of the monitor. */
void guard_keep_container(struct guard *g, const char *death)
{
    if (g->container_done) {
        guardian_log_reason(&g->log, "conmon-j: the monitor (pid %d) %s; the container had exited with status %d",
               (int)g->monitor, death, g->container_status);
        wait_for_container(g); /* only drains what the monitor left in the pipes (bounded) */
    } else {
        guardian_log_reason(&g->log, "conmon-j: the monitor (pid %d) %s; the guardian keeps container process %d and will record its exit",
               (int)g->monitor, death, (int)g->container);
        wait_for_container(g);
        syslog(LOG_ERR, "%s: conmon-j guardian: container process %d exited with status %d",
               g->id ? g->id : "conmon-j", (int)g->container, g->container_status);
    }
    for (int i = 0; i < g->exit_file_count; i++)
        guardian_write_exit_file(g->exit_files[i], g->container_status);
    if (g->exit_argv != NULL)
        run_exit_command(g);
    _exit(g->container_status & 0xff);
}

static void take_over(struct guard *g)
{
    char death[REASON_MAX + 128];
    describe_death(g->monitor_status, death, sizeof death);
    if (g->failure != NULL) {
        size_t used = strlen(death);
        snprintf(death + used, sizeof death - used, ": %s", g->failure);
    }
    if (g->container <= 0 && !g->container_done) {
        /* before a container existed: the caller saw the monitor fail on the sync pipe or the verdict */
        syslog(LOG_ERR, "%s: conmon-j monitor %s before the container started", g->id ? g->id : "conmon-j", death);
        guard_reap(g);
        _exit(status_of(g->monitor_status) & 0xff);
    }
    guard_keep_container(g, death);
}

/* ---- set-up ----------------------------------------------------------------- */

static char *read_oom_score_adj(void)
{
    int fd = open("/proc/self/oom_score_adj", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    char text[16];
    ssize_t n = read(fd, text, sizeof text - 1);
    if (close(fd) < 0)
        syslog(LOG_WARNING, "conmon-j guardian: close: %m");
    if (n <= 0)
        return NULL;
    text[n] = '\0';
    text[strcspn(text, "\n")] = '\0';
    return copy_text(text, strlen(text));
}

/* The guardian outlives the caller: it keeps none of the caller's fds (pipes Podman waits on) nor its stdio. */
static int release_caller_fds(int keep)
{
    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (devnull < 0)
        return -1;
    for (int fd = 0; fd <= 2; fd++)
        if (devnull != fd && dup2(devnull, fd) < 0)
            return -1;
    if (keep != 3) {
        if (dup3(keep, 3, O_CLOEXEC) < 0)
            return -1;
    }
    if (close_range(4, ~0U, 0) < 0)
        return -1;
    return 3;
}

/* ---- the monitor's life ------------------------------------------------------ */

/* In a forked child: the JVM finds its end of the channel (not close-on-exec) in CONMONJ_GUARDIAN. */
void guard_exec_monitor(struct guard *g, int pair[2], int verdict_fd)
{
    if (close(pair[0]) < 0 || fcntl(pair[1], F_SETFD, 0) < 0 || (verdict_fd >= 0 && fcntl(verdict_fd, F_SETFD, 0) < 0))
        _exit(1);
    char value[64];
    snprintf(value, sizeof value, "%d;%d", pair[1], (int)g->self);
    if (setenv(ENV_GUARDIAN, value, 1) < 0)
        _exit(1);
    g->exec_monitor(verdict_fd, g->context);
    _exit(1);
}

/* Reads the channel and reaps until the monitor is gone (or said 'X': then we exit at once). */
static void guard_monitor(struct guard *g)
{
    while (!g->monitor_done) {
        struct pollfd fds[2];
        int count = 0;
        if (g->signals >= 0)
            fds[count++] = (struct pollfd){ .fd = g->signals, .events = POLLIN };
        if (g->channel >= 0)
            fds[count++] = (struct pollfd){ .fd = g->channel, .events = POLLIN };
        int n = poll(fds, (nfds_t)count, g->signals >= 0 ? -1 : 1000);
        if (n < 0 && errno != EINTR) {
            syslog(LOG_ERR, "conmon-j guardian: poll: %m");
            struct timespec pause = { 0, 100000000 };
            nanosleep(&pause, NULL);
        }
        if (g->signals >= 0)
            guard_read_signals(g);
        else
            guard_reap(g);
        read_channel(g);
        if (g->exit_now)
            _exit(g->exit_status);
    }
    read_channel(g); /* what the monitor said before it died */
}

void guardian_run(int verdict_fd, guardian_exec_fn exec_monitor, void *context)
{
    openlog("conmon", LOG_PID, LOG_DAEMON);
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
        fprintf(stderr, "[conmon:e]: conmon-j guardian: prctl(PR_SET_CHILD_SUBREAPER): %s\n", strerror(errno));
        _exit(1);
    }
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0) {
        fprintf(stderr, "[conmon:e]: conmon-j guardian: socketpair: %s\n", strerror(errno));
        _exit(1);
    }
    struct guard g = {
        .channel = -1, .signals = -1, .log = { .fd = -1 }, .self = getpid(),
        .exec_monitor = exec_monitor, .context = context,
        .container = -1, .container_pidfd = -1, .out_fds = { -1, -1 },
    };
    g.monitor = fork();
    if (g.monitor < 0) {
        fprintf(stderr, "[conmon:e]: conmon-j guardian: fork: %s\n", strerror(errno));
        _exit(1);
    }
    if (g.monitor == 0)
        guard_exec_monitor(&g, pair, verdict_fd);

    g.oom_score_adj = read_oom_score_adj();
    /* only the monitor may hold the verdict pipe: its death must reach the launcher as EOF */
    if (close(verdict_fd) < 0 || close(pair[1]) < 0) {
        syslog(LOG_ERR, "conmon-j guardian: close: %m");
    }
    g.channel = release_caller_fds(pair[0]);
    if (g.channel < 0) {
        syslog(LOG_ERR, "conmon-j guardian: releasing the caller's fds: %m");
        g.channel = pair[0];
    }
    /* the kernel's OOM killer picks the JVM, never its guardian (as conmon protects itself) */
    int oom = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    if ((oom < 0 || write(oom, "-1000", 5) != 5) && errno != EACCES && errno != EPERM)
        syslog(LOG_WARNING, "conmon-j guardian: oom_score_adj: %m"); /* rootless: not allowed, as for conmon */
    if (oom >= 0 && close(oom) < 0)
        syslog(LOG_WARNING, "conmon-j guardian: close: %m");

    sigset_t watched;
    sigemptyset(&watched);
    sigaddset(&watched, SIGCHLD);
    sigaddset(&watched, SIGTERM);
    sigaddset(&watched, SIGINT);
    sigaddset(&watched, SIGQUIT);
    sigaddset(&watched, SIGUSR1);
    g.signals = signalfd(-1, &watched, SFD_CLOEXEC | SFD_NONBLOCK);
    if (g.signals < 0) {
        syslog(LOG_ERR, "conmon-j guardian: signalfd: %m");
        /* without signals we can still guard by waiting; the monitor's end is what matters */
    }

    for (;;) {
        guard_monitor(&g);
        if (g.finished)
            _exit(status_of(g.monitor_status) & 0xff);
        if (!g.handed_off)
            take_over(&g);
        sleep_hibernate(&g);
        sleep_resume(&g);
    }
}
