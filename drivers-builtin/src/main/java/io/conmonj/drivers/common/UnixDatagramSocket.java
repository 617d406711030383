package io.conmonj.drivers.common;


import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

/**
 * An unconnected {@code AF_UNIX}/{@code SOCK_DGRAM} socket that sends each datagram to one path, through
 * java.lang.foreign: the JDK's {@code DatagramChannel} has no unix-domain support (JDK 25: "Protocol family not
 * supported"). Three downcalls ({@code socket}, {@code sendto}, {@code close}); the handles are made on first use of
 * the class ({@link #prepare()} lets a driver do that off the monitor's path).
 *
 * <p>The socket is not connected: every datagram is addressed by path, so a receiver that is restarted (and so
 * re-creates its socket file) gets the next datagram without any reconnection, and a missing receiver is one failed
 * {@link #send} ({@link Failure} with the errno), not a broken socket.
 *
 * <p>Used by journald's native socket ({@code JournalSocket}, which also uses {@link #sendInSealedMemfd}) and the syslog driver of drivers-contrib ({@code /dev/log},
 * {@code unixgram://}). Needs native access: the monitor's jar grants it to the unnamed module
 * ({@code Enable-Native-Access}). Thread-safe (sends are serialized).
 */
public final class UnixDatagramSocket implements Closeable {
    /** {@code sizeof(sun_path)} minus the terminating NUL. */
    public static final int MAX_PATH_BYTES = 107;

    static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 02000000;
    static final int MSG_NOSIGNAL = 0x4000;

    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SOCKET;
    private static final MethodHandle SENDTO;
    private static final MethodHandle CLOSE;

    static {
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        Linker.Option errno = Linker.Option.captureCallState("errno");
        SOCKET = linker.downcallHandle(libc.find("socket").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
                errno);
        SENDTO = linker.downcallHandle(libc.find("sendto").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
                errno);
        CLOSE = linker.downcallHandle(libc.find("close").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    /** Loads the class (makes the downcall handles); false if this JVM cannot (no native access). */
    public static boolean prepare() {
        try {
            return SENDTO != null;
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }

    private final String path;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment address;
    private final int addressLength;
    private final MemorySegment state = arena.allocate(CAPTURE);
    private MemorySegment buffer;
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
        address = arena.allocate(110);
        address.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
        MemorySegment.copy(p, 0, address, ValueLayout.JAVA_BYTE, 2, p.length);
        addressLength = 2 + p.length + 1;
        buffer = arena.allocate(32768);
        try {
            fd = (int) SOCKET.invokeExact(state, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        } catch (Throwable t) {
            arena.close();
            throw new IOException("socket: " + t, t);
        }
        if (fd < 0) {
            int e = errno();
            arena.close();
            throw new IOException("socket(AF_UNIX, SOCK_DGRAM): " + Errno.text(e));
        }
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
        if (fd < 0) {
            throw new IOException("unix datagram socket to " + path + " is closed");
        }
        if (buffer.byteSize() < length) {
            buffer = arena.allocate(Math.max(length, buffer.byteSize() * 2));
        }
        MemorySegment.copy(data, offset, buffer, ValueLayout.JAVA_BYTE, 0, length);
        while (true) {
            long sent;
            try {
                sent = (long) SENDTO.invokeExact(state, fd, buffer, (long) length, MSG_NOSIGNAL, address, addressLength);
            } catch (Throwable t) {
                throw new IOException("sendto: " + t, t);
            }
            if (sent >= 0) {
                return;
            }
            int e = errno();
            if (e != Errno.EINTR) {
                throw new Failure(e);
            }
        }
    }

    /**
     * Sends {@code datagram[0, length)} in a sealed memfd passed with SCM_RIGHTS in an otherwise empty datagram
     * (journald's protocol for entries larger than a datagram, as {@code sd_journal_sendv}). The downcall handles
     * this needs are made only when it first happens.
     */
    public synchronized void sendInSealedMemfd(byte[] datagram, int length) throws IOException {
        int memfd;
        try {
            memfd = (int) Large.MEMFD_CREATE.invokeExact(state(), arena().allocateFrom("journal-data"),
                    Large.MFD_CLOEXEC | Large.MFD_ALLOW_SEALING);
        } catch (Throwable t) {
            throw new IOException("memfd_create: " + t, t);
        }
        if (memfd < 0) {
            throw new IOException("memfd_create: " + Errno.text(errno()));
        }
        try {
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(
                    java.nio.file.Path.of("/proc/self/fd/" + memfd), java.nio.file.StandardOpenOption.WRITE)) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(datagram, 0, length);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
            int r;
            try {
                r = (int) Large.FCNTL.invokeExact(state(), memfd, Large.F_ADD_SEALS, Large.ALL_SEALS);
            } catch (Throwable t) {
                throw new IOException("fcntl: " + t, t);
            }
            if (r < 0) {
                throw new IOException("fcntl(F_ADD_SEALS): " + Errno.text(errno()));
            }
            try (Arena a = Arena.ofConfined()) {
                MemorySegment control = a.allocate(24, 8); // CMSG_SPACE(sizeof(int))
                control.set(ValueLayout.JAVA_LONG, 0, 20L); // cmsg_len = CMSG_LEN(sizeof(int))
                control.set(ValueLayout.JAVA_INT, 8, 1); // SOL_SOCKET
                control.set(ValueLayout.JAVA_INT, 12, 1); // SCM_RIGHTS
                control.set(ValueLayout.JAVA_INT, 16, memfd);
                MemorySegment msg = a.allocate(56, 8); // struct msghdr
                msg.set(ValueLayout.ADDRESS, 0, address());
                msg.set(ValueLayout.JAVA_INT, 8, addressLength());
                msg.set(ValueLayout.ADDRESS, 16, MemorySegment.NULL);
                msg.set(ValueLayout.JAVA_LONG, 24, 0L);
                msg.set(ValueLayout.ADDRESS, 32, control);
                msg.set(ValueLayout.JAVA_LONG, 40, 24L);
                msg.set(ValueLayout.JAVA_INT, 48, 0);
                while (true) {
                    long sent;
                    try {
                        sent = (long) Large.SENDMSG.invokeExact(state(), fd(), msg, MSG_NOSIGNAL);
                    } catch (Throwable t) {
                        throw new IOException("sendmsg: " + t, t);
                    }
                    if (sent >= 0) {
                        return;
                    }
                    int e = errno();
                    if (e != Errno.EINTR) {
                        throw new Failure(e);
                    }
                }
            }
        } finally {
            closeFd(memfd);
        }
    }

    /** Downcalls only the memfd path needs. */
    private static final class Large {
        static final int MFD_CLOEXEC = 1;
        static final int MFD_ALLOW_SEALING = 2;
        static final int F_ADD_SEALS = 1033;
        /** F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE, as sd-journal seals it. */
        static final int ALL_SEALS = 1 | 2 | 4 | 8;
        static final MethodHandle MEMFD_CREATE;
        static final MethodHandle FCNTL;
        static final MethodHandle SENDMSG;

        static {
            Linker linker = Linker.nativeLinker();
            var libc = linker.defaultLookup();
            Linker.Option errno = Linker.Option.captureCallState("errno");
            MEMFD_CREATE = linker.downcallHandle(libc.find("memfd_create").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), errno);
            FCNTL = linker.downcallHandle(libc.find("fcntl").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_INT), errno, Linker.Option.firstVariadicArg(2));
            SENDMSG = linker.downcallHandle(libc.find("sendmsg").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                            ValueLayout.JAVA_INT), errno);
        }

