/*
 * Hibernation (guardian-sleep.h): what the guardian holds for the next monitor JVM, the sleep, the wake.
 * The 'H' record comes from the monitor, which is trusted no more than any other record: the fd list and
 * the state are bounded and checked before anything is taken, and a failure leaves nothing held.
 */
#define _GNU_SOURCE
#include "guardian-sleep.h"
#include "guardian-output.h"
#include "guardian-state.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

static void hold_release(struct hold *hold);

/* "12w,13w,17k": 0 to HOLD_MAX_FDS entries NUMBER MODE (none: only the container's end wakes us). Returns the
 * count, or -1. */
static int parse_fds(const char *text, size_t len, int numbers[], char modes[])
{
    int count = 0;
    size_t i = 0;
    while (i < len) {
        if (count == HOLD_MAX_FDS)
            return -1;
        long value = 0;
        int digits = 0;
        while (i < len && text[i] >= '0' && text[i] <= '9' && digits < 10) {
            value = value * 10 + (text[i++] - '0');
            digits++;
        }
        if (digits == 0 || value > INT_MAX || i == len || (text[i] != 'w' && text[i] != 'k'))
            return -1;
        numbers[count] = (int)value;
        modes[count++] = text[i++];
        if (i < len && (text[i++] != ',' || i == len)) /* a separator, never a trailing one */
            return -1;
    }
    return count;
}

/* Copies the monitor's fds; on failure closes the copies already taken. */
static int copy_fds(struct hold *hold, pid_t monitor, const int numbers[], const char modes[], int count,
                    char *why, size_t size)
{
    int pidfd = pidfd_open(monitor, 0);
    if (pidfd < 0) {
        snprintf(why, size, "pidfd_open %d: %s", (int)monitor, strerror(errno));
        return -1;
    }
    int failed = 0;
    hold->count = 0;
    for (int i = 0; i < count && !failed; i++) {
        /* close-on-exec (pidfd_getfd(2) sets it): held for the next JVM only, never for the exit command */
        int fd = pidfd_getfd(pidfd, numbers[i], 0);
        if (fd < 0) {
            snprintf(why, size, "pidfd_getfd %d: %s", numbers[i], strerror(errno));
            failed = 1;
        } else {
            hold->entries[hold->count++] = (struct hold_entry){ .fd = fd, .mode = modes[i] };
        }
    }
    if (close(pidfd) < 0)
        guardian_note(LOG_ERR, "conmon-j guardian: close: %s", strerror(errno));
    if (failed)
        hold_release(hold);
    return failed ? -1 : 0;
}

static int hold_take(struct hold *hold, pid_t monitor, const char *payload, size_t len, char *why, size_t size)
{
    const char *separator = memchr(payload, '\0', len);
    if (separator == NULL) {
        snprintf(why, size, "no NUL between the fd list and the state");
        return -1;
    }
    size_t list_len = (size_t)(separator - payload);
    const char *state = separator + 1;
    size_t state_len = len - list_len - 1;
    if (state_len > HOLD_STATE_MAX) {
        snprintf(why, size, "a state of %zu bytes (at most %d)", state_len, HOLD_STATE_MAX);
        return -1;
    }
    if (memchr(state, '\0', state_len) != NULL) {
        snprintf(why, size, "a NUL in the state");
        return -1;
    }
    int numbers[HOLD_MAX_FDS];
    char modes[HOLD_MAX_FDS];
    int count = parse_fds(payload, list_len, numbers, modes);
    if (count < 0) {
        snprintf(why, size, "a bad fd list (at most %d entries NUMBER w|k, comma-separated)", HOLD_MAX_FDS);
        return -1;
    }
    char *copy = malloc(state_len + 1);
    if (copy == NULL) {
        snprintf(why, size, "out of memory");
        return -1;
    }
    memcpy(copy, state, state_len);
    copy[state_len] = '\0';
    if (copy_fds(hold, monitor, numbers, modes, count, why, size) < 0) {
        free(copy);
        return -1;
    }
    hold->state = copy;
    return 0;
}

