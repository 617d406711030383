/*
 * conmon-j-plugin-host - runs one instance of a C log plugin out of the monitor's process.
 *
 *   conmon-j-plugin-host PLUGIN_PATH      (started by the monitor's c-plugin driver)
 *
 * Inherits fd 3: the monitor's end of a SOCK_STREAM socketpair (frames: plugin-wire.h),
 * fd 4: the plugin file, opened and checked by the monitor (loaded through /proc/self/fd/4,
 * so what was checked is what runs; PLUGIN_PATH only names it in messages), fd 5: the read
 * end of a pipe on which one byte means "the container exited" (EOF: the monitor is gone).
 *
 * Threads: the main thread reads frames and calls the plugin; a watchdog thread ends the
 * process when a call outlives its deadline (call-timeout, or the exit grace after the
 * container exited), and calls the plugin's container_exited. A crash (SIGSEGV, SIGBUS,
 * SIGILL, SIGFPE, SIGABRT, SIGSYS) or exit() inside the plugin is reported to the monitor
 * in one FAULT frame before the process dies. Every failure ends only this process.
 */
#define _GNU_SOURCE
#include "memory-sharing.h"
#include "plugin-loader.h"
#include "plugin-wire.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SOCK_FD 3
#define PLUGIN_FD 4
#define EXIT_FD 5
#define ERRLEN 1024
#define MAX_BACKOFF_MS 250

static const char *const CALL_NAMES[] = {"(none)", "init", "write", "flush", "reopen", "close",
                                         "container_exited", "load"};

static const char *plugin_path = "?";
static struct loaded_plugin plugin;
static void *handle;
static int initialized;     /* a handle exists (init returned OK) */
static uint32_t retries;
static int64_t call_timeout_ns = 5000000000LL;

/* Shared with the watchdog and the signal handlers. */
static atomic_int current_call;                 /* enum plugin_wire_call of the call in progress */
static atomic_llong call_deadline;              /* CLOCK_MONOTONIC ns; 0: no call in progress */
static atomic_llong exit_deadline;              /* 0 until the container exited */
static pthread_mutex_t send_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t handle_lock = PTHREAD_MUTEX_INITIALIZER; /* initialized/closing vs container_exited */
static int closing;

static int64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t) t.tv_sec * 1000000000LL + t.tv_nsec;
}

/*
 * Moves all of len bytes through fd, writing them from buf or reading them into it, retrying EINTR: 0, or -1 on
 * an error or at end of file. Async-signal-safe.
 */
static int transfer_all(int fd, int writing, char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = writing ? write(fd, p, len) : read(fd, p, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return -1;
        }
        p += n;
        len -= (size_t) n;
    }
    return 0;
}

/* Writes all of buf; async-signal-safe. */
static int write_all(int fd, const void *buf, size_t len)
{
    return transfer_all(fd, 1, (char *) buf, len);
}

static int read_all(int fd, void *buf, size_t len)
{
    return transfer_all(fd, 0, buf, len);
}

/* Async-signal-safe: one frame from a header and up to two pieces. */
static int send_frame_raw(uint32_t type, const void *a, size_t alen, const void *b, size_t blen)
{
    uint32_t hdr[2] = {type, (uint32_t) (alen + blen)};
    if (write_all(SOCK_FD, hdr, sizeof hdr) != 0 || (alen && write_all(SOCK_FD, a, alen) != 0)
        || (blen && write_all(SOCK_FD, b, blen) != 0)) {
        return -1;
    }
    return 0;
}

/* A FAULT frame, then the end of this process. Callable from the watchdog and signal handlers. */
static size_t append(char *buf, size_t at, size_t cap, const char *s)
{
    while (*s != '\0' && at + 1 < cap) {
        buf[at++] = *s++;
    }
    buf[at] = '\0';
    return at;
}

static size_t append_num(char *buf, size_t at, size_t cap, long long v)
{
    char digits[24];
    int n = 0;
    if (v < 0) {
        at = append(buf, at, cap, "-");
        v = -v;
    }
    do {
        digits[n++] = (char) ('0' + v % 10);
        v /= 10;
    } while (v > 0 && n < 23);
    while (n > 0 && at + 1 < cap) {
        buf[at++] = digits[--n];
    }
    buf[at] = '\0';
    return at;
}

