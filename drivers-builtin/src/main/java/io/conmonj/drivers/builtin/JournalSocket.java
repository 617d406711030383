package io.conmonj.drivers.builtin;

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
 * A datagram socket to journald's native socket ({@code /run/systemd/journal/socket}), through java.lang.foreign:
 * the JDK's {@code DatagramChannel} has no unix-domain support (JDK 25: "Protocol family not supported"). Three
 * downcalls ({@code socket}, {@code sendto}, {@code close}); the handles are made on first use of the class (the
 * driver does that on a background thread when it opens, so the first record does not pay for it). An entry too
 * large for a datagram ({@code EMSGSIZE}/{@code ENOBUFS}) goes, as with {@code sd_journal_sendv}, in a sealed memfd
 * whose descriptor is passed with {@code SCM_RIGHTS}.
 *
 * <p>Needs native access: the monitor's jar grants it to the unnamed module ({@code Enable-Native-Access}).
 */
final class JournalSocket implements JournaldLog.Sink {
    static final String DEFAULT_PATH = "/run/systemd/journal/socket";

    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 02000000;
    private static final int MSG_NOSIGNAL = 0x4000;

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
    static boolean prepare() {
        try {
            return SENDTO != null;
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }

    private final Arena arena = Arena.ofShared();
    private final MemorySegment address;
    private final int addressLength;
    private final MemorySegment state = arena.allocate(CAPTURE);
    private MemorySegment buffer;
    private int fd = -1;

    JournalSocket(String path) throws IOException {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        if (p.length >= 108) {
            throw new IOException("journal socket path too long: " + path);
        }
        address = arena.allocate(110);
        address.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
        MemorySegment.copy(p, 0, address, ValueLayout.JAVA_BYTE, 2, p.length);
        addressLength = 2 + p.length + 1;
        buffer = arena.allocate(32768);
        try {
            fd = (int) SOCKET.invokeExact(state, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        } catch (Throwable t) {
            throw new IOException("socket: " + t, t);
        }
        if (fd < 0) {
            throw new IOException("socket(AF_UNIX, SOCK_DGRAM): " + Errno.text(errno()));
        }
    }

    private int errno() {
        return (int) ERRNO.get(state, 0L);
    }

    @Override
    public synchronized void send(byte[] datagram, int length) throws IOException {
        if (fd < 0) {
            throw new IOException("journal socket closed");
        }
        if (buffer.byteSize() < length) {
            buffer = arena.allocate(Math.max(length, buffer.byteSize() * 2));
        }
        MemorySegment.copy(datagram, 0, buffer, ValueLayout.JAVA_BYTE, 0, length);
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
            if (e == Errno.EMSGSIZE || e == Errno.ENOBUFS) {
                // as sd_journal_sendv: an entry too large for a datagram goes in a sealed memfd
                sendLarge(datagram, length);
                return;
            }
            if (e != Errno.EINTR) {
                throw new Errno.Failure(e);
            }
        }
    }

    /**
     * The entry in a sealed memfd passed with SCM_RIGHTS in an otherwise empty datagram (journald's protocol for
     * entries larger than a datagram). The four downcall handles this needs are made only when it first happens.
     */
    private void sendLarge(byte[] datagram, int length) throws IOException {
        int memfd;
        try {
            memfd = (int) Large.MEMFD_CREATE.invokeExact(state, arena.allocateFrom("journal-data"),
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
                r = (int) Large.FCNTL.invokeExact(state, memfd, Large.F_ADD_SEALS, Large.ALL_SEALS);
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
                msg.set(ValueLayout.ADDRESS, 0, address);
                msg.set(ValueLayout.JAVA_INT, 8, addressLength);
                msg.set(ValueLayout.ADDRESS, 16, MemorySegment.NULL);
                msg.set(ValueLayout.JAVA_LONG, 24, 0L);
                msg.set(ValueLayout.ADDRESS, 32, control);
                msg.set(ValueLayout.JAVA_LONG, 40, 24L);
                msg.set(ValueLayout.JAVA_INT, 48, 0);
                while (true) {
                    long sent;
                    try {
                        sent = (long) Large.SENDMSG.invokeExact(state, fd, msg, MSG_NOSIGNAL);
                    } catch (Throwable t) {
                        throw new IOException("sendmsg: " + t, t);
                    }
                    if (sent >= 0) {
                        return;
                    }
                    int e = errno();
                    if (e != Errno.EINTR) {
                        throw new Errno.Failure(e);
                    }
                }
            }
        } finally {
            try {
                int ignored = (int) CLOSE.invokeExact(memfd);
            } catch (Throwable ignored) {
                // closing anyway
            }
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

    @Override
    public synchronized void close() {
        if (fd >= 0) {
            try {
                int ignored = (int) CLOSE.invokeExact(fd);
            } catch (Throwable ignored) {
                // closing anyway
            }
            fd = -1;
        }
        arena.close();
    }

    /** The few errno values a send can meet, with glibc's strerror texts. */
    static final class Errno {
        static final int ENOENT = 2;
        static final int EINTR = 4;
        static final int EAGAIN = 11;
        static final int ENOMEM = 12;
        static final int EACCES = 13;
        static final int ENOTDIR = 20;
        static final int EMSGSIZE = 90;
        static final int ENOBUFS = 105;
        static final int ECONNREFUSED = 111;

        static String text(int errno) {
            return switch (errno) {
                case ENOENT -> "No such file or directory";
                case EAGAIN -> "Resource temporarily unavailable";
                case ENOMEM -> "Cannot allocate memory";
                case EACCES -> "Permission denied";
                case ENOTDIR -> "Not a directory";
                case EMSGSIZE -> "Message too long";
                case ENOBUFS -> "No buffer space available";
                case ECONNREFUSED -> "Connection refused";
                default -> "errno " + errno;
            };
        }

        /** A failed send: the message is the strerror text, as conmon's {@code sd_journal_sendv: TEXT} warning. */
        static final class Failure extends IOException {
            final int errno;

            Failure(int errno) {
                super(text(errno));
                this.errno = errno;
            }
        }

        private Errno() {
        }
    }
}
