package io.conmonj.host.sys;

import java.nio.charset.StandardCharsets;

/**
 * Checked calls on {@code AF_UNIX}/{@code SOCK_SEQPACKET} sockets (the attach
 * socket, conmon-behaviour.md §5). Every wrapper retries EINTR and turns any other
 * failure into a {@link NativeCallException} carrying the call's name.
 * Constants are Linux values (identical on x86_64 and aarch64).
 */
public final class UnixSeqpacket {
    private UnixSeqpacket() {}

    public static final int AF_UNIX = 1;
    public static final int SOCK_SEQPACKET = 5;
    /** socket(2)/accept4(2) type flags; same values as O_NONBLOCK and O_CLOEXEC. */
    public static final int SOCK_NONBLOCK = 04000, SOCK_CLOEXEC = 02000000;
    /** shutdown(2) directions. */
    public static final int SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2;
    /** send/recv flags: do not block this one call; no SIGPIPE on a peer that went away (EPIPE instead). */
    public static final int MSG_DONTWAIT = 0x40, MSG_NOSIGNAL = 0x4000;

    /** sizeof(struct sockaddr_un): a 2-byte family followed by 108 bytes of sun_path. */
    public static final int SOCKADDR_UN_SIZE = 110;
    /** The longest path that fits in sun_path with its terminating NUL. */
    public static final int MAX_PATH_BYTES = 107;

    /** Result of {@link #recv} and {@link #accept}: nothing available right now (EAGAIN). */
    public static final int WOULD_BLOCK = -1;

    private static final int ECONNABORTED = 103;

    /** A new close-on-exec SEQPACKET socket, optionally non-blocking. */
    public static int socket(boolean nonBlocking) throws NativeCallException {
        int type = SOCK_SEQPACKET | SOCK_CLOEXEC | (nonBlocking ? SOCK_NONBLOCK : 0);
        return Sys.check("socket", SocketCalls.socket(AF_UNIX, type, 0));
    }

    /**
     * The {@code struct sockaddr_un} image for {@code path}; like conmon's
     * {@code strncpy(sun_path, path, sizeof(sun_path) - 1)} a longer path is
     * cut at {@link #MAX_PATH_BYTES} bytes.
     */
    static byte[] address(String path) {
        byte[] addr = new byte[SOCKADDR_UN_SIZE];
        addr[0] = (byte) AF_UNIX; // sa_family_t, little endian
        byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(bytes, 0, addr, 2, Math.min(bytes.length, MAX_PATH_BYTES));
        return addr;
    }

    public static void bind(int fd, String path) throws NativeCallException {
        Sys.check("bind", SocketCalls.bind(fd, address(path), SOCKADDR_UN_SIZE));
    }

    public static void listen(int fd, int backlog) throws NativeCallException {
        Sys.check("listen", SocketCalls.listen(fd, backlog));
    }

    /**
     * Accepts one connection from a listening socket. The new socket is
     * close-on-exec and blocking (as conmon's accepted clients are); returns
     * {@link #WOULD_BLOCK} when nothing is pending on a non-blocking listener
     * or the pending client gave up before being accepted.
     */
    public static int accept(int fd) throws NativeCallException {
        while (true) {
            int client = SocketCalls.accept4(fd, null, null, SOCK_CLOEXEC);
            if (client >= 0) {
                return client;
            }
            int errno = Sys.errno();
            if (errno == Sys.EAGAIN || errno == ECONNABORTED) {
                return WOULD_BLOCK;
            }
            if (errno != Sys.EINTR) {
                throw new NativeCallException("accept4", errno);
            }
        }
    }

    /** A new blocking close-on-exec SEQPACKET socket connected to {@code path}. */
    public static int connect(String path) throws NativeCallException {
        int fd = socket(false);
        byte[] addr = address(path);
        while (SocketCalls.connect(fd, addr, SOCKADDR_UN_SIZE) < 0) {
            int errno = Sys.errno();
            if (errno != Sys.EINTR) {
                Sys.closeQuietly(fd);
                throw new NativeCallException("connect " + path, errno);
            }
        }
        return fd;
    }

    /**
     * Sends {@code buf[0..len)} as one packet and returns the byte count
     * (SEQPACKET sends are all or nothing). Blocking unless {@code flags}
     * has {@link #MSG_DONTWAIT}; then {@link #WOULD_BLOCK} on EAGAIN.
     */
    public static int send(int fd, byte[] buf, int len, int flags) throws NativeCallException {
        while (true) {
            long n = SocketCalls.send(fd, buf, len, flags);
            if (n >= 0) {
                return (int) n;
            }
            int errno = Sys.errno();
            if (errno == Sys.EAGAIN) {
                return WOULD_BLOCK;
            }
            if (errno != Sys.EINTR) {
                throw new NativeCallException("send", errno);
            }
        }
    }

    /**
     * Receives one packet into {@code buf[0..len)} (a longer packet is cut,
     * the rest of it discarded by the kernel); 0 when the peer has shut its
     * write side or gone, {@link #WOULD_BLOCK} on EAGAIN.
     */
    public static int recv(int fd, byte[] buf, int len, int flags) throws NativeCallException {
        while (true) {
            long n = SocketCalls.recv(fd, buf, len, flags);
            if (n >= 0) {
                return (int) n;
            }
            int errno = Sys.errno();
            if (errno == Sys.EAGAIN) {
                return WOULD_BLOCK;
            }
            if (errno != Sys.EINTR) {
                throw new NativeCallException("recv", errno);
            }
        }
    }

    public static void shutdown(int fd, int how) throws NativeCallException {
        Sys.check("shutdown", SocketCalls.shutdown(fd, how));
    }
}
