package io.conmonj.host.terminal;

import io.conmonj.host.logging.Stream;
import io.conmonj.host.loop.EventLoop;
import io.conmonj.host.loop.OutputPump;
import io.conmonj.host.sys.Epoll;
import io.conmonj.host.sys.NativeCallException;
import io.conmonj.host.sys.Sys;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * The terminal-mode counterpart of {@link OutputPump}: moves what the
 * container writes to its pty (read from the monitor's stdout descriptor, a
 * dup of the master) to the consumers, all as stream {@code stdout}, one read
 * of at most 8192 bytes per wake-up (conmon-behaviour.md §9.2).
 *
 * <ul>
 * <li>{@code EIO} on read means "no data now" (no slave open), not an error,
 * and is not reported.</li>
 * <li>When the master reports HUP (no slave open at the moment) the fd is
 * taken off the loop and put back 100 ms later, since a slave may be opened
 * again; epoll would otherwise report the HUP in a busy loop. A wake-up that
 * read data despite the HUP keeps watching once more, as conmon does.</li>
 * <li>Other read errors are warned about ({@code "stdio_input read failed
 * <reason>"}) and the watch continues. End of file (which a Linux pty
 * master does not produce) stops it and closes the fd.</li>
 * </ul>
 *
 * The fd is set non-blocking. It must be a different descriptor number from
 * the one {@link ContainerStdin} writes to (an {@link EventLoop} fd can be
 * registered once): conmon's stdout is {@code dup(master)}, its stdin the
 * master itself. Close this before the dup's file description goes away:
 * {@link #close()} unregisters first (an epoll registration outlives a
 * closed fd while a dup keeps the description open).
 */
public final class PtyOutput implements AutoCloseable {
    public static final int CHUNK = OutputPump.CHUNK;

    private final EventLoop loop;
    private final OutputPump.Sink sink;
    private final Consumer<String> warn;
    private final byte[] buffer = new byte[CHUNK];
    private final RetryTimer retry;
    private int fd;
    private boolean watching;

    /**
     * @param fd   the monitor's stdout descriptor of the pty (a dup of the master); owned from now on
     * @param sink gets every chunk as {@link Stream#STDOUT}
     */
    public PtyOutput(EventLoop loop, int fd, OutputPump.Sink sink, Consumer<String> warn) throws NativeCallException {
        this.loop = loop;
        this.fd = fd;
        this.sink = sink;
        this.warn = warn;
        Sys.setNonBlocking(fd);
        this.retry = new RetryTimer(loop, this::rewatch);
    }

    /** Starts reading on the loop (conmon: once the runtime has exited, conmon-behaviour.md §2 step 22). */
    public void register() throws NativeCallException {
        if (fd >= 0 && !watching) {
            loop.register(fd, Epoll.IN, this::ready);
            watching = true;
        }
    }

    /** True while the fd is on the loop (false during a HUP pause or after the end). */
    public boolean watching() {
        return watching;
    }

    /** True while a HUP pause is running (the fd is put back on the loop when it ends). */
    public boolean paused() {
        return retry.scheduled();
    }

    private void ready(int events) throws IOException {
        if (fd < 0) {
            return;
        }
        boolean gotData = false;
        if ((events & Epoll.IN) != 0) {
            gotData = readOnce() > 0;
            if (fd < 0) {
                return;
            }
        }
        if ((events & (Epoll.HUP | Epoll.ERR)) != 0 && !gotData) {
            unwatch();
            retry.schedule(RetryTimer.HUP_RETRY_MILLIS);
        }
    }

    private void rewatch() throws NativeCallException {
        register();
    }

    /** One read: bytes delivered, 0 if none now (EAGAIN, EIO, a warned error), -1 at end of file. */
    private int readOnce() throws IOException {
        int n;
        try {
            n = Sys.read(fd, buffer, CHUNK);
        } catch (NativeCallException e) {
            if (!Pty.isEndOfData(e)) {
                warn.accept("stdio_input read failed " + e.reason());
            }
            return 0;
        }
        if (n > 0) {
            sink.chunk(Stream.STDOUT, buffer, 0, n);
            return n;
        }
        if (n == 0) {
            close();
            return -1;
        }
        return 0; // EAGAIN
    }

    /** Reads what is left without blocking: until EAGAIN, EIO or end of file (conmon-behaviour.md §10.2). */
    public void drain() throws IOException {
        while (fd >= 0 && readOnce() > 0) {
            // next chunk
        }
    }

    /** The descriptor, or -1 after {@link #close}; conmon resizes the pty through it (conmon-behaviour.md §6.2). */
    public int fd() {
        return fd;
    }

    public boolean atEnd() {
        return fd < 0;
    }

    private void unwatch() throws NativeCallException {
        if (watching) {
            watching = false;
            loop.unregister(fd);
        }
    }

    /** Stops watching (timer included) and closes the fd. Idempotent. */
    @Override
    public void close() {
        retry.close();
        if (fd >= 0) {
            try {
                unwatch();
            } catch (NativeCallException e) {
                warn.accept("Failed to stop watching fd " + fd + ": " + e.getMessage());
            }
            Sys.closeQuietly(fd);
            fd = -1;
        }
    }
}
