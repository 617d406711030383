/*
 * conmon-plugin-check - drives a conmon-j log plugin through the ABI the way the monitor does
 * and reports every rule of conmon_log_plugin.h it breaks.
 *
 *   conmon-plugin-check PLUGIN.so [key=value...]
 *
 * The plugin is opened and checked as the monitor opens it (plugin-loader.c: O_NOFOLLOW, one
 * link, root-owned, not group/world-writable, loaded through /proc/self/fd/N); the options are
 * handed to its init(). Each scenario runs in a child process of its own, so a crash or a call
 * that never returns is reported (with the call it happened in) and the next scenario still runs.
 * Exit status: 0 when no rule is broken, 1 when one is, 2 on a usage error.
 */
#define _GNU_SOURCE
#include "plugin-loader.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ERRLEN 256             /* the smallest errlen the ABI allows: what the plugin must cope with */
#define CANARY 0xA5
#define CANARY_LEN 64
#define RETRIES 8              /* as the monitor's default plugin-retries */
#define SCENARIO_TIMEOUT_S 30
#define SLOW_CALL_NS 100000000LL       /* 100 ms: a warning (the container's output waits) */
#define TIMEOUT_CALL_NS 5000000000LL   /* 5 s: the monitor's default call-timeout ends the plugin */
#define FINDINGS 65536

/* Shared with the scenario's child: what it is doing and what it found. */
struct shared {
    char call[64];
    volatile long long call_start;   /* CLOCK_MONOTONIC ns of the call in progress, 0 between calls */
    int disabled;                    /* a FATAL happened: as the monitor, only close follows */
    int broken;
    int warnings;
    long long calls;
    long long max_ns;
    char max_call[64];
    size_t used;
    char text[FINDINGS];
};

static struct shared *sh;
static struct loaded_plugin plugin;
static int plugin_fd;
static const char *path;
static int opt_argc;
static const char *const *opt_argv;

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long) t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* A finding, once per scenario (repeats are counted, not printed again). */
static void note(int broken, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = snprintf(line, sizeof line, "  %s ", broken ? "BROKEN " : "warning");
    vsnprintf(line + n, sizeof line - (size_t) n, fmt, ap);
    va_end(ap);
    strcat(line, "\n");
    if (strstr(sh->text, line) == NULL && sh->used + strlen(line) < FINDINGS) {
        memcpy(sh->text + sh->used, line, strlen(line) + 1);
        sh->used += strlen(line);
    }
    if (broken) {
        sh->broken++;
    } else {
        sh->warnings++;
    }
}

/* One errbuf with a canary behind errlen, to catch writes past it. */
struct errbuf {
    char buf[ERRLEN + CANARY_LEN];
};

static void errbuf_reset(struct errbuf *e)
{
    memset(e->buf, CANARY, sizeof e->buf);
    e->buf[0] = '\0';
}

static const char *status_name(int s)
{
    return s == CONMON_LOG_OK ? "OK" : s == CONMON_LOG_RETRY ? "RETRY" : s == CONMON_LOG_FATAL ? "FATAL" : NULL;
}

/* The rules every call's result must follow; returns the status. */
static int judge(const char *call, int status, struct errbuf *e, long long ns)
{
    sh->calls++;
    if (ns > sh->max_ns) {
        sh->max_ns = ns;
        snprintf(sh->max_call, sizeof sh->max_call, "%s", call);
    }
    if (ns > TIMEOUT_CALL_NS) {
        note(1, "%s took %.1f s: beyond the monitor's default call-timeout (5 s), the plugin would be ended", call,
             ns / 1e9);
    } else if (ns > SLOW_CALL_NS) {
        note(0, "%s took %.0f ms: the container's output waits while a blocking driver's call runs", call, ns / 1e6);
    }
    for (int i = ERRLEN; i < ERRLEN + CANARY_LEN; i++) {
        if ((unsigned char) e->buf[i] != CANARY) {
            note(1, "%s wrote past errlen (%d bytes) into errbuf", call, ERRLEN);
            break;
        }
    }
    if (memchr(e->buf, '\0', ERRLEN) == NULL) {
        note(1, "%s left errbuf without a NUL within errlen", call);
    }
    if (status_name(status) == NULL) {
        note(1, "%s returned %d: not a status of enum conmon_log_status (OK 0, RETRY 1, FATAL 2)", call, status);
    } else if (status != CONMON_LOG_OK) {
        if (memchr(e->buf, '\0', ERRLEN) != NULL && e->buf[0] == '\0') {
            note(1, "%s returned %s without an error message in errbuf", call, status_name(status));
        } else if (memchr(e->buf, '\n', strnlen(e->buf, ERRLEN)) != NULL) {
            note(0, "%s: its error message has a line break (the ABI asks for one line)", call);
        }
    }
    return status;
}

