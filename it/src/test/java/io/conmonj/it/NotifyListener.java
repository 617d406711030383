package io.conmonj.it;

import com.sun.jna.Library;
import com.sun.jna.Native;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** The host's sd-notify socket as systemd has it: an AF_UNIX datagram socket bound at a path, read by the test. */
final class NotifyListener implements AutoCloseable {
    /** The calls {@link Libc} does not declare. */
    private interface Sockets extends Library {
        Sockets C = Native.load("c", Sockets.class);

        int bind(int fd, byte[] addr, int len);

        long recv(int fd, byte[] buf, long len, int flags);

        long sendto(int fd, byte[] buf, long len, int flags, byte[] addr, int addrLen);
    }

    private static final int SOCK_DGRAM = 2, SOCK_NONBLOCK = 04000, MSG_DONTWAIT = 0x40;

    final Path path;
    private final int fd;
    private final List<String> received = new ArrayList<>();

    private NotifyListener(Path path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    private static byte[] address(Path path) {
        byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
        if (name.length > 107) throw new IllegalArgumentException("longer than sun_path: " + path);
        byte[] addr = new byte[110];
        addr[0] = Libc.AF_UNIX;
        System.arraycopy(name, 0, addr, 2, name.length);
        return addr;
    }

    /** Sends one datagram to the socket at {@code path}, as a process in the container would. */
    static void send(Path path, String datagram) {
        int fd = Libc.C.socket(Libc.AF_UNIX, SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
        if (fd < 0) throw new AssertionError("socket: errno " + Native.getLastError());
        try {
            byte[] b = datagram.getBytes(StandardCharsets.ISO_8859_1), addr = address(path);
            if (Sockets.C.sendto(fd, b, b.length, 0, addr, addr.length) != b.length)
                throw new AssertionError("sendto " + path + ": errno " + Native.getLastError());
        } finally {
            Libc.C.close(fd);
        }
    }

    static NotifyListener bind(Path path) {
        int fd = Libc.C.socket(Libc.AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0);
        if (fd < 0) throw new AssertionError("socket: errno " + Native.getLastError());
        byte[] addr = address(path);
        if (Sockets.C.bind(fd, addr, addr.length) < 0) {
            int errno = Native.getLastError();
            Libc.C.close(fd);
            throw new AssertionError("bind " + path + ": errno " + errno);
        }
        return new NotifyListener(path, fd);
    }

    /** Every datagram received so far, then more until one matches {@code until} or {@code timeoutMs} passed. */
    List<String> receive(Predicate<String> until, long timeoutMs) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        byte[] buf = new byte[65536];
        while (received.stream().noneMatch(until) && System.nanoTime() < deadline) {
            long n = Sockets.C.recv(fd, buf, buf.length, MSG_DONTWAIT);
            if (n >= 0) {
                received.add(new String(buf, 0, (int) n, StandardCharsets.ISO_8859_1));
            } else if (Native.getLastError() == Libc.EAGAIN) {
                pause();
            } else {
                throw new AssertionError("recv " + path + ": errno " + Native.getLastError());
            }
        }
        return List.copyOf(received);
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() throws Exception {
        Libc.C.close(fd);
        Files.deleteIfExists(path);
    }
}