static const char *call_name(void)
{
    int c = atomic_load(&current_call);
    return c >= 0 && c < (int) (sizeof CALL_NAMES / sizeof *CALL_NAMES) ? CALL_NAMES[c] : "?";
}

static void crash_handler(int sig)
{
    static const char *const names[32] = {[SIGSEGV] = "SIGSEGV", [SIGBUS] = "SIGBUS", [SIGILL] = "SIGILL",
                                          [SIGFPE] = "SIGFPE", [SIGABRT] = "SIGABRT", [SIGSYS] = "SIGSYS"};
    char msg[256];
    size_t n = append(msg, 0, sizeof msg, "crashed with signal ");
    n = append_num(msg, n, sizeof msg, sig);
    n = append(msg, n, sizeof msg, " (");
    n = append(msg, n, sizeof msg, sig > 0 && sig < 32 && names[sig] ? names[sig] : "?");
    n = append(msg, n, sizeof msg, ") in ");
    n = append(msg, n, sizeof msg, call_name());
    send_frame_raw(WIRE_FAULT, msg, n, NULL, 0);
    signal(sig, SIG_DFL);
    raise(sig);
    _exit(128 + sig);
}

/* A plugin that calls exit() inside a call: say so before the process goes. */
static void at_exit(void)
{
    if (atomic_load(&current_call) != CALL_NONE) {
        char msg[128];
        size_t n = append(msg, 0, sizeof msg, "called exit() in ");
        n = append(msg, n, sizeof msg, call_name());
        if (pthread_mutex_trylock(&send_lock) == 0) {
            send_frame_raw(WIRE_FAULT, msg, n, NULL, 0);
        }
    }
}

static void install_crash_handlers(void)
{
    static char altstack[64 * 1024];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = crash_handler;
    sa.sa_flags = SA_ONSTACK | SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGSYS};
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        sigaction(sigs[i], &sa, NULL);
    }
    signal(SIGPIPE, SIG_IGN);
}

static void *watchdog(void *arg)
{
    (void) arg;
    int exit_seen = 0;
    for (;;) {
        int64_t now = now_ns();
        int64_t cd = atomic_load(&call_deadline);
        int64_t ed = atomic_load(&exit_deadline);
        int64_t due = cd;
        if (cd != 0 && ed != 0 && ed < cd) {
            due = ed;
        }
        if (due != 0 && now >= due) {
            char msg[256];
            size_t n = append(msg, 0, sizeof msg, call_name());
            if (due == cd) {
                n = append(msg, n, sizeof msg, " did not return within ");
                n = append_num(msg, n, sizeof msg, call_timeout_ns / 1000000);
                n = append(msg, n, sizeof msg, " ms (call-timeout); plugin host ended");
            } else {
                n = append(msg, n, sizeof msg, " still running ");
                n = append_num(msg, n, sizeof msg, CONMON_LOG_EXIT_GRACE_MS);
                n = append(msg, n, sizeof msg, " ms after the container exited; plugin host ended");
            }
            if (pthread_mutex_trylock(&send_lock) == 0) {
                send_frame_raw(WIRE_FAULT, msg, n, NULL, 0);
            }
            _exit(124);
        }
        int timeout = 1000;
        if (due != 0) {
            int64_t left = (due - now) / 1000000 + 1;
            timeout = left < timeout ? (int) left : timeout;
        }
        struct pollfd p = {.fd = EXIT_FD, .events = POLLIN};
        int r = poll(&p, exit_seen ? 0 : 1, timeout);
        if (r > 0 && !exit_seen) {
            char b;
            ssize_t got = read(EXIT_FD, &b, 1);
            (void) got; /* one byte or EOF (monitor gone): the container is done either way */
            exit_seen = 1;
            atomic_store(&exit_deadline, now_ns() + (int64_t) CONMON_LOG_EXIT_GRACE_MS * 1000000);
            pthread_mutex_lock(&handle_lock);
            if (initialized && !closing && plugin.container_exited != NULL) {
                plugin.container_exited(handle);
            }
            pthread_mutex_unlock(&handle_lock);
        }
    }
    return NULL;
}

static void begin_call(int call)
{
    atomic_store(&current_call, call);
    atomic_store(&call_deadline, now_ns() + call_timeout_ns);
}

static void end_call(void)
{
    atomic_store(&call_deadline, 0);
    atomic_store(&current_call, CALL_NONE);
}