static void *handle;

static int call_write(const struct conmon_log_record *rec)
{
    struct errbuf e;
    if (sh->disabled) {
        return CONMON_LOG_FATAL;
    }
    for (int attempt = 0;; attempt++) {
        errbuf_reset(&e);
        snprintf(sh->call, sizeof sh->call, "write");
        long long t0 = now_ns();
        sh->call_start = t0;
        int s = plugin.d->write(handle, rec, e.buf, ERRLEN);
        sh->call_start = 0;
        s = judge("write", s, &e, now_ns() - t0);
        if (s == CONMON_LOG_RETRY && attempt < RETRIES) {
            continue;
        }
        if (s != CONMON_LOG_OK) {
            note(0, "write ended with status %d: \"%.*s\"", s, ERRLEN, e.buf);
            sh->disabled = s != CONMON_LOG_RETRY;
        }
        return s;
    }
}

static int call_simple(const char *name, int (*fn)(void *, char *, size_t))
{
    struct errbuf e;
    if (sh->disabled && strcmp(name, "close") != 0) {
        return CONMON_LOG_FATAL;
    }
    errbuf_reset(&e);
    snprintf(sh->call, sizeof sh->call, "%s", name);
    long long t0 = now_ns();
    sh->call_start = t0;
    int s = fn(handle, e.buf, ERRLEN);
    sh->call_start = 0;
    s = judge(name, s, &e, now_ns() - t0);
    if (s != CONMON_LOG_OK) {
        note(0, "%s ended with status %d: \"%.*s\"", name, s, ERRLEN, e.buf);
        sh->disabled = 1; /* RETRY counts once here: the checker does not retry flush/reopen/close */
    }
    return s;
}

static int do_init(void)
{
    static const char *const labels[] = {"app=check", NULL};
    static const char *const env[] = {"PATH=/bin", NULL};
    struct conmon_log_container meta = {sizeof meta, "0123456789abcdef0123456789abcdef", "plugin-check",
                                        "plugin-check", "localhost/check:latest", labels, env};
    struct errbuf e;
    for (int attempt = 0;; attempt++) {
        errbuf_reset(&e);
        snprintf(sh->call, sizeof sh->call, "init");
        handle = NULL;
        long long t0 = now_ns();
        sh->call_start = t0;
        int s = plugin.d->init(opt_argc, opt_argv, &meta, &handle, e.buf, ERRLEN);
        sh->call_start = 0;
        s = judge("init", s, &e, now_ns() - t0);
        if (s == CONMON_LOG_RETRY && attempt < RETRIES) {
            continue;
        }
        if (s != CONMON_LOG_OK) {
            note(1, "init failed (%s): %.*s (check the options given after the plugin)",
                 status_name(s) ? status_name(s) : "?", ERRLEN, e.buf);
        }
        return s;
    }
}

static uint64_t sum(const uint8_t *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h = (h ^ p[i]) * 1099511628211ULL;
    }
    return h;
}

/* A record as the monitor passes it, its bytes checked afterwards: the plugin must not write into them. */
static int rec(int stream, int partial, const void *data, size_t len)
{
    static int64_t ts = 1700000000000000000LL;
    uint8_t *copy = malloc(len ? len : 1);
    if (copy == NULL) {
        return CONMON_LOG_FATAL;
    }
    memcpy(copy, data, len);
    uint64_t before = sum(copy, len);
    struct conmon_log_record r = {sizeof r, stream, partial ? CONMON_LOG_PARTIAL : 0, ts++, copy, len};
    int s = call_write(&r);
    if (sum(copy, len) != before) {
        note(1, "write changed the record's data (it is const and host-owned)");
    }
    free(copy);
    return s;
}

static void finish(void)
{
    call_simple("close", plugin.d->close);
    snprintf(sh->call, sizeof sh->call, "(after close)");
}

/* --- scenarios: each runs in its own child, init to close ---------------------------------- */

