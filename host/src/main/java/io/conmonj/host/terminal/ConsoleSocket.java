package io.conmonj.host.terminal;

import io.conmonj.host.sys.UnixSocket;
import io.conmonj.host.sys.SetupException;
import io.conmonj.host.loop.EventLoop;
import io.conmonj.host.sys.Epoll;
import io.conmonj.host.sys.Fs;
import io.conmonj.host.sys.NativeCallException;
import io.conmonj.host.sys.Sys;
import io.conmonj.host.sys.TempName;
import io.conmonj.host.sys.UnixSeqpacket;
import io.conmonj.host.sys.UnixStream;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * The console socket of terminal mode (conmon-behaviour.md §9.1): the runtime is told
 * its path with {@code --console-socket}, connects once and sends the pty
 * master with {@code SCM_RIGHTS}.
 *
 * <ul>
 * <li>Path {@code <$TMPDIR or /tmp>/conmon-term.XXXXXX}: the name is reserved
 * with mkstemp, unlinked, and an {@code AF_UNIX}/{@code SOCK_STREAM} socket
 * (close-on-exec, mode 0700 set with fchmod before bind) is bound there and
 * listens with backlog 128.</li>
 * <li>On the first connection (on the {@link EventLoop}): accept, unlink the
 * path, close the listener, receive one message with a 4096-byte data buffer
 * (the pty's name, e.g. {@code /dev/ptmx}) and exactly one descriptor, close
 * the connection, and hand the descriptor to the {@link Receiver}.</li>
 * <li>Fatal failures (accept, a malformed message) are thrown out of the
 * loop's handler as a {@link SetupException} with conmon's text, so
 * {@code EventLoop.runUntil} fails with it; failing to unlink the path is a
 * warning.</li>
 * </ul>
 */
public final class ConsoleSocket implements AutoCloseable {
    public static final String NAME_TEMPLATE = "conmon-term.XXXXXX";
    public static final int BACKLOG = 128;
    /** Of the socket, set with fchmod before bind (conmon's). */
    public static final int MODE = 0700;

    /** Receives the pty master (close-on-exec, blocking) and the name the runtime sent with it. */
    @FunctionalInterface
    public interface Receiver {
        void consoleReceived(int master, String name) throws IOException;
    }

    private final EventLoop loop;
    private final String path;
    private final Receiver receiver;
    private final Consumer<String> warn;
    private int listener;
    private boolean received, pathRemoved;

    private ConsoleSocket(EventLoop loop, String path, int listener, Receiver receiver, Consumer<String> warn) {
        this.loop = loop;
        this.path = path;
        this.listener = listener;
        this.receiver = receiver;
        this.warn = warn;
    }

    /**
     * Creates the socket in GLib's temporary directory ({@code $TMPDIR} if set
     * and not empty, else {@code /tmp}) and starts listening on {@code loop}.
     *
     * @param receiver gets the pty master, once
     * @param warn     warning sink (the monitor's nwarn)
     */
    public static ConsoleSocket open(EventLoop loop, Receiver receiver, Consumer<String> warn)
            throws SetupException, NativeCallException {
        return open(tmpDir(System.getenv("TMPDIR")), loop, receiver, warn);
    }

    /** {@link #open(EventLoop, Receiver, Consumer)} in a given directory. */
    public static ConsoleSocket open(String dir, EventLoop loop, Receiver receiver, Consumer<String> warn)
            throws SetupException, NativeCallException {
        String path;
        try {
            path = TempName.reserve(buildFilename(dir, NAME_TEMPLATE));
        } catch (NativeCallException e) {
            throw new SetupException("Failed to generate random path for console-socket", e);
        }
        try {
            Fs.unlink(path);
        } catch (NativeCallException e) {
            throw new SetupException("Failed to unlink temporary random path", e);
        }
        int fd;
        try {
            fd = UnixStream.socket();
        } catch (NativeCallException e) {
            throw new SetupException("Failed to create socket", e);
        }
        try {
            try {
                Fs.fchmod(fd, MODE);
            } catch (NativeCallException e) {
                throw new SetupException("Failed to change console-socket permissions", e);
            }
            try {
                // like conmon's strncpy into sun_path, a longer path is cut at 107 bytes
                UnixSeqpacket.bind(fd, path);
            } catch (NativeCallException e) {
                throw new SetupException("Failed to bind to console-socket", e);
            }
            try {
                UnixSeqpacket.listen(fd, BACKLOG);
            } catch (NativeCallException e) {
                throw new SetupException("Failed to listen on console-socket", e);
            }
            ConsoleSocket socket = new ConsoleSocket(loop, path, fd, receiver, warn);
            loop.register(fd, Epoll.IN, events -> socket.acceptOne());
            return socket;
        } catch (SetupException | NativeCallException | RuntimeException e) {
            Sys.closeQuietly(fd);
            quietUnlink(path);
            throw e;
        }
    }

    /** GLib's {@code g_get_tmp_dir()}: {@code $TMPDIR} unless unset or empty, else {@code /tmp}. */
    static String tmpDir(String env) {
        return env == null || env.isEmpty() ? "/tmp" : env;
    }

    /** {@code g_build_filename(dir, name)} for a name without slashes. */
    static String buildFilename(String dir, String name) {
        int end = dir.length();
        while (end > 1 && dir.charAt(end - 1) == '/') {
            end--;
        }
        String head = dir.substring(0, end);
        return head.endsWith("/") ? head + name : head + "/" + name;
    }

    /** The path to pass to the runtime as {@code --console-socket}. */
    public String path() {
        return path;
    }

    /** True once the pty master has been received (conmon-behaviour.md §3.4: a runtime that succeeded without sending one is a failure). */
    public boolean received() {
        return received;
    }

    private void acceptOne() throws IOException {
        if (listener < 0) {
            return;
        }
        int conn;
        try {
            conn = UnixSeqpacket.accept(listener);
        } catch (NativeCallException e) {
            throw new SetupException("Failed to accept console-socket connection", e);
        }
        if (conn == UnixSocket.WOULD_BLOCK) {
            return; // the client gave up before being accepted
        }
        // Not accepting anything else.
        try {
            Fs.unlink(path);
        } catch (NativeCallException e) {
            warn.accept("failed to unlink " + path);
        }
        pathRemoved = true;
        closeListener();
        UnixStream.ReceivedFd console;
        try {
            console = UnixStream.receiveFd(conn);
        } catch (NativeCallException e) {
            throw new SetupException("Failed to receive console file descriptor", e);
        } finally {
            Sys.closeQuietly(conn);
        }
        received = true;
        receiver.consoleReceived(console.fd(), console.name());
    }

    private void closeListener() {
        if (listener >= 0) {
            try {
                loop.unregister(listener);
            } catch (NativeCallException e) {
                warn.accept("Failed to stop watching fd " + listener + ": " + e.getMessage());
            }
            Sys.closeQuietly(listener);
            listener = -1;
        }
    }

    /** Stops listening and removes the path if no runtime ever connected. Idempotent. */
    @Override
    public void close() {
        closeListener();
        if (!pathRemoved) {
            pathRemoved = true;
            quietUnlink(path);
        }
    }

    private static void quietUnlink(String path) {
        try {
            Fs.unlinkIfExists(path);
        } catch (NativeCallException ignored) {
            // best effort: cleanup on the way out
        }
    }
}