static void reply(int outcome, int call, uint32_t attempts, int status, uint32_t done, const char *msg)
{
    int32_t body[5] = {outcome, call, (int32_t) attempts, status, (int32_t) done};
    pthread_mutex_lock(&send_lock);
    int r = send_frame_raw(WIRE_REPLY, body, sizeof body, msg, msg ? strnlen(msg, ERRLEN) : 0);
    pthread_mutex_unlock(&send_lock);
    if (r != 0) {
        _exit(0); /* the monitor is gone */
    }
}

/* A bounded reader over one payload: every read is checked against the payload's end. */
struct cursor {
    const char *p, *end;
    int bad;
};

/* Copies the next n bytes to dst, or marks the cursor bad (dst untouched) when fewer are left. */
static void take(struct cursor *c, void *dst, size_t n)
{
    if (c->end - c->p < (ptrdiff_t) n) {
        c->bad = 1;
        return;
    }
    memcpy(dst, c->p, n);
    c->p += n;
}

static uint32_t take_u32(struct cursor *c)
{
    uint32_t v = 0;
    take(c, &v, sizeof v);
    return v;
}

static int64_t take_i64(struct cursor *c)
{
    int64_t v = 0;
    take(c, &v, sizeof v);
    return v;
}

/* A NUL-terminated copy, or NULL for PLUGIN_WIRE_NULL; *bad on a short payload. */
static char *take_str(struct cursor *c)
{
    uint32_t len = take_u32(c);
    if (c->bad || len == PLUGIN_WIRE_NULL) {
        return NULL;
    }
    if ((uint64_t) (c->end - c->p) < len) {
        c->bad = 1;
        return NULL;
    }
    char *s = malloc((size_t) len + 1);
    if (s == NULL) {
        c->bad = 1;
        return NULL;
    }
    memcpy(s, c->p, len);
    s[len] = '\0';
    c->p += len;
    return s;
}

static char **take_strs(struct cursor *c, uint32_t *count)
{
    uint32_t n = take_u32(c);
    if (c->bad || n > PLUGIN_WIRE_MAX_STRINGS) {
        c->bad = 1;
        return NULL;
    }
    char **v = calloc((size_t) n + 1, sizeof *v);
    if (v == NULL) {
        c->bad = 1;
        return NULL;
    }
    for (uint32_t i = 0; i < n && !c->bad; i++) {
        v[i] = take_str(c);
        if (v[i] == NULL) {
            c->bad = 1;
        }
    }
    if (count != NULL) {
        *count = n;
    }
    return v;
}

static void sleep_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&t, &t) != 0 && errno == EINTR) {
    }
}

/*
 * One plugin call with the ABI's RETRY rule (back-off 1 ms doubling to 250 ms, `retries` more
 * attempts). Returns the wire outcome; *status and errbuf hold the last call's result.
 */
typedef int (*call_fn)(const void *arg, char *errbuf, size_t errlen);

static int call_with_retries(call_fn fn, const void *arg, int *status, uint32_t *attempts, char *errbuf)
{
    long backoff = 1;
    for (uint32_t attempt = 0;; attempt++) {
        errbuf[0] = '\0';
        *status = fn(arg, errbuf, ERRLEN);
        errbuf[ERRLEN - 1] = '\0';
        *attempts = attempt + 1;
        if (*status == CONMON_LOG_OK) {
            return WIRE_OK;
        }
        if (*status == CONMON_LOG_RETRY && attempt < retries) {
            sleep_ms(backoff);
            backoff = backoff * 2 > MAX_BACKOFF_MS ? MAX_BACKOFF_MS : backoff * 2;
            continue;
        }
        return *status == CONMON_LOG_RETRY ? WIRE_RETRY_EXHAUSTED : WIRE_FATAL;
    }
}

struct init_args {
    int argc;
    char **argv;
    struct conmon_log_container *meta;
};

static int do_init(const void *arg, char *errbuf, size_t errlen)
{
    const struct init_args *a = arg;
    handle = NULL;
    return plugin.d->init(a->argc, (const char *const *) a->argv, a->meta, &handle, errbuf, errlen);
}

static int do_write(const void *arg, char *errbuf, size_t errlen)
{
    return plugin.d->write(handle, arg, errbuf, errlen);
}