static void sc_awkward(void)
{
    unsigned char binary[256];
    for (int i = 0; i < 256; i++) {
        binary[i] = (unsigned char) i;
    }
    rec(CONMON_LOG_STDOUT, 0, "hello\n", 6);
    rec(CONMON_LOG_STDOUT, 1, "", 0);
    rec(CONMON_LOG_STDERR, 1, "par", 3);
    rec(CONMON_LOG_STDERR, 0, "tial\n", 5);
    rec(CONMON_LOG_STDOUT, 0, binary, sizeof binary);
    rec(CONMON_LOG_STDOUT, 1, "\xff\xfe invalid UTF-8 \xc3", 18);
    call_simple("flush", plugin.d->flush);
}

static void sc_large(void)
{
    size_t n = 1 << 20;
    char *big = malloc(n);
    if (big == NULL) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        big[i] = (char) ('a' + i % 26);
    }
    big[n - 1] = '\n';
    rec(CONMON_LOG_STDOUT, 0, big, n);
    rec(CONMON_LOG_STDERR, 1, big, n - 1);
    free(big);
    call_simple("flush", plugin.d->flush);
}

static void sc_reopen(void)
{
    rec(CONMON_LOG_STDOUT, 0, "before reopen\n", 14);
    call_simple("flush", plugin.d->flush);
    if (plugin.d->reopen != NULL) {
        call_simple("reopen", plugin.d->reopen);
        call_simple("reopen", plugin.d->reopen);
    }
    rec(CONMON_LOG_STDOUT, 0, "after reopen\n", 13);
    call_simple("flush", plugin.d->flush);
}

static void sc_flushes(void)
{
    call_simple("flush", plugin.d->flush); /* nothing written yet */
    call_simple("flush", plugin.d->flush);
    rec(CONMON_LOG_STDOUT, 1, "partial at the end", 18);
    call_simple("flush", plugin.d->flush);
    call_simple("flush", plugin.d->flush); /* the host flushes again before close (sync) */
}

static void sc_many(void)
{
    char line[128];
    for (int i = 0; i < 100000; i++) {
        int n = snprintf(line, sizeof line, "record %d of a flood of short lines\n", i);
        if (rec(i % 2 ? CONMON_LOG_STDERR : CONMON_LOG_STDOUT, 0, line, (size_t) n) == CONMON_LOG_FATAL) {
            break;
        }
        if (i % 64 == 63) {
            call_simple("flush", plugin.d->flush);
        }
    }
    call_simple("flush", plugin.d->flush);
}

static void *exit_later(void *arg)
{
    (void) arg;
    struct timespec t = {0, 50 * 1000 * 1000};
    nanosleep(&t, NULL);
    long long t0 = now_ns();
    plugin.container_exited(handle);
    long long ns = now_ns() - t0;
    if (ns > 100000000LL) {
        note(1, "container_exited took %.0f ms: it must not block", ns / 1e6);
    }
    return NULL;
}

static void sc_exited(void)
{
    if (plugin.container_exited == NULL) {
        sh->used += (size_t) snprintf(sh->text + sh->used, FINDINGS - sh->used,
                                      "  (no container_exited in the descriptor: nothing to check)\n");
        return;
    }
    rec(CONMON_LOG_STDOUT, 0, "before the exit\n", 16);
    pthread_t t;
    pthread_create(&t, NULL, exit_later, NULL); /* concurrently with the calls below, as the ABI says */
    long long t0 = now_ns();
    rec(CONMON_LOG_STDOUT, 0, "drained after the exit\n", 23);
    call_simple("flush", plugin.d->flush);
    pthread_join(t, NULL);
    long long ns = now_ns() - t0;
    if (ns > (long long) CONMON_LOG_EXIT_GRACE_MS * 1000000LL) {
        note(1, "write and flush after container_exited took %.1f s: beyond the exit grace (%d ms)", ns / 1e9,
             CONMON_LOG_EXIT_GRACE_MS);
    }
}

struct scenario {
    const char *name;
    const char *what;
    void (*run)(void);
};

static const struct scenario SCENARIOS[] = {
    {"awkward", "a line, an empty record, a line in two parts on stderr, 256 binary bytes, invalid UTF-8", sc_awkward},
    {"large", "a 1 MiB line and a 1 MiB partial record", sc_large},
    {"reopen", "write, flush, reopen twice (when the plugin has reopen), write, flush", sc_reopen},
    {"flushes", "flush before any write, twice, after a partial record, and again before close", sc_flushes},
    {"flood", "100000 short records on both streams, flush every 64", sc_many},
    {"exited", "container_exited from another thread while records still arrive", sc_exited},
};

