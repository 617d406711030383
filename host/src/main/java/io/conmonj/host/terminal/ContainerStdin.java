package io.conmonj.host.terminal;

import io.conmonj.host.attach.StdinSink;
import io.conmonj.host.loop.EventLoop;
import io.conmonj.host.sys.Descriptors;
import io.conmonj.host.sys.Epoll;
import io.conmonj.host.sys.NativeCallException;
import io.conmonj.host.sys.Sys;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * Container stdin (conmon-behaviour.md §5.4, §5.5): where attach clients' input goes,
 * the write end of the stdin pipe with {@code -i}, or the pty master in
 * terminal mode. Never blocks the monitor, never drops input for lack of room:
 *
 * <ul>
 * <li>The fd is non-blocking. What the container does not take at once is
 * kept, in order, and written when epoll reports the fd writable (the fd is
 * on the {@link EventLoop} for {@code EPOLLOUT} only while bytes are
 * pending). While anything is kept the sink does not {@linkplain #accepting()
 * accept}: the attach socket stops reading its clients, as conmon does, and
 * resumes when the {@link #onAccepting} callback runs after the last kept
 * byte was written. So what is kept is at most the one packet that did not
 * fit (32 KiB from the attach socket); the rest waits in the clients' socket
 * buffers and, behind them, in the clients themselves.</li>
 * <li>Terminal mode: input that arrives before the pty exists is held the
 * same way and flushed by {@link #setFd} (the master, once the console socket
 * delivered it).</li>
 * <li>A pty master whose slave is not open reports HUP all the time; when
 * a wake-up with HUP writes nothing (the pty's buffer is full) the fd leaves
 * the loop and writing is retried every 100 ms (as the output side, conmon-behaviour.md §9.2).</li>
 * <li>A failed write (EPIPE: the container closed its stdin or exited) is
 * warned about with conmon's {@code "Failed to write container stdin"}, and
 * the bytes of that attempt, pending ones included, are dropped: nobody will
 * read them.</li>
 * <li>{@link #closeStdin} (a client's input ended, with {@code -i} and without
 * {@code --leave-stdin-open}) closes this descriptor so the container sees
 * EOF once the pending bytes are written; input after it is dropped. In
 * terminal mode the descriptor is the master and the monitor's stdout dup
 * keeps the pty open (conmon closes its stdin fd alike). Before the pty
 * exists the request is ignored, as in conmon.</li>
 * </ul>
 */
public final class ContainerStdin implements StdinSink, AutoCloseable {
    /** Largest single write (more than a pipe takes at once). */
    static final int MAX_WRITE = 64 * 1024;

    private final EventLoop loop;
    private final Consumer<String> warn;
    private final boolean terminal;
    private final RetryTimer retry;
    private byte[] pending = new byte[0];
    private int head, tail;
    private int fd = -1;
    private boolean watching, closeRequested, closed;
    /** Set when bytes were kept: the sources wait for {@link #resume}. */
    private boolean holding;
    private Runnable resume = () -> { };

    private ContainerStdin(EventLoop loop, boolean terminal, Consumer<String> warn) throws NativeCallException {
        this.loop = loop;
        this.terminal = terminal;
        this.warn = warn;
        this.retry = new RetryTimer(loop, this::retryFlush);
    }

    /**
     * {@code -i} without {@code -t}: writes to the write end of the stdin
     * pipe (owned from now on, made non-blocking).
     */
    public static ContainerStdin forPipe(EventLoop loop, int writeEnd, Consumer<String> warn)
            throws NativeCallException {
        ContainerStdin stdin = new ContainerStdin(loop, false, warn);
        try {
            stdin.setFd(writeEnd);
        } catch (NativeCallException e) {
            stdin.retry.close();
            throw e;
        }
        return stdin;
    }

    /** Terminal mode: holds input until {@link #setFd} gives it the pty master. */
    public static ContainerStdin forTerminal(EventLoop loop, Consumer<String> warn) throws NativeCallException {
        return new ContainerStdin(loop, true, warn);
    }

    /**
     * Gives the descriptor input goes to (owned from now on, made
     * non-blocking) and flushes what was held. Once only.
     */
    public void setFd(int fd) throws NativeCallException {
        if (this.fd >= 0 || closed) {
            throw new IllegalStateException("container stdin already has a descriptor");
        }
        Sys.setNonBlocking(fd);
        this.fd = fd;
        flush();
    }

    /** The descriptor input goes to, -1 before {@link #setFd} and after closing. */
    public int fd() {
        return fd;
    }

    public boolean isTerminal() {
        return terminal;
    }

    /** Bytes accepted but not yet written. */
    public int pending() {
        return tail - head;
    }

    /** True while the descriptor is on the loop for EPOLLOUT. */
    boolean watching() {
        return watching;
    }

    /** True while a HUP pause is running. */
    boolean paused() {
        return retry.scheduled();
    }

    /** True once the descriptor has been closed (EOF delivered, or {@link #close}). */
    public boolean isClosed() {
        return closed;
    }

    /** True while nothing is kept: a source may send its next packet. */
    @Override
    public boolean accepting() {
        return pending() == 0;
    }

    @Override
    public void onAccepting(Runnable resume) {
        this.resume = resume;
    }

    @Override
    public void write(byte[] buf, int off, int len) {
        if (len <= 0 || closeRequested || closed) {
            return;
        }
        if (fd >= 0 && pending() == 0) {
            int n = tryWrite(buf, off, len);
            if (n < 0) {
                return; // failed and warned
            }
            off += n;
            len -= n;
            if (len == 0) {
                return;
            }
        }
        keep(buf, off, len);
        if (fd >= 0) {
            watch();
        }
    }

    @Override
    public void closeStdin() {
        if (fd < 0 || closeRequested) {
            return; // terminal mode before the pty arrived (conmon: nothing to close), or already done
        }
        closeRequested = true;
        if (pending() == 0) {
            closeFd();
        }
    }

    /** Monitor exit: drops what is pending, stops watching, closes the descriptor. Idempotent. */
    @Override
    public void close() {
        head = tail = 0;
        holding = false;
        pending = new byte[0];
        closeFd();
        closed = true;
        retry.close();
    }

    /** One write; bytes written (0 if full), or -1 after a failure that was warned about. */
    private int tryWrite(byte[] buf, int off, int len) {
        try {
            int n = Descriptors.write(fd, buf, off, len);
            return n == Descriptors.WOULD_BLOCK ? 0 : n;
        } catch (NativeCallException e) {
            warn.accept("Failed to write container stdin");
            return -1;
        }
    }

    /**
     * Keeps bytes the fd did not take. Sources send only while
     * {@link #accepting()}, so this holds one packet; it still grows if a
     * caller sends more, rather than lose input.
     */
    private void keep(byte[] buf, int off, int len) {
        int size = pending();
        holding = true;
        if (tail + len > pending.length) {
            byte[] target = pending;
            if (size + len > pending.length) {
                target = new byte[Math.max(size + len, pending.length * 2)];
            }
            System.arraycopy(pending, head, target, 0, size);
            pending = target;
            head = 0;
            tail = size;
        }
        System.arraycopy(buf, off, pending, tail, len);
        tail += len;
    }

    /** Writes what is pending as far as the fd takes it; watches for OUT while anything is left. */
    private void flush() {
        while (fd >= 0 && pending() > 0) {
            int n = tryWrite(pending, head, Math.min(pending(), MAX_WRITE));
            if (n < 0) {
                head = tail = 0; // the container will not take them
                break;
            }
            if (n == 0) {
                break;
            }
            head += n;
        }
        if (pending() == 0) {
            head = tail = 0;
            if (pending.length > 64 * 1024) {
                pending = new byte[0]; // give a burst's memory back
            }
            unwatch();
            if (closeRequested) {
                closeFd();
            }
            if (holding) {
                holding = false;
                resume.run();
            }
        } else {
            watch();
        }
    }

    private void ready(int events) throws NativeCallException {
        int before = pending();
        flush();
        if (watching && pending() == before && (events & Epoll.HUP) != 0) {
            // a pty master without a slave reports HUP all along: while it takes nothing, poll instead
            unwatch();
            retry.schedule(RetryTimer.HUP_RETRY_MILLIS);
        }
    }

    private void retryFlush() throws IOException {
        flush();
    }

    private void watch() {
        if (!watching && !retry.scheduled() && fd >= 0) {
            try {
                loop.register(fd, Epoll.OUT, this::ready);
                watching = true;
            } catch (NativeCallException e) {
                warn.accept("Failed to watch container stdin: " + e.getMessage());
            }
        }
    }

    private void unwatch() {
        if (watching) {
            watching = false;
            try {
                loop.unregister(fd);
            } catch (NativeCallException e) {
                warn.accept("Failed to stop watching container stdin: " + e.getMessage());
            }
        }
    }

    private void closeFd() {
        retry.cancel();
        if (fd >= 0) {
            unwatch(); // before close: a dup of the master would keep the registration alive
            Sys.closeQuietly(fd);
            fd = -1;
            closed = true;
        }
    }
}