static void hold_release(struct hold *hold)
{
    for (int i = 0; i < hold->count; i++)
        if (close(hold->entries[i].fd) < 0)
            guardian_note(LOG_ERR, "conmon-j guardian: close held fd %d: %s", hold->entries[i].fd, strerror(errno));
    hold->count = 0;
    free(hold->state);
    hold->state = NULL;
}

static int hold_wake_fds(const struct hold *hold, struct pollfd *fds)
{
    int count = 0;
    for (int i = 0; i < hold->count; i++)
        if (hold->entries[i].mode == 'w')
            fds[count++] = (struct pollfd){ .fd = hold->entries[i].fd, .events = POLLIN };
    return count;
}

static int hold_pass_on(const struct hold *hold, int container_done, int container_status)
{
    /* each entry at most 10 digits and a mode and a comma; then ';', the state and the NUL */
    static char value[HOLD_MAX_FDS * 12 + HOLD_STATE_MAX + 2];
    size_t used = 0;
    for (int i = 0; i < hold->count; i++) {
        if (fcntl(hold->entries[i].fd, F_SETFD, 0) < 0) {
            syslog(LOG_ERR, "conmon-j guardian: fcntl F_SETFD %d: %m", hold->entries[i].fd);
            return -1;
        }
        used += (size_t)snprintf(value + used, sizeof value - used, "%s%d%c", i > 0 ? "," : "",
                                 hold->entries[i].fd, hold->entries[i].mode);
    }
    snprintf(value + used, sizeof value - used, ";%s", hold->state != NULL ? hold->state : "");
    char status[16];
    snprintf(status, sizeof status, "%d", container_status);
    /* Podman's pipes were closed when the first monitor started: their numbers mean nothing any more */
    if (setenv(ENV_RESUME, value, 1) < 0
        || (container_done ? setenv(ENV_RESUME_STATUS, status, 1) : unsetenv(ENV_RESUME_STATUS)) < 0
        || unsetenv("_OCI_SYNCPIPE") < 0 || unsetenv("_OCI_STARTPIPE") < 0 || unsetenv("_OCI_ATTACHPIPE") < 0) {
        syslog(LOG_ERR, "conmon-j guardian: setenv: %m");
        return -1;
    }
    return 0;
}

/* ---- the hand-off, the sleep and the wake ------------------------------------ */

/* 'H': hold the monitor's fds and state and answer 'h', or answer 'n' and why. */
void sleep_hand_off(struct guard *g, const char *payload, size_t len)
{
    char reply[256] = "n";
    char *why = reply + 1;
    size_t size = sizeof reply - 1;
    if (g->handed_off || g->finished || g->monitor_done)
        snprintf(why, size, "the monitor already handed off, finished or exited");
    else if (g->container <= 0)
        snprintf(why, size, "no container yet");
    else if (g->container_done)
        snprintf(why, size, "the container's status is known (%d)", g->container_status);
    else if (hold_take(&g->hold, g->monitor, payload, len, why, size) == 0) {
        if (guard_send(g, "h", 1) == 0)
            g->handed_off = 1;
        else
            hold_release(&g->hold); /* the monitor never hears 'h': it keeps running and keeps its fds */
        return;
    }
    guardian_note(LOG_NOTICE, "%s: conmon-j guardian: hibernation refused: %s", g->id ? g->id : "conmon-j", why);
    guard_send(g, reply, 1 + strlen(why));
}

/* A resumed monitor learns the container's end from us: the container is our child, not its own. */
void sleep_tell_status(struct guard *g)
{
    if (!g->resumed || g->monitor_done)
        return;
    char record[16];
    int n = snprintf(record, sizeof record, "s%d", g->container_status);
    guard_send(g, record, (size_t)n);
}

/*
 * The monitor handed off and exited: hold its fds until one it watched has an event ('w': readable or hung
 * up) or the container ends, forwarding signals to the container meanwhile (as wait_for_container does).
 */
