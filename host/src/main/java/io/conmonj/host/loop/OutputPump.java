package io.conmonj.host.loop;

import io.conmonj.host.logging.Stream;
import io.conmonj.host.sys.Epoll;
import io.conmonj.host.sys.NativeCallException;
import io.conmonj.host.sys.Sys;

import java.io.IOException;

/**
 * Moves one container output stream (the read end of its stdout or stderr
 * pipe) to its consumers (logs, then attach clients): one read of at most
 * 8192 bytes per wake-up, the chunk size every consumer of conmon's output is
 * built around (conmon-behaviour.md §7).
 */
public final class OutputPump {
    public static final int CHUNK = 8192;

    /** Receives each chunk as read; the buffer is reused after the call returns. */
    @FunctionalInterface
    public interface Sink {
        void chunk(Stream stream, byte[] buf, int off, int len) throws IOException;
    }

    private final Stream stream;
    private final Sink sink;
    private final byte[] buffer = new byte[CHUNK];
    private int fd;

    public OutputPump(Stream stream, int fd, Sink sink) throws NativeCallException {
        this.stream = stream;
        this.fd = fd;
        this.sink = sink;
        Sys.setNonBlocking(fd);
    }

    public void register(EventLoop loop) throws NativeCallException {
        loop.register(fd, Epoll.IN, events -> pumpOnce(loop));
    }

    private void pumpOnce(EventLoop loop) throws IOException {
        if (fd < 0) {
            return;
        }
        int n = Sys.read(fd, buffer, CHUNK);
        if (n > 0) {
            sink.chunk(stream, buffer, 0, n);
        } else if (n == 0) {
            loop.unregister(fd);
            close();
        }
    }

    /** Reads what is left without blocking: until EAGAIN or end of file (conmon-behaviour.md §10.2). */
    public void drain() throws IOException {
        while (fd >= 0) {
            int n = Sys.read(fd, buffer, CHUNK);
            if (n <= 0) {
                return;
            }
            sink.chunk(stream, buffer, 0, n);
        }
    }

    /** The pipe's read end, -1 once it ended. */
    public int fd() {
        return fd;
    }

    public boolean atEnd() {
        return fd < 0;
    }

    public void close() {
        Sys.closeQuietly(fd);
        fd = -1;
    }
}
