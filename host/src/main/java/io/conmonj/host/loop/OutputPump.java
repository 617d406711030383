package io.conmonj.host.loop;

import io.conmonj.host.logging.Stream;
import io.conmonj.host.sys.Epoll;
import io.conmonj.host.sys.NativeCallException;
import io.conmonj.host.sys.Sys;

import java.io.IOException;

/**
 * Moves one container output stream (the read end of its stdout or stderr
 * pipe) to its consumers (logs, then attach clients) in reads of at most
 * 8192 bytes, the chunk size every consumer of conmon's output is built
 * around (conmon-behaviour.md §7): each read is one chunk, with its own
 * timestamp and records, as in conmon.
 *
 * <p>Unlike conmon (one read per wake-up), a wake-up reads again while the
 * previous read filled the whole chunk, at most {@link #READS_PER_WAKEUP}
 * times: a container that keeps its pipe full is drained with a quarter of
 * the epoll_wait calls and loop turns (docs/design.md, "Logging
 * throughput"), and the bound keeps the other sources served. A short read
 * means the pipe was empty at that moment, so it ends the turn without a
 * read that would only return EAGAIN.
 */
public final class OutputPump {
    public static final int CHUNK = 8192;
    /** Reads of one stream per wake-up at most (each a chunk of its own). */
    public static final int READS_PER_WAKEUP = 4;

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
        for (int reads = 0; reads < READS_PER_WAKEUP && fd >= 0; reads++) {
            int n = Sys.read(fd, buffer, CHUNK);
            if (n > 0) {
                sink.chunk(stream, buffer, 0, n);
                if (n < CHUNK) {
                    return; // the pipe was empty: wait for the next wake-up
                }
            } else {
                if (n == 0) {
                    loop.unregister(fd);
                    close();
                }
                return;
            }
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

    public boolean atEnd() {
        return fd < 0;
    }

    public void close() {
        Sys.closeQuietly(fd);
        fd = -1;
    }
}