static int do_flush(const void *arg, char *errbuf, size_t errlen)
{
    (void) arg;
    return plugin.d->flush(handle, errbuf, errlen);
}

static int do_reopen(const void *arg, char *errbuf, size_t errlen)
{
    (void) arg;
    return plugin.d->reopen != NULL ? plugin.d->reopen(handle, errbuf, errlen) : CONMON_LOG_OK;
}

static void on_init(struct cursor *c)
{
    char errbuf[ERRLEN];
    retries = take_u32(c);
    uint32_t timeout_ms = take_u32(c);
    if (timeout_ms > 0) {
        call_timeout_ns = (int64_t) timeout_ms * 1000000;
    }
    struct conmon_log_container meta = {.size = sizeof meta};
    char *id = take_str(c);
    meta.id = id != NULL ? id : "";
    meta.name = take_str(c);
    meta.tag = take_str(c);
    meta.image = take_str(c);
    meta.labels = (const char *const *) take_strs(c, NULL);
    meta.env = (const char *const *) take_strs(c, NULL);
    uint32_t argc = 0;
    char **argv = take_strs(c, &argc);
    if (c->bad) {
        reply(WIRE_LOAD_ERROR, CALL_INIT, 0, 0, 0, "plugin host: malformed INIT frame");
        _exit(2);
    }
    atomic_store(&current_call, CALL_LOAD);
    atomic_store(&call_deadline, now_ns() + call_timeout_ns);
    int r = plugin_load_fd(PLUGIN_FD, plugin_path, &plugin, errbuf, sizeof errbuf);
    end_call();
    close(PLUGIN_FD);
    if (r != 0) {
        reply(WIRE_LOAD_ERROR, CALL_LOAD, 0, 0, 0, errbuf);
        _exit(0);
    }
    struct init_args a = {(int) argc, argv, &meta};
    int status;
    uint32_t attempts;
    begin_call(CALL_INIT);
    int outcome = call_with_retries(do_init, &a, &status, &attempts, errbuf);
    end_call();
    if (outcome == WIRE_OK) {
        pthread_mutex_lock(&handle_lock);
        initialized = 1;
        pthread_mutex_unlock(&handle_lock);
    }
    reply(outcome, CALL_INIT, attempts, status, 0, errbuf);
    /* meta and argv were valid during init only; this process keeps them, which costs nothing */
    if (outcome != WIRE_OK) {
        _exit(0);
    }
}

static void on_records(struct cursor *c)
{
    char errbuf[ERRLEN];
    uint32_t flush = take_u32(c);
    uint32_t count = take_u32(c);
    uint32_t done = 0;
    int status = 0;
    uint32_t attempts = 0;
    begin_call(CALL_WRITE);
    for (; done < count && !c->bad; done++) {
        struct conmon_log_record rec = {.size = sizeof rec};
        rec.stream = (int32_t) take_u32(c);
        rec.flags = take_u32(c);
        rec.timestamp_ns = take_i64(c);
        uint32_t len = take_u32(c);
        if (c->bad || (uint64_t) (c->end - c->p) < len) {
            c->bad = 1;
            break;
        }
        rec.data = (const uint8_t *) c->p;
        rec.length = len;
        c->p += len;
        int outcome = call_with_retries(do_write, &rec, &status, &attempts, errbuf);
        if (outcome != WIRE_OK) {
            end_call();
            reply(outcome, CALL_WRITE, attempts, status, done, errbuf);
            return;
        }
    }
    end_call();
    if (c->bad) {
        reply(WIRE_FATAL, CALL_WRITE, 0, -1, done, "plugin host: malformed RECORDS frame");
        return;
    }
    if (flush) {
        begin_call(CALL_FLUSH);
        int outcome = call_with_retries(do_flush, NULL, &status, &attempts, errbuf);
        end_call();
        if (outcome != WIRE_OK) {
            reply(outcome, CALL_FLUSH, attempts, status, done, errbuf);
            return;
        }
    }
    reply(WIRE_OK, flush ? CALL_FLUSH : CALL_WRITE, 1, 0, done, "");
}

