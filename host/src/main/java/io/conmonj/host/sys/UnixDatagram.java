package io.conmonj.host.sys;

import io.conmonj.sys.LibC;

import java.nio.charset.StandardCharsets;

/**
 * Checked calls that make {@code AF_UNIX}/{@code SOCK_DGRAM} sockets (the sd-notify proxy, conmon-behaviour.md §12);
 * their data calls are {@link UnixSocket}'s. Like {@link UnixSeqpacket}: EINTR is retried, any other failure a
 * {@link NativeCallException} naming the call.
 */
public final class UnixDatagram {
    private UnixDatagram() {}

    public static final int SOCK_DGRAM = 2;
    /** open(2) flags for the directory a socket is bound or reached through. */
    public static final int O_DIRECTORY = 0200000, O_NOFOLLOW = 0400000;
    /** errno values of addresses refused before any call: empty or not fitting sun_path, no file name. */
    public static final int EINVAL = 22, ENAMETOOLONG = 36;

    /** A new close-on-exec, non-blocking datagram socket. */
    public static int socket() throws NativeCallException {
        int type = SOCK_DGRAM | UnixSeqpacket.SOCK_CLOEXEC | UnixSeqpacket.SOCK_NONBLOCK;
        return Sys.check("socket", LibC.socket(UnixSeqpacket.AF_UNIX, type, 0));
    }

    /**
     * The {@code struct sockaddr_un} image and its length for {@code address}: a path (at most
     * {@link UnixSeqpacket#MAX_PATH_BYTES} bytes: reach longer ones through {@code /proc/self/fd}), or
     * {@code @name} for the abstract namespace (systemd's notation).
     */
    static byte[] address(String address) throws NativeCallException {
        byte[] name = address.getBytes(StandardCharsets.UTF_8);
        boolean abstractName = name.length > 0 && name[0] == '@';
        if (name.length == 0) {
            throw new NativeCallException("sockaddr_un (empty address)", EINVAL);
        }
        if (name.length > UnixSeqpacket.MAX_PATH_BYTES) {
            throw new NativeCallException("sockaddr_un " + address, ENAMETOOLONG);
        }
        int length = 2 + name.length + (abstractName ? 0 : 1);
        byte[] addr = new byte[length];
        addr[0] = (byte) UnixSeqpacket.AF_UNIX;
        System.arraycopy(name, 0, addr, 2, name.length);
        if (abstractName) {
            addr[2] = 0;
        }
        return addr;
    }

    public static void bind(int fd, String path) throws NativeCallException {
        byte[] addr = address(path);
        Sys.check("bind " + path, LibC.bind(fd, addr, addr.length));
    }

    /** Connects {@code fd} so that {@link UnixSocket#send} reaches {@code address} and EPOLLOUT reports its queue. */
    public static void connect(int fd, String address) throws NativeCallException {
        byte[] addr = address(address);
        Sys.retry("connect " + address, () -> LibC.connect(fd, addr, addr.length));
    }

    /** An {@code O_PATH} handle on the directory {@code path} itself, refusing a symlink in its last component. */
    public static int openDirectoryNoFollow(String path) throws NativeCallException {
        return Sys.open(path, Fs.O_PATH | O_DIRECTORY | O_NOFOLLOW | Sys.O_CLOEXEC, 0);
    }
}
