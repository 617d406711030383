package io.conmonj.host.sys;

import io.conmonj.sys.Layouts;
import io.conmonj.sys.LibC;
import io.conmonj.sys.NativeMemory;

import java.nio.charset.StandardCharsets;

/**
 * Checked calls on {@code AF_UNIX}/{@code SOCK_STREAM} sockets and fd passing
 * with {@code SCM_RIGHTS}: the console socket through which the runtime hands
 * over the pty master (conmon-behaviour.md §9.1). bind, listen and accept are the same
 * calls as for SEQPACKET sockets: use {@link UnixSeqpacket#bind},
 * {@link UnixSeqpacket#listen} and {@link UnixSeqpacket#accept}.
 *
 * <p>Struct layouts (Linux LP64: x86_64 and aarch64), built in
 * {@link io.conmonj.sys.NativeMemory}:
 * <pre>
 * struct msghdr  (56 bytes)            struct iovec (16 bytes)
 *    0 void   *msg_name                   0 void  *iov_base
 *    8 uint32  msg_namelen (+4 pad)       8 size_t iov_len
 *   16 struct iovec *msg_iov
 *   24 size_t  msg_iovlen              struct cmsghdr (16 bytes + data)
 *   32 void   *msg_control                0 size_t cmsg_len
 *   40 size_t  msg_controllen             8 int    cmsg_level
 *   48 int     msg_flags (+4 pad)        12 int    cmsg_type
 *                                        16 data (CMSG_DATA)
 * </pre>
 * One fd: {@code CMSG_LEN(4) = 20}, {@code CMSG_SPACE(4) = 24}.
 */
public final class UnixStream {
    private UnixStream() {}

    public static final int SOCK_STREAM = 1;
    /** Size of the data buffer the pty name is received into (conmon's TAG_BUFFER). */
    public static final int NAME_BUFFER = 4096;

    static final int MSGHDR_SIZE = (int) Layouts.MSGHDR.size(), IOVEC_SIZE = (int) Layouts.IOVEC.size();
    static final int CMSGHDR_SIZE = (int) Layouts.CMSGHDR.size();
    static final long MSG_IOV = Layouts.MSGHDR.offset("msg_iov"), MSG_IOVLEN = Layouts.MSGHDR.offset("msg_iovlen");
    static final long MSG_CONTROL = Layouts.MSGHDR.offset("msg_control");
    static final long MSG_CONTROLLEN = Layouts.MSGHDR.offset("msg_controllen");
    static final long MSG_FLAGS = Layouts.MSGHDR.offset("msg_flags");
    static final long IOV_BASE = Layouts.IOVEC.offset("iov_base"), IOV_LEN = Layouts.IOVEC.offset("iov_len");
    static final long CMSG_LEN_FIELD = Layouts.CMSGHDR.offset("cmsg_len");
    static final long CMSG_LEVEL = Layouts.CMSGHDR.offset("cmsg_level"), CMSG_TYPE = Layouts.CMSGHDR.offset("cmsg_type");
    static final long CMSG_DATA = Layouts.CMSG_DATA;
    /** CMSG_LEN(sizeof(int)) and CMSG_SPACE(sizeof(int)). */
    static final int CMSG_LEN_ONE_FD = (int) Layouts.cmsgLen(4), CMSG_SPACE_ONE_FD = (int) Layouts.cmsgSpace(4);

    static final int SOL_SOCKET = 1, SCM_RIGHTS = 1;
    static final int MSG_CTRUNC = 0x8, MSG_NOSIGNAL = 0x4000, MSG_CMSG_CLOEXEC = 0x40000000;
    /** errno conmon's recvfd() reports for a malformed message: "Communication error on send". */
    public static final int ECOMM = 70;

    /** A descriptor received with {@link #receiveFd}, and the data sent with it (the pty's name). */
    public record ReceivedFd(int fd, String name) {}

    /** A new close-on-exec, blocking STREAM socket. */
    public static int socket() throws NativeCallException {
        return Sys.check("socket", LibC.socket(UnixSeqpacket.AF_UNIX,
                SOCK_STREAM | UnixSeqpacket.SOCK_CLOEXEC, 0));
    }

    /** A new blocking close-on-exec STREAM socket connected to {@code path}. */
    public static int connect(String path) throws NativeCallException {
        int fd = socket();
        byte[] addr = UnixSeqpacket.address(path);
        try {
            Sys.retry("connect " + path, () -> LibC.connect(fd, addr, UnixSeqpacket.SOCKADDR_UN_SIZE));
        } catch (NativeCallException e) {
            Sys.closeQuietly(fd);
            throw e;
        }
        return fd;
    }

