package io.conmonj.plugin;

import java.io.IOException;

/**
 * A log driver: receives every record of one container's output.
 *
 * <p>Threading: the host calls one driver from one thread at a time (the
 * monitor's event loop, or for a driver in non-blocking mode its own worker
 * thread), never concurrently.
 *
 * <p>Errors: an {@link IOException} from any method is reported by the host
 * once (monitor log, and at start-up the sync pipe), counted, and does not
 * stop the other drivers.
 */
public interface LogDriver extends AutoCloseable {

    /** Takes one record; see {@link LogRecord} for what the host guarantees. */
    void write(LogRecord record) throws IOException;

    /**
     * Called after the records of each read of container output: a driver
     * that batches writes pushes them out now.
     */
    default void flush() throws IOException {
    }

    /** The ctl "reopen logs" message (type 2): file drivers reopen their file; others ignore it. */
    default void reopen() throws IOException {
    }

    /**
     * The container has exited. What follows is the rest of its output (drained), {@link #sync()} and
     * {@link #close()}; Podman learns the exit status only after them. A driver that waits for a remote collector
     * (blocking until it is back) stops waiting without bound now: it gives up after
     * {@link #EXIT_GRACE_MILLIS}, reporting what it could not deliver, so that an unreachable collector cannot keep
     * a container from being reported as exited.
     *
     * <p>Called on the monitor's event loop, possibly while the driver's own worker thread (non-blocking mode) is
     * inside {@link #write} or {@link #flush}: it must be thread-safe and must not block.
     */
    default void containerExited() {
    }

    /** How long, after {@link #containerExited()}, a driver may keep waiting for its destination. */
    long EXIT_GRACE_MILLIS = 2_000;

    /** Before the exit files are written: make what was logged durable (fsync, acks). */
    default void sync() throws IOException {
        flush();
    }

    /** The container has exited and its output is drained; release everything. */
    @Override
    void close() throws IOException;
}
