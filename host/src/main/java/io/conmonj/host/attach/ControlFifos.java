package io.conmonj.host.attach;

import io.conmonj.host.sys.SetupException;
import io.conmonj.host.loop.EventLoop;
import io.conmonj.host.sys.Epoll;
import io.conmonj.host.sys.Fs;
import io.conmonj.host.sys.NativeCallException;
import io.conmonj.host.sys.Sys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The {@code BUNDLE/ctl} and {@code BUNDLE/winsz} FIFOs (conmon-behaviour.md §6).
 *
 * Both are created with mode 0660 (0640 after the monitor's umask 0022),
 * replacing whatever was at the path, and stay open for the monitor's whole
 * life: a non-blocking read side, so that writers opening with
 * {@code O_WRONLY|O_NONBLOCK} (Podman) do not get ENXIO, and a write side of
 * our own, so that a writer closing the FIFO does not make it hang up (no
 * stream of HUP events, no EOF). They are not removed at exit.
 *
 * ctl carries {@code "TYPE HEIGHT WIDTH\n"} lines, parsed with C
 * {@code sscanf("%d %d %d")} semantics ({@link CtlScanner}); TYPE 1 (resize)
 * is forwarded as {@code "H W\n"} into winsz, TYPE 2 reopens the logs.
 * Malformed lines are logged through the warning sink and ignored.
 *
 * winsz is read only once {@link #watchWinsz} is called (terminal mode,
 * after the pty master arrived); until then resize lines wait in the FIFO,
 * which is how Podman sets an exec tty's initial size.
 */
public final class ControlFifos implements AutoCloseable {
    public static final String CTL = "ctl", WINSZ = "winsz";
    /** Before the umask. */
    public static final int MODE = 0660;
    /** Control message types. */
    public static final int WIN_RESIZE_EVENT = 1, REOPEN_LOGS_EVENT = 2;
    /** Inclusive bound of HEIGHT and WIDTH, for both message types. */
    public static final int MAX_DIMENSION = 1000;

    /** Receives window sizes read from winsz (terminal mode: applied with TIOCSWINSZ). */
    @FunctionalInterface
    public interface ResizeListener {
        void onResize(int rows, int cols) throws IOException;
    }

    /** Reopens the log files (ctl TYPE 2, conmon-behaviour.md §7.1.5); a failure is fatal, as in conmon. */
    @FunctionalInterface
    public interface LogReopener {
        void reopenLogs() throws IOException;
    }

    private final EventLoop loop;
    private final LogReopener reopener;
    private final Consumer<String> warn;
    private final String ctlPath, winszPath;
    private int ctlRead = -1, ctlWrite = -1, winszRead = -1, winszWrite = -1;
    private boolean watchingWinsz;
    private ResizeListener resizeListener;
    private CtlLineReader winszReader;
    private EventLoop.Handler winszHandler;
    private final int[] sizeScratch = new int[3];
    private boolean droppingResizes;

    private ControlFifos(EventLoop loop, String bundle, LogReopener reopener, Consumer<String> warn) {
        this.loop = loop;
        this.reopener = reopener;
        this.warn = warn;
        this.ctlPath = AttachSocket.buildFilename(bundle, CTL);
        this.winszPath = AttachSocket.buildFilename(bundle, WINSZ);
    }

    /**
     * Creates both FIFOs in {@code bundle}, opens them and starts reading ctl
     * on {@code loop}.
     */
    public static ControlFifos open(String bundle, EventLoop loop, LogReopener reopener, Consumer<String> warn)
            throws SetupException, NativeCallException {
        ControlFifos fifos = new ControlFifos(loop, bundle, reopener, warn);
        try {
            int[] ctl = setUp(fifos.ctlPath, "terminal control fifo");
            fifos.ctlRead = ctl[0];
            fifos.ctlWrite = ctl[1];
            int[] winsz = setUp(fifos.winszPath, "window resize control fifo");
            fifos.winszRead = winsz[0];
            fifos.winszWrite = winsz[1];
            // Deliberate improvement over conmon (conmon-behaviour.md §16.11): conmon's write side is
            // blocking, and without a terminal nobody reads winsz, so after ~64 KiB of
            // resize requests the monitor would stall in write(). Ours drops the
            // request with a warning instead.
            Sys.setNonBlocking(fifos.winszWrite);
            fifos.startReading();
        } catch (SetupException | NativeCallException | RuntimeException e) {
            fifos.close();
            throw e;
        }
        return fifos;
    }

    /**
     * A resumed monitor (hibernation): the four descriptors its predecessor opened, kept by the guardian meanwhile
     * ({@link #descriptors()}'s order); lines written in between wait in the FIFOs and are read now.
     */
    public static ControlFifos adopt(String bundle, int[] fds, EventLoop loop, LogReopener reopener,
                                     Consumer<String> warn) throws NativeCallException {
        ControlFifos fifos = new ControlFifos(loop, bundle, reopener, warn);
        fifos.ctlRead = fds[0];
        fifos.ctlWrite = fds[1];
        fifos.winszRead = fds[2];
        fifos.winszWrite = fds[3];
        fifos.startReading();
        return fifos;
    }

    /** Reads ctl on the loop from now on; winsz only once {@link #watchWinsz} is called. */
    private void startReading() throws NativeCallException {
        winszReader = new CtlLineReader(winszRead, this::winszLine, warn);
        CtlLineReader winsz = winszReader;
        winszHandler = events -> winsz.readOnce();
        CtlLineReader reader = new CtlLineReader(ctlRead, this::ctlLine, warn);
        loop.register(ctlRead, Epoll.IN, events -> reader.readOnce());
    }

    /**
     * Hibernation: ctl's read and write sides, winsz's read and write sides, for the guardian to keep; null while
     * winsz is read (terminal mode, whose pty stays with a running monitor).
     */
    public int[] descriptors() {
        return watchingWinsz ? null : new int[] {ctlRead, ctlWrite, winszRead, winszWrite};
    }

    /** mkfifo (replacing what is there), then a non-blocking read side and a blocking write side. */
    private static int[] setUp(String path, String what) throws SetupException {
        try {
            Fs.mkfifo(path, MODE);
        } catch (NativeCallException e) {
            if (e.errno() == Fs.EEXIST) {
                try {
                    Fs.unlinkIfExists(path);
                } catch (NativeCallException ignored) {
                    // conmon ignores it too: the second mkfifo reports the problem
                }
                try {
                    Fs.mkfifo(path, MODE);
                } catch (NativeCallException again) {
                    throw new SetupException("Failed to mkfifo at " + path, again);
                }
            }
            // other errors: like conmon, let the open below report them
        }
        int read;
        try {
            read = Sys.open(path, Sys.O_RDONLY | Sys.O_NONBLOCK | Sys.O_CLOEXEC, 0);
        } catch (NativeCallException e) {
            throw new SetupException("Failed to open " + what + " read half", e);
        }
        try {
            // does not block: the read side above is open
            return new int[] {read, Sys.open(path, Sys.O_WRONLY | Sys.O_CLOEXEC, 0)};
        } catch (NativeCallException e) {
            Sys.closeQuietly(read);
            throw new SetupException("Failed to open " + what + " write half", e);
        }
    }

    /** One ctl line (conmon-behaviour.md §6.1); false rejects it and drops the rest of the read. */
    private boolean ctlLine(byte[] buf, int start, int end) throws IOException {
        int[] v = new int[3];
        if (CtlScanner.scanInts(buf, start, end, v) != 3) {
            warn.accept("Invalid control message format");
            return false;
        }
        int type = v[0], height = v[1], width = v[2];
        if (type != WIN_RESIZE_EVENT && type != REOPEN_LOGS_EVENT) {
            warn.accept("Invalid control message type: " + type);
            return false;
        }
        if (!validSize(height, width)) {
            return false;
        }
        if (type == WIN_RESIZE_EVENT && resizeListener != null) {
            // The pty exists: apply it now rather than through the winsz FIFO and one more loop
            // turn (as conmon-v3 does); a process that runs `stty size` at once must see it.
            resizeListener.onResize(height, width);
            return true;
        }
        if (type == WIN_RESIZE_EVENT) {
            return forwardResize(height, width);
        }
        reopener.reopenLogs();
        return true;
    }

    private boolean validSize(int height, int width) {
        if (height < 0 || width < 0 || height > MAX_DIMENSION || width > MAX_DIMENSION) {
            warn.accept("Invalid window size: " + height + "x" + width + " (must be between 0 and 1000)");
            return false;
        }
        return true;
    }

    /**
     * Writes "H W\n" into winsz; the write is atomic (well under PIPE_BUF)
     * and never blocks. A full FIFO drops the resize with one warning per run
     * of drops, and the line still counts as processed: a full winsz is a
     * state, not a malformed message (conmon would block here instead).
     */
    private boolean forwardResize(int height, int width) {
        byte[] line = (height + " " + width + "\n").getBytes(StandardCharsets.US_ASCII);
        try {
            Sys.writeAll(winszWrite, line);
            droppingResizes = false;
        } catch (NativeCallException e) {
            if (e.errno() != Sys.EAGAIN) {
                warn.accept("Failed to write to window resizing fd. A resize event may have been dropped");
                return false;
            }
            if (!droppingResizes) {
                warn.accept("Failed to write to window resizing fd. A resize event may have been dropped"
                        + " (winsz FIFO full: nobody reads it without a terminal; further drops not reported)");
                droppingResizes = true;
            }
        }
        return true;
    }

    /**
     * Starts reading winsz (terminal mode, once the pty master is there):
     * each valid {@code "H W\n"} line (0..1000 each) goes to the listener,
     * including lines written before this call.
     */
    public void watchWinsz(ResizeListener listener) throws IOException {
        if (watchingWinsz) {
            throw new IllegalStateException("winsz is already being read");
        }
        resizeListener = listener;
        loop.register(winszRead, Epoll.IN, winszHandler);
        watchingWinsz = true;
        // Sizes written before the pty existed (Podman's exec sets the size before start byte #2)
        // apply now, not one loop turn later: the process may already be running stty. The reader
        // and its handler were made in open(), so this path binds and loads nothing new.
        winszReader.readOnce();
    }

    private boolean winszLine(byte[] buf, int start, int end) throws IOException {
        int[] v = sizeScratch;
        if (CtlScanner.scanInts(buf, start, end, v) != 2) {
            warn.accept("Failed to parse window size");
            return false;
        }
        if (!validSize(v[0], v[1])) {
            return false;
        }
        resizeListener.onResize(v[0], v[1]);
        return true;
    }

    public String ctlPath() {
        return ctlPath;
    }

    public String winszPath() {
        return winszPath;
    }

    /** Stops reading and closes the four descriptors; the FIFOs stay in the bundle. */
    @Override
    public void close() {
        ctlRead = closeRegistered(ctlRead);
        winszRead = closeRegistered(winszRead);
        Sys.closeQuietly(ctlWrite);
        Sys.closeQuietly(winszWrite);
        ctlWrite = winszWrite = -1;
    }

    private int closeRegistered(int fd) {
        if (fd >= 0) {
            try {
                loop.unregister(fd);
            } catch (NativeCallException e) {
                warn.accept("Failed to stop watching fd " + fd + ": " + e.getMessage());
            }
            Sys.closeQuietly(fd);
        }
        return -1;
    }
}
