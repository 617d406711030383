package io.conmonj.drivers.common;

import io.conmonj.sys.Layouts;
import io.conmonj.sys.LibC;
import io.conmonj.sys.NativeMemory;
import io.conmonj.sys.Retry;

import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An unconnected {@code AF_UNIX}/{@code SOCK_DGRAM} socket that sends each datagram to one path, through the
 * project's native layer ({@code io.conmonj.sys}): the JDK's {@code DatagramChannel} has no unix-domain support
 * (JDK 25: "Protocol family not supported").
 *
 * <p>The socket is not connected: every datagram is addressed by path, so a receiver that is restarted (and so
 * re-creates its socket file) gets the next datagram without any reconnection, and a missing receiver is one failed
 * {@link #send} ({@link Failure} with the errno), not a broken socket.
 *
 * <p>Used by journald's native socket ({@code JournalSocket}, which also uses {@link #sendInSealedMemfd}) and the
 * syslog driver of drivers-contrib ({@code /dev/log}, {@code unixgram://}). Needs native access: the monitor's jar
 * grants it to the unnamed module ({@code Enable-Native-Access}). Thread-safe (sends are serialized).
 */
public final class UnixDatagramSocket implements Closeable {
    /** {@code sizeof(sun_path)} minus the terminating NUL. */
    public static final int MAX_PATH_BYTES = 107;

    static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 02000000;
    static final int MSG_NOSIGNAL = 0x4000;
    private static final int SOL_SOCKET = 1, SCM_RIGHTS = 1;
    private static final int MFD_CLOEXEC = 1, MFD_ALLOW_SEALING = 2;
    private static final int F_ADD_SEALS = 1033;
    /** F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE, as sd-journal seals it. */
    private static final int ALL_SEALS = 1 | 2 | 4 | 8;

    private static final Retry.Failures<Failure> FAILURES = Failure::new;

    private final String path;
    /** The receiver's {@code struct sockaddr_un}, cut after the path's NUL. */
    private final byte[] address;
    private int fd = -1;

    /**
     * Creates the socket; nothing is sent and the path need not exist yet.
     *
     * @throws IOException if the path is too long for {@code sun_path} or {@code socket()} fails
     */
    public UnixDatagramSocket(String path) throws IOException {
        this.path = path;
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        if (p.length > MAX_PATH_BYTES) {
            throw new IOException("unix socket path too long: " + path);
        }
        int pathOffset = (int) Layouts.SOCKADDR_UN.offset("sun_path");
        address = new byte[pathOffset + p.length + 1];
        address[(int) Layouts.SOCKADDR_UN.offset("sun_family")] = (byte) AF_UNIX; // sa_family_t, little endian
        System.arraycopy(p, 0, address, pathOffset, p.length);
        int s = LibC.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (s < 0) {
            throw new IOException("socket(AF_UNIX, SOCK_DGRAM): " + Errno.text(io.conmonj.sys.Errno.last()));
        }
        fd = s;
    }

    public String path() {
        return path;
    }

    /**
     * Sends {@code length} bytes of {@code data} from {@code offset} as one datagram to the path.
     *
     * @throws Failure with the errno when {@code sendto} fails (ENOENT: no socket at the path, ECONNREFUSED: nobody
     *                 reads it, EMSGSIZE: too large, EAGAIN: the receiver's queue is full, ...)
     */
    public synchronized void send(byte[] data, int offset, int length) throws IOException {
        int socket = openFd();
        // JNA copies a whole array in: pass only the datagram's bytes
        byte[] datagram = offset == 0 && length == data.length ? data : Arrays.copyOfRange(data, offset, offset + length);
        Retry.call("sendto", () -> LibC.sendto(socket, datagram, length, MSG_NOSIGNAL, address, address.length),
                FAILURES);
    }

    /**
     * Sends {@code datagram[0, length)} in a sealed memfd passed with SCM_RIGHTS in an otherwise empty datagram
     * (journald's protocol for entries larger than a datagram, as {@code sd_journal_sendv}).
     */
    public synchronized void sendInSealedMemfd(byte[] datagram, int length) throws IOException {
        int socket = openFd();
        int memfd = (int) Retry.call("memfd_create",
                () -> LibC.memfd_create("journal-data", MFD_CLOEXEC | MFD_ALLOW_SEALING), FAILURES);
        try {
            byte[] rest = length == datagram.length ? datagram : Arrays.copyOf(datagram, length);
            while (rest.length > 0) {
                byte[] chunk = rest;
                long n = Retry.call("write", () -> LibC.write(memfd, chunk, chunk.length), FAILURES);
                rest = Arrays.copyOfRange(rest, (int) n, rest.length);
            }
            Retry.call("fcntl F_ADD_SEALS", () -> LibC.fcntl(memfd, F_ADD_SEALS, ALL_SEALS), FAILURES);

            long controlLength = Layouts.cmsgSpace(Integer.BYTES);
            NativeMemory control = new NativeMemory(controlLength);
            control.clear();
            control.setLong(Layouts.CMSGHDR.offset("cmsg_len"), Layouts.cmsgLen(Integer.BYTES));
            control.setInt(Layouts.CMSGHDR.offset("cmsg_level"), SOL_SOCKET);
            control.setInt(Layouts.CMSGHDR.offset("cmsg_type"), SCM_RIGHTS);
            control.setInt(Layouts.CMSG_DATA, memfd);
            NativeMemory name = new NativeMemory(address.length);
            name.write(0, address, 0, address.length);
            NativeMemory msg = new NativeMemory(Layouts.MSGHDR.size());
            msg.clear();
            msg.setPointer(Layouts.MSGHDR.offset("msg_name"), name);
            msg.setInt(Layouts.MSGHDR.offset("msg_namelen"), address.length);
            msg.setPointer(Layouts.MSGHDR.offset("msg_control"), control);
            msg.setLong(Layouts.MSGHDR.offset("msg_controllen"), controlLength);
            Retry.call("sendmsg", () -> LibC.sendmsg(socket, msg, MSG_NOSIGNAL), FAILURES);
        } finally {
            LibC.close(memfd);
        }
    }

    private int openFd() throws IOException {
        if (fd < 0) {
            throw new IOException("unix datagram socket to " + path + " is closed");
        }
        return fd;
    }

    @Override
    public synchronized void close() {
        if (fd >= 0) {
            LibC.close(fd); // nothing to do about a failure: the descriptor is gone either way
            fd = -1;
        }
    }

    /** A failed call: the message is glibc's strerror text for {@link #errno}, {@link #call} names the call. */
    public static final class Failure extends IOException {
        private final String call;
        private final int errno;

        public Failure(int errno) {
            this("sendto", errno);
        }

        public Failure(String call, int errno) {
            super(Errno.text(errno));
            this.call = call;
            this.errno = errno;
        }

        public int errno() {
            return errno;
        }

        /** The libc call that failed ({@code sendto}, {@code sendmsg}, {@code memfd_create}, ...). */
        public String call() {
            return call;
        }
    }

    /** The errno values a send can meet; texts are the C library's. */
    public static final class Errno {
        public static final int ENOENT = io.conmonj.sys.Errno.ENOENT;
        public static final int EINTR = io.conmonj.sys.Errno.EINTR;
        public static final int EAGAIN = io.conmonj.sys.Errno.EAGAIN;
        public static final int ENOMEM = io.conmonj.sys.Errno.ENOMEM;
        public static final int EACCES = io.conmonj.sys.Errno.EACCES;
        public static final int ENOTDIR = io.conmonj.sys.Errno.ENOTDIR;
        public static final int EMSGSIZE = io.conmonj.sys.Errno.EMSGSIZE;
        public static final int EPROTOTYPE = io.conmonj.sys.Errno.EPROTOTYPE;
        public static final int ENOBUFS = io.conmonj.sys.Errno.ENOBUFS;
        public static final int ECONNREFUSED = io.conmonj.sys.Errno.ECONNREFUSED;

        public static String text(int errno) {
            return io.conmonj.sys.Errno.text(errno);
        }

        private Errno() {
        }
    }
}