void sleep_hibernate(struct guard *g)
{
    if (g->channel >= 0 && close(g->channel) < 0)
        guardian_note(LOG_ERR, "conmon-j guardian: close: %s", strerror(errno));
    g->channel = -1;
    guardian_note(LOG_DEBUG, "%s: conmon-j guardian: the monitor hibernates, %d fds held",
                  g->id ? g->id : "conmon-j", g->hold.count);
    guard_reap(g); /* the container may have ended while the monitor handed off: it is our child now */
    int pidfd = g->container_done ? -1 : pidfd_open(g->container, 0);
    if (!g->container_done && pidfd < 0) {
        if (errno != ESRCH)
            guardian_note(LOG_ERR, "conmon-j guardian: pidfd_open %d: %s", (int)g->container, strerror(errno));
        guard_check_container(g);
    }
    while (!g->container_done) {
        struct pollfd fds[2 + HOLD_MAX_FDS];
        int count = 0, signals_at = -1, pidfd_at = -1;
        if (g->signals >= 0) {
            signals_at = count;
            fds[count++] = (struct pollfd){ .fd = g->signals, .events = POLLIN };
        }
        if (pidfd >= 0) {
            pidfd_at = count;
            fds[count++] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
        }
        int first_wake = count;
        count += hold_wake_fds(&g->hold, fds + count);
        int n = poll(fds, (nfds_t)count, g->signals >= 0 ? -1 : 1000);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) { /* a monitor does better than a guardian that cannot wait */
            guardian_note(LOG_ERR, "conmon-j guardian: poll: %s", strerror(errno));
            break;
        }
        if (signals_at >= 0 && fds[signals_at].revents)
            guard_read_signals(g);
        else if (signals_at < 0)
            guard_reap(g);
        if (pidfd_at >= 0 && fds[pidfd_at].revents && !g->container_done) {
            guard_reap(g);
            if (!g->container_done)
                guard_check_container(g);
        }
        int woken = 0;
        for (int i = first_wake; i < count; i++)
            woken |= fds[i].revents != 0;
        if (woken)
            break;
    }
    if (pidfd >= 0 && close(pidfd) < 0)
        guardian_note(LOG_ERR, "conmon-j guardian: close: %s", strerror(errno));
}

static void resume_failed(struct guard *g, const char *call) __attribute__((noreturn));

static void resume_failed(struct guard *g, const char *call)
{
    char death[256];
    snprintf(death, sizeof death, "hibernated and could not be resumed (%s: %s)", call, strerror(errno));
    hold_release(&g->hold); /* attach clients and ctl writers see the end now */
    guard_keep_container(g, death);
}

/*
 * Wake: a resumed monitor JVM adopts the held fds at our numbers (CONMONJ_RESUME). It is the monitor from
 * now on, guarded as the first was; what the first said (I, E, L, C, P, O) stays ours, it is not said again.
 */
void sleep_resume(struct guard *g)
{
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
        resume_failed(g, "socketpair");
    pid_t pid = fork();
    if (pid < 0) {
        int saved = errno;
        if (close(pair[0]) < 0 || close(pair[1]) < 0)
            guardian_note(LOG_ERR, "conmon-j guardian: close: %s", strerror(errno));
        errno = saved;
        resume_failed(g, "fork");
    }
    if (pid == 0) {
        guard_restore_oom_score_adj(g); /* the first JVM was started before the guardian set -1000 */
        if (hold_pass_on(&g->hold, g->container_done, g->container_status) < 0)
            _exit(1);
        guard_exec_monitor(g, pair, -1); /* verdict fd -1: a resumed start, nobody waits for a verdict */
    }
    if (close(pair[1]) < 0)
        guardian_note(LOG_ERR, "conmon-j guardian: close: %s", strerror(errno));
    hold_release(&g->hold);
    free(g->failure);
    g->failure = NULL;
    g->monitor = pid;
    g->monitor_status = 0;
    g->monitor_done = 0;
    g->channel = pair[0];
    g->finished = 0;
    g->exit_now = 0;
    g->exit_status = 0;
    g->handed_off = 0;
    g->resumed = 1;
}
