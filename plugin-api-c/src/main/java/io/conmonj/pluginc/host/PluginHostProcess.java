package io.conmonj.pluginc.host;

import io.conmonj.pluginc.sys.NativeCallException;
import io.conmonj.pluginc.sys.Posix;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One conmon-j-plugin-host process and the monitor's end of its socket: sends a frame, waits for
 * its reply within a deadline, and ends the process when anything goes wrong.
 *
 * <p>Deadlines: the plugin host enforces {@code call-timeout} itself (its watchdog reports the
 * call in a FAULT frame and exits); this side waits {@link #BACKSTOP_MILLIS} longer and then kills
 * it (SIGKILL through a pidfd, so a recycled pid is never signalled). After
 * {@link #containerExited()} every wait ends within the exit grace plus the backstop: the host is
 * told through its exit pipe (the plugin's container_exited runs there) and its watchdog ends a call
 * that outlives the grace.
 *
 * <p>Not thread-safe except {@link #containerExited()}: the driver calls one method at a time.
 */
final class PluginHostProcess implements AutoCloseable {
    /** How much longer than the host's own deadline this side waits before killing it. */
    static final long BACKSTOP_MILLIS = 1_000;
    private static final int POLL_SLICE_MILLIS = 100;
    /** The plugin host's whole environment: nothing of the monitor's leaks into plugin code. */
    private static final List<String> ENV = List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");

    private final int pid;
    private final int pidfd;
    private final int sock;
    private final int exitPipe;
    private final long callTimeoutMillis;
    // native memory (frames are in the machine's byte order, as JNA's Pointer reads and writes)
    private final Memory header = new Memory(Wire.HEADER);
    private final Memory replyBuf = new Memory(Wire.MAX_REPLY);
    private final Posix.PollFd poll = new Posix.PollFd();
    private volatile long exitDeadlineNanos; // 0 until the container exited
    /** Guards exitPipe between {@link #containerExited()} (the event loop) and {@link #close()}. */
    private final Object exitLock = new Object();
    private boolean exitPipeClosed;
    private String ended; // why the process is gone, once it is
    private boolean closed;

    private PluginHostProcess(int pid, int pidfd, int sock, int exitPipe, long callTimeoutMillis) {
        this.pid = pid;
        this.pidfd = pidfd;
        this.sock = sock;
        this.exitPipe = exitPipe;
        this.callTimeoutMillis = callTimeoutMillis;
    }

    /** Starts the host on the plugin's checked descriptor; closes nothing of the caller's. */
    static PluginHostProcess start(String hostBinary, String pluginPath, int pluginFd, long callTimeoutMillis)
            throws IOException {
        int[] pair = Posix.socketpair();
        int[] pipe;
        try {
            pipe = Posix.pipe();
        } catch (IOException e) {
            Posix.close(pair[0]);
            Posix.close(pair[1]);
            throw e;
        }
        int pid;
        try {
            pid = Posix.spawn(hostBinary, List.of(hostBinary, pluginPath), ENV, new int[] {pair[1], pluginFd, pipe[0]});
        } catch (IOException e) {
            Posix.close(pair[0]);
            Posix.close(pipe[1]);
            throw e;
        } finally {
            Posix.close(pair[1]);
            Posix.close(pipe[0]);
        }
        int pidfd;
        try {
            pidfd = Posix.pidfdOpen(pid);
            Posix.setNonBlocking(pair[0]);
            Posix.setNonBlocking(pipe[1]);
        } catch (IOException e) {
            Posix.close(pair[0]);
            Posix.close(pipe[1]);
            throw e; // the host sees EOF on its socket and exits
        }
        return new PluginHostProcess(pid, pidfd, pair[0], pipe[1], callTimeoutMillis);
    }

    int pid() {
        return pid;
    }

    /** Why the process has ended, or null while it runs. */
    String ended() {
        return ended;
    }

    /** Thrown when the host process is gone; the message says why. */
    static final class HostEnded extends IOException {
        HostEnded(String message) {
            super(message);
        }
    }

    /** Sends one frame (payload[0, length)) and returns the host's reply. */
    Wire.Reply call(int type, Pointer payload, long length, String what) throws IOException {
        long deadline = callDeadline();
        header.setInt(0, type);
        header.setInt(4, (int) length);
        send(header, Wire.HEADER, deadline, what);
        if (length > 0) {
            send(payload, length, deadline, what);
        }
        return reply(deadline, what);
    }

    /** Sends a whole frame, its header included (frame[0, total)), in one go, and returns the reply. */
    Wire.Reply callFramed(Pointer frame, long total, String what) throws IOException {
        long deadline = callDeadline();
        send(frame, total, deadline, what);
        return reply(deadline, what);
    }

    /** The deadline of a call starting now; a host that is gone already ends it at once. */
    private long callDeadline() throws HostEnded {
        if (ended != null) {
            throw new HostEnded(ended);
        }
        if (closed) {
            throw new HostEnded("plugin host closed"); // its buffers are freed
        }
        return System.nanoTime() + (callTimeoutMillis + BACKSTOP_MILLIS) * 1_000_000L;
    }

    private Wire.Reply reply(long deadline, String what) throws IOException {
        receive(header, Wire.HEADER, deadline, what);
        int replyType = header.getInt(0);
        int replyLength = header.getInt(4);
        if (replyLength < 0 || replyLength > Wire.MAX_REPLY || (replyType != Wire.REPLY && replyType != Wire.FAULT)
                || (replyType == Wire.REPLY && replyLength < 20)) {
            throw end("sent a malformed frame (type " + replyType + ", " + replyLength + " bytes) after " + what);
        }
        receive(replyBuf, replyLength, deadline, what);
        if (replyType == Wire.FAULT) {
            throw end(text(replyBuf, 0, replyLength));
        }
        return new Wire.Reply(replyBuf.getInt(0), replyBuf.getInt(4), replyBuf.getInt(8), replyBuf.getInt(12),
                replyBuf.getInt(16), text(replyBuf, 20, replyLength - 20));
    }

    private static String text(Pointer buf, long from, int length) {
        byte[] b = buf.getByteArray(from, length);
        return new String(b, StandardCharsets.UTF_8).strip().replaceAll("[\\r\\n]+", " ");
    }

    /** One send(2) or read(2) on the socket: bytes moved, {@link io.conmonj.sys.Retry#WOULD_BLOCK}, 0 at EOF. */
    @FunctionalInterface
    private interface Transfer {
        long move(int fd, Pointer at, long length) throws NativeCallException;
    }

    private void send(Pointer buf, long length, long deadline, String what) throws IOException {
        transfer(Posix::send, Posix.POLLOUT, buf, length, deadline, what);
    }

    private void receive(Pointer buf, long length, long deadline, String what) throws IOException {
        transfer(Posix::read, Posix.POLLIN, buf, length, deadline, what);
    }

    /**
     * Moves buf[0, length) through the socket, waiting for it to be ready for {@code events} whenever it is not,
     * until the deadline; a failed call or EOF means the host is gone.
     */
    private void transfer(Transfer transfer, short events, Pointer buf, long length, long deadline, String what)
            throws IOException {
        long done = 0;
        while (done < length) {
            long n;
            try {
                n = transfer.move(sock, buf.share(done), length - done);
            } catch (NativeCallException e) {
                throw end(gone(what));
            }
            if (n == 0) {
                throw end(gone(what));
            }
            if (n > 0) {
                done += n;
                continue;
            }
            await(events, deadline, what);
        }
    }

    /** Waits in short slices, so a container exit noticed meanwhile shortens the wait. */
    private void await(short events, long deadline, String what) throws IOException {
        while (true) {
            long now = System.nanoTime();
            long exit = exitDeadlineNanos;
            if (now - deadline >= 0) {
                throw end(what + " did not return within " + callTimeoutMillis + " ms (call-timeout); plugin host killed");
            }
            if (exit != 0 && now - exit >= 0) {
                throw end(what + " still running " + io.conmonj.plugin.LogDriver.EXIT_GRACE_MILLIS
                        + " ms after the container exited; plugin host killed");
            }
            short r = poll.poll(sock, events, POLL_SLICE_MILLIS);
            if (r != 0) {
                return; // ready, or an error/hang-up the next read or write reports
            }
        }
    }

    /** The socket closed under us: what the process's status says, when we get to reap it. */
    private String gone(String what) {
        try {
            poll.poll(pidfd, Posix.POLLIN, 200);
        } catch (NativeCallException e) {
            // no status then
        }
        String status = Posix.reap(pidfd);
        return "plugin host ended during " + what + (status == null ? " without a word" : " (" + status + ")");
    }

    /** Marks the process ended (killing it if needed) and returns the error to throw. */
    private HostEnded end(String why) {
        if (ended == null) {
            ended = why;
            kill();
        }
        return new HostEnded(ended);
    }

    private void kill() {
        try {
            Posix.pidfdSignal(pidfd, Posix.SIGKILL);
        } catch (NativeCallException e) {
            // gone already
        }
    }

    /** The container exited: tell the host (its plugin's container_exited) and bound every wait from now. */
    void containerExited() {
        synchronized (exitLock) {
            if (exitDeadlineNanos != 0 || exitPipeClosed) {
                return;
            }
            exitDeadlineNanos = System.nanoTime()
                    + (io.conmonj.plugin.LogDriver.EXIT_GRACE_MILLIS + BACKSTOP_MILLIS) * 1_000_000L;
            try {
                Posix.write(exitPipe, new byte[1], 1); // non-blocking; a full pipe already says it
            } catch (NativeCallException e) {
                // the host is gone: nothing to tell
            }
        }
    }

    /** Closes the monitor's ends (the host then closes its plugin and exits), kills it if it lingers, reaps it. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Posix.close(sock);
        synchronized (exitLock) {
            exitPipeClosed = true;
            Posix.close(exitPipe);
        }
        try {
            if (ended == null && poll.poll(pidfd, Posix.POLLIN, 200) == 0) {
                kill();
                poll.poll(pidfd, Posix.POLLIN, 1000);
            }
        } catch (NativeCallException e) {
            kill();
        }
        Posix.reap(pidfd); // unless the monitor's own reaper was first
        Posix.close(pidfd);
        header.close();
        replyBuf.close();
    }
}