        private Large() {
        }
    }

    // ---- for the memfd path, which sends on the same socket with sendmsg

    int fd() {
        return fd;
    }

    MemorySegment address() {
        return address;
    }

    int addressLength() {
        return addressLength;
    }

    Arena arena() {
        return arena;
    }

    /** The capture-state segment the downcalls of this socket record errno in. */
    MemorySegment state() {
        return state;
    }

    int errno() {
        return (int) ERRNO.get(state, 0L);
    }

    static void closeFd(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable ignored) {
            // closing anyway
        }
    }

    @Override
    public synchronized void close() {
        if (fd >= 0) {
            closeFd(fd);
            fd = -1;
            arena.close();
        }
    }

    /** A failed send: the message is glibc's strerror text for {@link #errno}. */
    public static final class Failure extends IOException {
        private final int errno;

        public Failure(int errno) {
            super(Errno.text(errno));
            this.errno = errno;
        }

        public int errno() {
            return errno;
        }
    }

    /** The few errno values a send can meet, with glibc's strerror texts. */
    public static final class Errno {
        public static final int ENOENT = 2;
        public static final int EINTR = 4;
        public static final int EAGAIN = 11;
        public static final int ENOMEM = 12;
        public static final int EACCES = 13;
        public static final int ENOTDIR = 20;
        public static final int EMSGSIZE = 90;
        public static final int EPROTOTYPE = 91;
        public static final int ENOBUFS = 105;
        public static final int ECONNREFUSED = 111;

        public static String text(int errno) {
            return switch (errno) {
                case ENOENT -> "No such file or directory";
                case EAGAIN -> "Resource temporarily unavailable";
                case ENOMEM -> "Cannot allocate memory";
                case EACCES -> "Permission denied";
                case ENOTDIR -> "Not a directory";
                case EMSGSIZE -> "Message too long";
                case EPROTOTYPE -> "Protocol wrong type for socket";
                case ENOBUFS -> "No buffer space available";
                case ECONNREFUSED -> "Connection refused";
                default -> "errno " + errno;
            };
        }

        private Errno() {
        }
    }
}