static void child(const struct scenario *s)
{
    char err[1024];
    if (plugin_load_fd(plugin_fd, path, &plugin, err, sizeof err) != 0) {
        note(1, "%s", err);
        _exit(0);
    }
    if (do_init() != CONMON_LOG_OK) {
        _exit(0);
    }
    s->run();
    finish();
    _exit(0);
}

static int run_scenario(const struct scenario *s)
{
    memset(sh, 0, sizeof *sh);
    snprintf(sh->call, sizeof sh->call, "load");
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 1;
    }
    if (pid == 0) {
        child(s);
    }
    long long deadline = now_ns() + SCENARIO_TIMEOUT_S * 1000000000LL;
    int status = 0;
    pid_t r;
    int stuck = 0;
    while ((r = waitpid(pid, &status, WNOHANG)) == 0 && now_ns() < deadline) {
        long long started = sh->call_start;
        if (started != 0 && now_ns() - started > TIMEOUT_CALL_NS) {
            stuck = 1;
            break;
        }
        struct timespec t = {0, 5 * 1000 * 1000};
        nanosleep(&t, NULL);
    }
    if (r == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        if (stuck) {
            note(1, "%s did not return within 5 s: the monitor's default call-timeout would end the plugin", sh->call);
        } else {
            note(1, "did not finish within %d s (in %s)", SCENARIO_TIMEOUT_S, sh->call);
        }
    } else if (WIFSIGNALED(status)) {
        note(1, "crashed with signal %d (%s) in %s", WTERMSIG(status), strsignal(WTERMSIG(status)), sh->call);
    } else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
        note(1, "called exit(%d) in %s (a plugin must not exit the process)", WEXITSTATUS(status), sh->call);
    }
    printf("%-6s %-8s %s; %lld calls, slowest %s %.3f ms\n", sh->broken ? "BROKEN" : "ok", s->name, s->what,
           sh->calls, sh->max_call[0] ? sh->max_call : "-", sh->max_ns / 1e6);
    fputs(sh->text, stdout);
    return sh->broken;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: conmon-plugin-check PLUGIN.so [key=value...]\n"
                        "Loads a conmon-j log plugin as the monitor does, drives it through the ABI with awkward\n"
                        "records and reports every rule of conmon_log_plugin.h it breaks (exit status 1).\n");
        return 2;
    }
    path = argv[1];
    opt_argc = argc - 2;
    opt_argv = (const char *const *) argv + 2; /* argv[argc] is NULL, as the ABI promises */
    for (int i = 0; i < opt_argc; i++) {
        if (strchr(opt_argv[i], '=') == NULL) {
            fprintf(stderr, "conmon-plugin-check: option %s is not key=value\n", opt_argv[i]);
            return 2;
        }
    }
    sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED) {
        perror("mmap");
        return 2;
    }
    char err[1024];
    plugin_fd = plugin_open_checked(path, err, sizeof err);
    if (plugin_fd < 0) {
        printf("BROKEN %s\n", err);
        return 1;
    }
    /* The descriptor, in a child too: the entry point and constructors are plugin code. */
    memset(sh, 0, sizeof *sh);
    snprintf(sh->call, sizeof sh->call, "load");
    pid_t pid = fork();
    if (pid == 0) {
        if (plugin_load_fd(plugin_fd, path, &plugin, err, sizeof err) != 0) {
            note(1, "%s", err);
            _exit(0);
        }
        const struct conmon_log_plugin *d = plugin.d;
        sh->used += (size_t) snprintf(sh->text, FINDINGS, "%s: \"%s\", ABI %u, descriptor %zu bytes, reopen %s,"
                                      " container_exited %s\n", path, d->name ? d->name : "(no name)", d->abi_version,
                                      d->size, d->reopen ? "yes" : "no", plugin.container_exited ? "yes" : "no");
        if (d->name == NULL) {
            note(0, "the descriptor has no name (messages show the path only)");
        }
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    if (WIFSIGNALED(status)) {
        note(1, "crashed with signal %d (%s) while loading (constructor or entry point)", WTERMSIG(status),
             strsignal(WTERMSIG(status)));
    }
    int broken = sh->broken;
    fputs(sh->text, stdout);
    if (broken) {
        printf("%d rule(s) broken: the monitor refuses this plugin\n", broken);
        return 1;
    }
    for (size_t i = 0; i < sizeof SCENARIOS / sizeof *SCENARIOS; i++) {
        broken += run_scenario(&SCENARIOS[i]);
    }
    printf(broken ? "%d rule(s) broken\n" : "no rule broken\n", broken);
    return broken ? 1 : 0;
}
