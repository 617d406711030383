package io.conmonj.host.sys;

import io.conmonj.sys.Layouts;
import io.conmonj.sys.LibC;
import io.conmonj.sys.Retry;

import java.nio.charset.StandardCharsets;

/**
 * Checked calls that make {@code AF_UNIX}/{@code SOCK_SEQPACKET} sockets (the attach
 * socket, conmon-behaviour.md §5); their data calls are {@link UnixSocket}'s. Every wrapper
 * retries EINTR and turns any other failure into a {@link NativeCallException} carrying the
 * call's name. Constants are Linux values (identical on x86_64 and aarch64).
 */
public final class UnixSeqpacket {
    private UnixSeqpacket() {}

    public static final int AF_UNIX = 1;
    public static final int SOCK_SEQPACKET = 5;
    /** socket(2)/accept4(2) type flags; same values as O_NONBLOCK and O_CLOEXEC. */
    public static final int SOCK_NONBLOCK = 04000, SOCK_CLOEXEC = 02000000;

    /** sizeof(struct sockaddr_un): a 2-byte family followed by 108 bytes of sun_path. */
    public static final int SOCKADDR_UN_SIZE = (int) Layouts.SOCKADDR_UN.size();
    /** The longest path that fits in sun_path with its terminating NUL. */
    public static final int MAX_PATH_BYTES = 107;

    private static final int ECONNABORTED = 103;

    /** A new close-on-exec SEQPACKET socket, optionally non-blocking. */
    public static int socket(boolean nonBlocking) throws NativeCallException {
        int type = SOCK_SEQPACKET | SOCK_CLOEXEC | (nonBlocking ? SOCK_NONBLOCK : 0);
        return Sys.check("socket", LibC.socket(AF_UNIX, type, 0));
    }

    /**
     * The {@code struct sockaddr_un} image for {@code path}; like conmon's
     * {@code strncpy(sun_path, path, sizeof(sun_path) - 1)} a longer path is
     * cut at {@link #MAX_PATH_BYTES} bytes.
     */
    static byte[] address(String path) {
        byte[] addr = new byte[SOCKADDR_UN_SIZE];
        addr[(int) Layouts.SOCKADDR_UN.offset("sun_family")] = (byte) AF_UNIX; // sa_family_t, little endian
        byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(bytes, 0, addr, (int) Layouts.SOCKADDR_UN.offset("sun_path"), Math.min(bytes.length, MAX_PATH_BYTES));
        return addr;
    }

    public static void bind(int fd, String path) throws NativeCallException {
        Sys.check("bind", LibC.bind(fd, address(path), SOCKADDR_UN_SIZE));
    }

    public static void listen(int fd, int backlog) throws NativeCallException {
        Sys.check("listen", LibC.listen(fd, backlog));
    }

    /**
     * Accepts one connection from a listening socket. The new socket is
     * close-on-exec and blocking (as conmon's accepted clients are); returns
     * {@link UnixSocket#WOULD_BLOCK} when nothing is pending on a non-blocking listener
     * or the pending client gave up before being accepted.
     */
    public static int accept(int fd) throws NativeCallException {
        return (int) Retry.call("accept4", () -> LibC.accept4(fd, SOCK_CLOEXEC), Sys.FAILURES, NOT_NOW);
    }

    /** EAGAIN: nothing pending; ECONNABORTED: the pending client gave up before being accepted. */
    private static final int[] NOT_NOW = {Sys.EAGAIN, ECONNABORTED};

    /** A new blocking close-on-exec SEQPACKET socket connected to {@code path}. */
    public static int connect(String path) throws NativeCallException {
        int fd = socket(false);
        byte[] addr = address(path);
        try {
            Sys.retry("connect " + path, () -> LibC.connect(fd, addr, SOCKADDR_UN_SIZE));
        } catch (NativeCallException e) {
            Sys.closeQuietly(fd);
            throw e;
        }
        return fd;
    }
}
