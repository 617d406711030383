/*
 * socket-plugin: a conmon-j log plugin that forwards every record to a stream socket,
 * unix or TCP, one frame per record:
 *
 *     <stream> <timestamp_ns> <P|F> <length>\n<length bytes>\n
 *
 * (the file-plugin's format: stream is "stdout" or "stderr", P a partial record, F a full
 * one; the bytes are exactly the container's).
 *
 * Options (the c-plugin driver's options except plugin=...):
 *     address=unix:///abs/path.sock | tcp://HOST:PORT   where to connect (required)
 *     timeout-ms=N   send timeout in ms (default 5000); a send that times out is RETRY
 *
 * container_exited (the ABI's optional callback): once the container has exited, sends wait
 * at most 500 ms and a collector that does not take the data is given up on (FATAL, with the
 * reason) instead of retried, so the container's exit reaches Podman within the exit grace.
 *
 * The connection is made in init(), so an unreachable address fails the container's start
 * with the reason. When the peer goes away the plugin reconnects on the next write; while
 * that fails it returns CONMON_LOG_RETRY (the host backs off and retries, then reports).
 * A frame cut by a failure is sent again, whole, on the new connection.
 *
 * Build: gcc $(pkg-config --cflags conmon-log-plugin) -O2 -shared -fPIC -o socket-plugin.so socket-plugin.c
 */
#define _GNU_SOURCE
#include <conmon_log_plugin.h>

#include <errno.h>
#include <stdatomic.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

struct socket_plugin {
    char *address;      /* as given, for messages */
    char *host;         /* tcp: host; unix: socket path */
    char *port;         /* tcp only */
    int timeout_ms;
    int fd;
    atomic_int exited;  /* set by container_exited, from another thread */
    int shortened;      /* the send timeout of fd was cut after the exit */
};

/* How long a send may wait once the container has exited. */
#define EXITED_TIMEOUT_MS 500

static void set_timeout(int fd, int timeout_ms)
{
    struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* Connects sp->fd; on failure returns -1 with a message in errbuf. */
static int connect_socket(struct socket_plugin *sp, char *errbuf, size_t errlen)
{
    if (sp->port == NULL) {
        struct sockaddr_un sun = {.sun_family = AF_UNIX};
        if (strlen(sp->host) >= sizeof(sun.sun_path)) {
            snprintf(errbuf, errlen, "socket path too long: %s", sp->host);
            return -1;
        }
        strcpy(sun.sun_path, sp->host);
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *) &sun, sizeof(sun)) < 0) {
            snprintf(errbuf, errlen, "cannot connect to %s: %s", sp->address, strerror(errno));
            if (fd >= 0)
                close(fd);
            return -1;
        }
        set_timeout(fd, sp->timeout_ms);
        sp->fd = fd;
        return 0;
    }
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res, *ai;
    int rc = getaddrinfo(sp->host, sp->port, &hints, &res);
    if (rc != 0) {
        snprintf(errbuf, errlen, "cannot resolve %s: %s", sp->address, gai_strerror(rc));
        return -1;
    }
    int err = 0;
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            freeaddrinfo(res);
            set_timeout(fd, sp->timeout_ms);
            sp->fd = fd;
            return 0;
        }
        err = errno;
        close(fd);
    }
    freeaddrinfo(res);
    snprintf(errbuf, errlen, "cannot connect to %s: %s", sp->address, strerror(err));
    return -1;
}

static void free_plugin(struct socket_plugin *sp)
{
    if (sp->fd >= 0)
        close(sp->fd);
    free(sp->address);
    free(sp->host);
    free(sp->port);
    free(sp);
}

/* Splits address into host/port (tcp) or the socket path (unix). */
static int parse_address(struct socket_plugin *sp, const char *address, char *errbuf, size_t errlen)
{
    sp->address = strdup(address);
    if (strncmp(address, "unix://", 7) == 0 && address[7] == '/') {
        sp->host = strdup(address + 7);
        return 0;
    }
    if (strncmp(address, "tcp://", 6) == 0) {
        const char *hp = address + 6;
        const char *colon = strrchr(hp, ':');
        if (colon != NULL && colon != hp && colon[1] != '\0') {
            const char *h = hp;
            size_t hlen = (size_t) (colon - hp);
            if (h[0] == '[' && hlen > 2 && h[hlen - 1] == ']') { /* tcp://[::1]:port */
                h++;
                hlen -= 2;
            }
            sp->host = strndup(h, hlen);
            sp->port = strdup(colon + 1);
            return 0;
        }
    }
    snprintf(errbuf, errlen, "bad address \"%s\" (want unix:///path or tcp://host:port)", address);
    return -1;
}