static void on_simple(int call)
{
    char errbuf[ERRLEN];
    int status = 0;
    uint32_t attempts = 1;
    int outcome;
    begin_call(call);
    if (call == CALL_CLOSE) {
        pthread_mutex_lock(&handle_lock);
        closing = 1;
        pthread_mutex_unlock(&handle_lock);
        errbuf[0] = '\0';
        status = plugin.d->close(handle, errbuf, ERRLEN); /* RETRY counts as FATAL here (the ABI) */
        errbuf[ERRLEN - 1] = '\0';
        outcome = status == CONMON_LOG_OK ? WIRE_OK : WIRE_FATAL;
    } else {
        outcome = call_with_retries(call == CALL_FLUSH ? do_flush : do_reopen, NULL, &status, &attempts, errbuf);
    }
    end_call();
    reply(outcome, call, attempts, status, 0, errbuf);
}

/*
 * Plugins run with the kernel's defaults, not with the monitor JVM's memory-sharing
 * opt-ins (memory-sharing.h): the host execs itself once more when the JVM had
 * address randomisation turned off, since that is decided at exec.
 */
static void start_with_kernel_defaults(char **argv)
{
    int restored = memory_sharing_reset();
    if (restored == 0)
        return;
    if (restored > 0)
        execv("/proc/self/exe", argv);
    fprintf(stderr, "conmon-j-plugin-host: cannot restore address randomisation: %s\n", strerror(errno));
    exit(2);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: conmon-j-plugin-host PLUGIN_PATH (started by conmon-j's c-plugin driver, fds 3, 4, 5)\n");
        return 2;
    }
    start_with_kernel_defaults(argv);
    plugin_path = argv[1];
    if (fcntl(SOCK_FD, F_GETFD) < 0 || fcntl(PLUGIN_FD, F_GETFD) < 0 || fcntl(EXIT_FD, F_GETFD) < 0) {
        fprintf(stderr, "conmon-j-plugin-host: fds 3, 4 and 5 must be open\n");
        return 2;
    }
    /* No core file of a crashing plugin in anybody's working directory. */
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    if (chdir("/") != 0) {
        return 2;
    }
    install_crash_handlers();
    atexit(at_exit);
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    if (pthread_create(&t, &attr, watchdog, NULL) != 0) {
        return 2;
    }
    char *buf = NULL;
    size_t cap = 0;
    for (;;) {
        uint32_t hdr[2];
        if (read_all(SOCK_FD, hdr, sizeof hdr) != 0) {
            break; /* the monitor closed its end */
        }
        if (hdr[1] > PLUGIN_WIRE_MAX) {
            reply(WIRE_FATAL, CALL_NONE, 0, -1, 0, "plugin host: frame too large");
            break;
        }
        if (hdr[1] > cap) {
            free(buf);
            cap = hdr[1];
            buf = malloc(cap);
            if (buf == NULL) {
                reply(WIRE_FATAL, CALL_NONE, 0, -1, 0, "plugin host: out of memory");
                break;
            }
        }
        if (read_all(SOCK_FD, buf, hdr[1]) != 0) {
            break;
        }
        struct cursor c = {buf, buf + hdr[1], 0};
        if (hdr[0] != WIRE_INIT && !initialized) {
            reply(WIRE_FATAL, CALL_NONE, 0, -1, 0, "plugin host: no INIT before this frame");
            break;
        }
        switch (hdr[0]) {
        case WIRE_INIT:
            if (initialized) {
                reply(WIRE_FATAL, CALL_INIT, 0, -1, 0, "plugin host: INIT twice");
                _exit(2);
            }
            on_init(&c);
            break;
        case WIRE_RECORDS:
            on_records(&c);
            break;
        case WIRE_FLUSH:
        case WIRE_REOPEN:
            on_simple(hdr[0] == WIRE_FLUSH ? CALL_FLUSH : CALL_REOPEN);
            break;
        case WIRE_CLOSE:
            on_simple(CALL_CLOSE);
            _exit(0);
        default:
            reply(WIRE_FATAL, CALL_NONE, 0, -1, 0, "plugin host: unknown frame type");
            _exit(2);
        }
    }
    /* The monitor went away without CLOSE: close the instance as the ABI promises, bounded by the watchdog. */
    if (initialized && !closing) {
        char errbuf[ERRLEN];
        begin_call(CALL_CLOSE);
        pthread_mutex_lock(&handle_lock);
        closing = 1;
        pthread_mutex_unlock(&handle_lock);
        plugin.d->close(handle, errbuf, ERRLEN);
        end_call();
    }
    _exit(0);
}
