package io.conmonj.drivers.builtin;

import io.conmonj.drivers.builtin.UnixDatagramSocket.Errno;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * journald's native socket ({@code /run/systemd/journal/socket}): entries go as datagrams on a
 * {@link UnixDatagramSocket}; an entry too large for a datagram ({@code EMSGSIZE}/{@code ENOBUFS}) goes, as with
 * {@code sd_journal_sendv}, in a sealed memfd whose descriptor is passed with {@code SCM_RIGHTS}.
 *
 * <p>Needs native access: the monitor's jar grants it to the unnamed module ({@code Enable-Native-Access}).
 */
final class JournalSocket implements JournaldLog.Sink {
    static final String DEFAULT_PATH = "/run/systemd/journal/socket";

    /** Loads the classes (makes the downcall handles); false if this JVM cannot (no native access). */
    static boolean prepare() {
        return UnixDatagramSocket.prepare();
    }

    private final UnixDatagramSocket socket;

    JournalSocket(String path) throws IOException {
        socket = new UnixDatagramSocket(path);
    }

    @Override
    public synchronized void send(byte[] datagram, int length) throws IOException {
        try {
            socket.send(datagram, 0, length);
        } catch (UnixDatagramSocket.Failure f) {
            if (f.errno() != Errno.EMSGSIZE && f.errno() != Errno.ENOBUFS) {
                throw f;
            }
            // as sd_journal_sendv: an entry too large for a datagram goes in a sealed memfd
            sendLarge(datagram, length);
        }
    }

    /**
     * The entry in a sealed memfd passed with SCM_RIGHTS in an otherwise empty datagram (journald's protocol for
     * entries larger than a datagram). The four downcall handles this needs are made only when it first happens.
     */
    private synchronized void sendLarge(byte[] datagram, int length) throws IOException {
        int memfd;
        try {
            memfd = (int) Large.MEMFD_CREATE.invokeExact(socket.state(), socket.arena().allocateFrom("journal-data"),
                    Large.MFD_CLOEXEC | Large.MFD_ALLOW_SEALING);
        } catch (Throwable t) {
            throw new IOException("memfd_create: " + t, t);
        }
        if (memfd < 0) {
            throw new IOException("memfd_create: " + Errno.text(socket.errno()));
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
                r = (int) Large.FCNTL.invokeExact(socket.state(), memfd, Large.F_ADD_SEALS, Large.ALL_SEALS);
            } catch (Throwable t) {
                throw new IOException("fcntl: " + t, t);
            }
            if (r < 0) {
                throw new IOException("fcntl(F_ADD_SEALS): " + Errno.text(socket.errno()));
            }
            try (Arena a = Arena.ofConfined()) {
                MemorySegment control = a.allocate(24, 8); // CMSG_SPACE(sizeof(int))
                control.set(ValueLayout.JAVA_LONG, 0, 20L); // cmsg_len = CMSG_LEN(sizeof(int))
                control.set(ValueLayout.JAVA_INT, 8, 1); // SOL_SOCKET
                control.set(ValueLayout.JAVA_INT, 12, 1); // SCM_RIGHTS
                control.set(ValueLayout.JAVA_INT, 16, memfd);
                MemorySegment msg = a.allocate(56, 8); // struct msghdr
                msg.set(ValueLayout.ADDRESS, 0, socket.address());
                msg.set(ValueLayout.JAVA_INT, 8, socket.addressLength());
                msg.set(ValueLayout.ADDRESS, 16, MemorySegment.NULL);
                msg.set(ValueLayout.JAVA_LONG, 24, 0L);
                msg.set(ValueLayout.ADDRESS, 32, control);
                msg.set(ValueLayout.JAVA_LONG, 40, 24L);
                msg.set(ValueLayout.JAVA_INT, 48, 0);
                while (true) {
                    long sent;
                    try {
                        sent = (long) Large.SENDMSG.invokeExact(socket.state(), socket.fd(), msg, UnixDatagramSocket.MSG_NOSIGNAL);
                    } catch (Throwable t) {
                        throw new IOException("sendmsg: " + t, t);
                    }
                    if (sent >= 0) {
                        return;
                    }
                    int e = socket.errno();
                    if (e != Errno.EINTR) {
                        throw new UnixDatagramSocket.Failure(e);
                    }
                }
            }
        } finally {
            UnixDatagramSocket.closeFd(memfd);
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
    public void close() {
        socket.close();
    }
}