    /**
     * Receives one message (blocking) carrying exactly one descriptor, as
     * runc's and conmon's {@code recvfd()}: up to {@link #NAME_BUFFER} bytes
     * of data and a control buffer of {@code CMSG_SPACE(sizeof(int))}. The
     * descriptor arrives close-on-exec. A message without a descriptor, with
     * another kind of control message or with more than one fd fails with
     * {@link #ECOMM} (the call named {@code "recvfd: <what was wrong>"});
     * descriptors received with such a message are closed.
     */
    public static ReceivedFd receiveFd(int sock) throws NativeCallException {
        NativeMemory data = new NativeMemory(NAME_BUFFER);
        data.clear();
        NativeMemory iov = new NativeMemory(IOVEC_SIZE);
        iov.setPointer(IOV_BASE, data);
        iov.setLong(IOV_LEN, NAME_BUFFER);
        NativeMemory control = new NativeMemory(CMSG_SPACE_ONE_FD);
        control.clear();
        NativeMemory msg = new NativeMemory(MSGHDR_SIZE);
        msg.clear();
        msg.setPointer(MSG_IOV, iov);
        msg.setLong(MSG_IOVLEN, 1);
        msg.setPointer(MSG_CONTROL, control);
        msg.setLong(MSG_CONTROLLEN, CMSG_SPACE_ONE_FD);

        long n = Sys.retry("recvmsg", () -> LibC.recvmsg(sock, msg, MSG_CMSG_CLOEXEC));
        long controlLen = msg.getLong(MSG_CONTROLLEN); // the kernel sets what it filled in
        if (controlLen < CMSGHDR_SIZE) {
            throw new NativeCallException("recvfd: no control message", ECOMM);
        }
        long cmsgLen = control.getLong(CMSG_LEN_FIELD);
        int level = control.getInt(CMSG_LEVEL);
        int type = control.getInt(CMSG_TYPE);
        if (level == SOL_SOCKET && type == SCM_RIGHTS && cmsgLen >= CMSG_LEN_ONE_FD) {
            int fds = (int) Math.min((cmsgLen - CMSGHDR_SIZE) / 4, (CMSG_SPACE_ONE_FD - CMSGHDR_SIZE) / 4);
            if (fds == 1 && (msg.getInt(MSG_FLAGS) & MSG_CTRUNC) == 0 && cmsgLen == CMSG_LEN_ONE_FD) {
                int fd = control.getInt(CMSG_DATA);
                if (fd < 0) {
                    throw new NativeCallException("recvfd: invalid descriptor", ECOMM);
                }
                byte[] bytes = data.getByteArray(0, (int) n);
                int end = 0;
                while (end < bytes.length && bytes[end] != 0) {
                    end++;
                }
                return new ReceivedFd(fd, new String(bytes, 0, end, StandardCharsets.UTF_8));
            }
            for (int i = 0; i < fds; i++) {
                Sys.closeQuietly(control.getInt(CMSG_DATA + 4L * i));
            }
            throw new NativeCallException("recvfd: expected exactly one descriptor", ECOMM);
        }
        if (level != SOL_SOCKET) {
            throw new NativeCallException("recvfd: expected SOL_SOCKET in cmsg: " + level, ECOMM);
        }
        if (type != SCM_RIGHTS) {
            throw new NativeCallException("recvfd: expected SCM_RIGHTS in cmsg: " + type, ECOMM);
        }
        throw new NativeCallException("recvfd: expected correct CMSG_LEN in cmsg: " + cmsgLen, ECOMM);
    }

    /**
     * Sends {@code fd} with {@code name} (NUL-terminated) as data, as the
     * runtime does with the pty master (runc's {@code sendfd()}).
     */
    public static void sendFd(int sock, String name, int fd) throws NativeCallException {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        NativeMemory data = new NativeMemory(bytes.length + 1);
        data.clear();
        data.write(0, bytes, 0, bytes.length);
        NativeMemory iov = new NativeMemory(IOVEC_SIZE);
        iov.setPointer(IOV_BASE, data);
        iov.setLong(IOV_LEN, bytes.length + 1);
        NativeMemory control = new NativeMemory(CMSG_SPACE_ONE_FD);
        control.clear();
        control.setLong(CMSG_LEN_FIELD, CMSG_LEN_ONE_FD);
        control.setInt(CMSG_LEVEL, SOL_SOCKET);
        control.setInt(CMSG_TYPE, SCM_RIGHTS);
        control.setInt(CMSG_DATA, fd);
        NativeMemory msg = new NativeMemory(MSGHDR_SIZE);
        msg.clear();
        msg.setPointer(MSG_IOV, iov);
        msg.setLong(MSG_IOVLEN, 1);
        msg.setPointer(MSG_CONTROL, control);
        msg.setLong(MSG_CONTROLLEN, CMSG_SPACE_ONE_FD);
        Sys.retry("sendmsg", () -> LibC.sendmsg(sock, msg, MSG_NOSIGNAL));
    }
}
