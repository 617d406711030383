package io.conmonj.host.sys;

import io.conmonj.sys.LibC;

/**
 * The data calls of the host's {@code AF_UNIX} sockets, whatever their type ({@link UnixSeqpacket}: the attach
 * socket; {@link UnixDatagram}: the sd-notify proxy): EINTR is retried, EAGAIN is
 * {@link #WOULD_BLOCK}, any other failure a {@link NativeCallException} naming the call. The caller's flags say
 * whether a call may block and whether a peer that went away raises SIGPIPE.
 */
public final class UnixSocket {
    private UnixSocket() {}

    /** Result of {@link #recv}, {@link #send} and {@link UnixSeqpacket#accept}: not now (EAGAIN). */
    public static final int WOULD_BLOCK = -1;
    /** send/recv flags: do not block this one call; no SIGPIPE on a peer that went away (EPIPE instead). */
    public static final int MSG_DONTWAIT = 0x40, MSG_NOSIGNAL = 0x4000;
    /** shutdown(2) directions. */
    public static final int SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2;

    /**
     * Sends {@code buf[0..len)} and returns the byte count (a SEQPACKET or datagram send is all or nothing).
     * Blocking unless {@code flags} has {@link #MSG_DONTWAIT}; then {@link #WOULD_BLOCK} on EAGAIN.
     */
    public static int send(int fd, byte[] buf, int len, int flags) throws NativeCallException {
        return (int) Sys.retryOrWouldBlock("send", () -> LibC.send(fd, buf, len, flags));
    }

    /**
     * Receives into {@code buf[0..len)} (one packet or datagram: a longer one is cut, the rest of it discarded by
     * the kernel); 0 when the peer has shut its write side or gone, {@link #WOULD_BLOCK} on EAGAIN.
     */
    public static int recv(int fd, byte[] buf, int len, int flags) throws NativeCallException {
        return (int) Sys.retryOrWouldBlock("recv", () -> LibC.recv(fd, buf, len, flags));
    }

    public static void shutdown(int fd, int how) throws NativeCallException {
        Sys.check("shutdown", LibC.shutdown(fd, how));
    }
}
