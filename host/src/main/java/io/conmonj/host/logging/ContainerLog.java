package io.conmonj.host.logging;

import java.io.Closeable;
import java.io.IOException;

/**
 * A container-output log driver (conmon-behaviour.md §7). Single-threaded: the monitor's event loop is the only caller.
 *
 * <p>Errors: the methods throw only for conditions that are fatal for the monitor in conmon (for k8s-file:
 * a failing truncate-mode reopen, conmon-behaviour.md §7.1.5 / §16.10); the exception message is then conmon's text
 * (see {@link LogFileException}). Everything conmon merely warns about (write errors, skipped rotation,
 * failed fsync) goes to the warning sink given to the driver and the call returns normally.
 */
public interface ContainerLog extends Closeable {

    /**
     * Logs one {@code read()} of container output. The bytes are logged exactly as given (binary data and
     * invalid UTF-8 included); the array is not retained. An empty chunk logs nothing.
     */
    void write(Stream stream, byte[] buf, int off, int len) throws IOException;

    /** ctl message type 2 ({@code REOPEN_LOGS_EVENT}, conmon-behaviour.md §6.1 / §7.1.5). Drivers other than k8s-file ignore it. */
    void reopen() throws IOException;

    /**
     * The container has exited; its last output, {@link #sync()} and {@link #close()} follow. Drivers that wait
     * for a remote destination bound their waits from now on (LogDriver#containerExited).
     */
    default void containerExited() {
    }

    /**
     * Whether a driver may block the event loop waiting for a destination (a selected driver in blocking mode): then
     * the monitor watches for the container's exit on a thread of its own and calls {@link #containerExited()} from
     * it, since the blocked loop could not.
     */
    default boolean mayWaitForDrivers() {
        return false;
    }

    /**
     * Whether this log may be closed now and reopened by another monitor process without a difference in what is
     * logged (hibernation, docs/reliability.md).
     */
    default boolean reopenableLater() {
        return false;
    }

    /** Identity (device, inode) of conmon's own k8s-file log as now open, or null without one (hibernation). */
    default Object conmonFileKey() {
        return null;
    }

    /** fsync before the exit files are written; the caller skips it with {@code --no-sync-log} (conmon-behaviour.md §7.1.6). */
    void sync() throws IOException;

    /** Closes the log; later calls are no-ops. */
    @Override
    void close() throws IOException;
}
