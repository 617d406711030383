package io.conmonj.it;

import com.sun.jna.Memory;
import com.sun.jna.Native;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An attach-socket client connected the way Podman connects: {@code open(BUNDLE/attach, O_PATH)}, then
 * {@code connect} a SOCK_SEQPACKET socket to {@code /proc/self/fd/N} (any bundle path length works).
 * Packets are {@code stream byte + data} (conmon-behaviour.md §5.3); input is written unframed (conmon-behaviour.md §5.4).
 */
final class Attach implements AutoCloseable {
    /** Podman's read buffer: a longer packet would be truncated by SEQPACKET semantics. */
    static final int PODMAN_BUF = 8193;
    private int fd;

    private Attach(int fd) { this.fd = fd; }

    static Attach connect(Path socket) {
        int pathFd = Libc.C.open(socket.toString(), Libc.O_PATH | Libc.O_CLOEXEC, 0);
        if (pathFd < 0) throw new AssertionError("open(" + socket + ", O_PATH): errno " + Native.getLastError());
        try {
            int s = Libc.C.socket(Libc.AF_UNIX, Libc.SOCK_SEQPACKET | Libc.SOCK_CLOEXEC, 0);
            if (s < 0) throw new IllegalStateException("socket: errno " + Native.getLastError());
            byte[] path = ("/proc/self/fd/" + pathFd).getBytes(StandardCharsets.US_ASCII);
            Memory addr = Libc.alloc(110);
            addr.setShort(0, (short) Libc.AF_UNIX);
            addr.write(2, path, 0, path.length);
            if (Libc.C.connect(s, addr, 2 + path.length + 1) != 0) {
                int errno = Native.getLastError();
                Libc.C.close(s);
                throw new AssertionError("connect(" + socket + "): errno " + errno);
            }
            return new Attach(s);
        } finally {
            Libc.C.close(pathFd);
        }
    }

    /** One packet, or null on EOF. Throws on timeout. */
    byte[] read(Duration timeout) {
        if (!Libc.pollIn(fd, (int) timeout.toMillis())) throw new AssertionError("no attach packet within " + timeout);
        byte[] buf = new byte[65536]; // larger than Podman's, so an oversized packet would be seen, not truncated
        long n = Libc.C.read(fd, buf, buf.length);
        if (n < 0) throw new AssertionError("attach read failed: errno " + Native.getLastError());
        return n == 0 ? null : Arrays.copyOf(buf, (int) n);
    }

    /** All packets until EOF (the monitor closes clients at container exit). */
    List<byte[]> readAll(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<byte[]> out = new ArrayList<>();
        while (true) {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            if (System.nanoTime() > deadline) throw new AssertionError("no attach EOF within " + timeout + "; got " + describe(out));
            byte[] p;
            try {
                p = read(Duration.ofMillis(left));
            } catch (AssertionError e) {
                throw new AssertionError("no attach EOF within " + timeout + "; got " + describe(out), e);
            }
            if (p == null) return out;
            out.add(p);
        }
    }

    /** Reads packets until the concatenated payload of {@code stream} contains {@code needle}; returns all read. */
    List<byte[]> readUntil(int stream, String needle, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<byte[]> out = new ArrayList<>();
        while (!payload(out, stream).contains(needle)) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) throw new AssertionError("attach never showed " + needle + "; got " + describe(out));
            byte[] p;
            try {
                p = read(Duration.ofMillis(left));
            } catch (AssertionError e) {
                throw new AssertionError("attach never showed " + needle + "; got " + describe(out), e);
            }
            if (p == null) throw new AssertionError("attach EOF before " + needle + "; got " + describe(out));
            out.add(p);
        }
        return out;
    }

    void send(String s) { send(s.getBytes(StandardCharsets.ISO_8859_1)); }

    void send(byte[] b) {
        long n = Libc.C.write(fd, b, b.length);
        if (n != b.length) throw new AssertionError("attach write: " + n + " errno " + Native.getLastError());
    }

    void shutdownWrite() {
        if (Libc.C.shutdown(fd, Libc.SHUT_WR) != 0) throw new AssertionError("shutdown: errno " + Native.getLastError());
    }

    @Override public void close() {
        if (fd >= 0) Libc.C.close(fd);
        fd = -1;
    }

    /** Concatenated data of the packets of one stream (2 = stdout, 3 = stderr). */
    static String payload(List<byte[]> packets, int stream) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : packets) if (p.length > 0 && p[0] == stream) b.write(p, 1, p.length - 1);
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    static String describe(List<byte[]> packets) {
        StringBuilder b = new StringBuilder("[");
        for (byte[] p : packets) {
            if (b.length() > 1) b.append(", ");
            String s = new String(p, StandardCharsets.ISO_8859_1);
            b.append(s.length() > 60 ? Json.quote(s.substring(0, 60)) + "...(" + p.length + ")" : Json.quote(s));
        }
        return b.append(']').toString();
    }
}