static int sp_init(int argc, const char *const *argv, const struct conmon_log_container *meta,
                   void **handle, char *errbuf, size_t errlen)
{
    (void) meta;
    const char *address = NULL;
    int timeout_ms = 5000;
    for (int i = 0; i < argc; i++) {
        if (strncmp(argv[i], "address=", 8) == 0) {
            address = argv[i] + 8;
        } else if (strncmp(argv[i], "timeout-ms=", 11) == 0) {
            char *end;
            long t = strtol(argv[i] + 11, &end, 10);
            if (*end != '\0' || end == argv[i] + 11 || t <= 0 || t > 3600000) {
                snprintf(errbuf, errlen, "timeout-ms must be a number of milliseconds, not \"%s\"", argv[i] + 11);
                return CONMON_LOG_FATAL;
            }
            timeout_ms = (int) t;
        } else {
            snprintf(errbuf, errlen, "unknown option \"%s\" (known: address=URL, timeout-ms=N)", argv[i]);
            return CONMON_LOG_FATAL;
        }
    }
    if (address == NULL) {
        snprintf(errbuf, errlen, "option address= is required (unix:///path or tcp://host:port)");
        return CONMON_LOG_FATAL;
    }
    struct socket_plugin *sp = calloc(1, sizeof(*sp));
    if (sp == NULL) {
        snprintf(errbuf, errlen, "out of memory");
        return CONMON_LOG_FATAL;
    }
    sp->fd = -1;
    sp->timeout_ms = timeout_ms;
    if (parse_address(sp, address, errbuf, errlen) < 0 || connect_socket(sp, errbuf, errlen) < 0) {
        free_plugin(sp);
        return CONMON_LOG_FATAL;
    }
    *handle = sp;
    return CONMON_LOG_OK;
}

/* After the exit a failed send is final: the host would otherwise retry it for the exit grace. */
static int give_up_or_retry(struct socket_plugin *sp, char *errbuf, size_t errlen)
{
    if (atomic_load(&sp->exited)) {
        size_t n = strlen(errbuf);
        snprintf(errbuf + n, errlen - n, " (the container exited: giving up)");
        return CONMON_LOG_FATAL;
    }
    return CONMON_LOG_RETRY;
}

static int sp_write(void *handle, const struct conmon_log_record *rec, char *errbuf, size_t errlen)
{
    struct socket_plugin *sp = handle;
    if (sp->fd < 0 && connect_socket(sp, errbuf, errlen) < 0)
        return give_up_or_retry(sp, errbuf, errlen); /* still reconnecting: the host backs off and calls again */
    if (atomic_load(&sp->exited) && !sp->shortened) {
        set_timeout(sp->fd, sp->timeout_ms < EXITED_TIMEOUT_MS ? sp->timeout_ms : EXITED_TIMEOUT_MS);
        sp->shortened = 1;
    }

    char header[96];
    int hlen = snprintf(header, sizeof(header), "%s %" PRId64 " %c %zu\n",
                        rec->stream == CONMON_LOG_STDERR ? "stderr" : "stdout", rec->timestamp_ns,
                        (rec->flags & CONMON_LOG_PARTIAL) ? 'P' : 'F', rec->length);
    struct iovec iov[3] = {
        {header, (size_t) hlen},
        {(void *) rec->data, rec->length},
        {"\n", 1},
    };
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 3};
    size_t sent = 0;
    while (msg.msg_iovlen > 0) {
        ssize_t n = sendmsg(sp->fd, &msg, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int err = errno;
            if ((err == EAGAIN || err == EWOULDBLOCK) && sent == 0) {
                snprintf(errbuf, errlen, "sending to %s: timed out", sp->address);
                return give_up_or_retry(sp, errbuf, errlen); /* nothing sent: the connection is still in step */
            }
            /* peer gone, or a frame cut in the middle: start over on a new connection */
            snprintf(errbuf, errlen, "sending to %s: %s", sp->address,
                     err == EAGAIN || err == EWOULDBLOCK ? "timed out" : strerror(err));
            close(sp->fd);
            sp->fd = -1;
            sp->shortened = 0;
            return give_up_or_retry(sp, errbuf, errlen);
        }
        sent += (size_t) n;
        while (msg.msg_iovlen > 0 && (size_t) n >= msg.msg_iov->iov_len) {
            n -= (ssize_t) msg.msg_iov->iov_len;
            msg.msg_iov++;
            msg.msg_iovlen--;
        }
        if (msg.msg_iovlen > 0) {
            msg.msg_iov->iov_base = (char *) msg.msg_iov->iov_base + n;
            msg.msg_iov->iov_len -= (size_t) n;
        }
    }
    return CONMON_LOG_OK;
}

static int sp_flush(void *handle, char *errbuf, size_t errlen)
{
    (void) handle, (void) errbuf, (void) errlen;
    return CONMON_LOG_OK; /* every frame is sent by write() */
}

static int sp_close(void *handle, char *errbuf, size_t errlen)
{
    (void) errbuf, (void) errlen;
    struct socket_plugin *sp = handle;
    if (sp->fd >= 0)
        shutdown(sp->fd, SHUT_WR);
    free_plugin(sp);
    return CONMON_LOG_OK;
}

/* Called once, from another thread, possibly while sp_write waits in sendmsg: only a flag. */
static void sp_container_exited(void *handle)
{
    struct socket_plugin *sp = handle;
    atomic_store(&sp->exited, 1);
}

CONMON_LOG_PLUGIN_DESCRIPTOR_EXITED("socket-plugin", sp_init, sp_write, sp_flush, NULL, sp_close,
                                    sp_container_exited)
