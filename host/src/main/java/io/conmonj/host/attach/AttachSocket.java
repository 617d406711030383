package io.conmonj.host.attach;

import io.conmonj.host.sys.UnixSocket;
import io.conmonj.host.sys.SetupException;
import io.conmonj.host.loop.EventLoop;
import io.conmonj.host.sys.Epoll;
import io.conmonj.host.sys.Fs;
import io.conmonj.host.sys.NativeCallException;
import io.conmonj.host.sys.Sys;
import io.conmonj.host.sys.UnixSeqpacket;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The attach socket (conmon-behaviour.md §5): an {@code AF_UNIX}/{@code SOCK_SEQPACKET}
 * listener named {@code attach} in the bundle, through which Podman streams
 * the container's output to the user and the user's input to the container.
 *
 * <ul>
 * <li>Output: {@link #broadcast} sends each chunk read from the container as
 * one packet, {@code [2|3] + data} (at most 8192 data bytes, 8193 in all: a
 * bigger packet would be cut by the client's 8193-byte read), to every
 * client whose write side is open. Sends are blocking, as in conmon (a client
 * that stops reading stalls the monitor, conmon-behaviour.md §16.12); a failed send shuts
 * that client's write side and it gets no more output.</li>
 * <li>Input: each packet a client sends (read into a 32768-byte buffer) goes
 * unframed to the {@link StdinSink}. While the sink does not accept (the
 * container has not taken the last packet yet), no client is read: their
 * input waits in their socket buffers, and they block, until the sink says
 * it accepts again (back-pressure, as in conmon: input is never dropped for
 * lack of room, and output keeps flowing meanwhile). When a client's input ends (it
 * half-closed, went away, or failed) its read side is shut and the monitor's
 * {@code onClientInputClosed} callback runs (the monitor closes container
 * stdin there with {@code -i} and without {@code --leave-stdin-open}). A
 * client that half-closed keeps receiving output: Podman relies on it.</li>
 * <li>A client is closed when both of its directions are shut.</li>
 * </ul>
 *
 * Everything runs on the monitor's {@link EventLoop}; the listener is
 * non-blocking, accepted clients are blocking (only ever read when epoll
 * says so).
 */
public final class AttachSocket {
    /** Stream bytes of the framing (1 = stdin is defined by conmon but never sent). */
    public static final int STDOUT = 2, STDERR = 3;
    /** Largest data part of one packet. */
    public static final int MAX_DATA = 8192;
    /** Size of the buffer client packets are read into (longer packets are cut). */
    public static final int INPUT_BUFFER = 32768;
    public static final int BACKLOG = 10;
    /**
     * Deliberate improvement over conmon, which has no limit: past this many
     * simultaneous clients a new connection is accepted, refused with a
     * warning and closed at once (the client sees end of file).
     */
    public static final int MAX_CLIENTS = 128;
    public static final String NAME = "attach";
    /** Of the socket (fchmod before bind, chmod after): srwx------. */
    public static final int MODE = 0700;

    private final EventLoop loop;
    private final StdinSink stdin;
    private final Runnable onClientInputClosed;
    private final Consumer<String> warn;
    private final String socketPath;
    private final String symlinkPath;
    private final List<Client> clients = new ArrayList<>();
    private final byte[] packet = new byte[1 + MAX_DATA];
    private final byte[] input = new byte[INPUT_BUFFER];
    private int listener = -1;
    /**
     * The listener alone in an epoll set of its own: a wait of zero says whether a connection is waiting, without
     * the socket and file that a failing accept4 allocates and frees in the kernel (a few microseconds at every
     * chunk of output). Null if it could not be made: then every chunk tries an accept.
     */
    private Epoll backlog;
    private boolean socketUnlinked, symlinkRemoved;

    private AttachSocket(EventLoop loop, String socketPath, String symlinkPath, StdinSink stdin,
                         Runnable onClientInputClosed, Consumer<String> warn) {
        this.loop = loop;
        this.socketPath = socketPath;
        this.symlinkPath = symlinkPath;
        this.stdin = stdin;
        this.onClientInputClosed = onClientInputClosed;
        this.warn = warn;
        stdin.onAccepting(this::resumeInput);
    }

    /**
     * Where the socket goes (conmon-behaviour.md §5.1). With {@code --full-attach} it is
     * {@code BUNDLE/attach}; otherwise a symlink {@code <socketDir>/<cuuid>}
     * → BUNDLE is made first and the socket is reached through it.
     *
     * @param bundle     {@code --bundle}
     * @param fullAttach {@code --full-attach}
     * @param socketDir  {@code --socket-dir-path} (only without full attach)
     * @param cuuid      {@code --cuuid} (only without full attach)
     */
    public record Placement(String bundle, boolean fullAttach, String socketDir, String cuuid) {
        public static Placement fullAttach(String bundle) {
            return new Placement(bundle, true, null, null);
        }

        public static Placement viaSymlink(String bundle, String socketDir, String cuuid) {
            return new Placement(bundle, false, socketDir, cuuid);
        }

        /**
         * The symlink path without full attach: {@code socketDir/cuuid}, cut
         * by one byte when exactly 107 bytes long (sun_path size − 1; 2.x
         * truncates only then), else null.
         */
        public String symlinkPath() {
            if (fullAttach) {
                return null;
            }
            String path = buildFilename(socketDir, cuuid);
            byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
            if (bytes.length == UnixSeqpacket.MAX_PATH_BYTES) {
                path = new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            return path;
        }

        /** The directory the socket path is built on: the bundle or the symlink. */
        public String parentDir() {
            return fullAttach ? bundle : symlinkPath();
        }

        /** The socket's path as clients use it. */
        public String socketPath() {
            return buildFilename(parentDir(), NAME);
        }
    }

    /**
     * Creates the socket and starts accepting clients on {@code loop}. Fatal
     * setup failures carry conmon's texts.
     *
     * @param stdin               receives client input ({@link StdinSink#DISCARD} without -i/-t)
     * @param onClientInputClosed runs each time a client's input ends
     * @param warn                warning sink (the monitor's nwarn)
     */
    public static AttachSocket open(Placement placement, EventLoop loop, StdinSink stdin,
                                    Runnable onClientInputClosed, Consumer<String> warn)
            throws SetupException, NativeCallException {
        String symlink = placement.symlinkPath();
        if (symlink != null) {
            try {
                Fs.unlinkIfExists(symlink);
            } catch (NativeCallException e) {
                throw new SetupException("Failed to remove existing symlink for socket directory " + symlink, e);
            }
            try {
                Fs.symlink(placement.bundle(), symlink);
            } catch (NativeCallException e) {
                // sic: conmon's text, observed by callers
                throw new SetupException("Failed to create symlink for notify socket", e);
            }
        }
        AttachSocket socket = new AttachSocket(loop, placement.socketPath(), symlink, stdin, onClientInputClosed, warn);
        try {
            socket.bindAndListen(placement.parentDir());
        } catch (SetupException | RuntimeException e) {
            socket.abandon();
            throw e;
        }
        return socket;
    }

    /**
     * A resumed monitor (hibernation): the listening socket its predecessor made, kept by the guardian meanwhile;
     * connections that arrived in between wait in its backlog and are accepted now. Nothing is created or removed.
     */
    public static AttachSocket adopt(Placement placement, int listener, EventLoop loop, StdinSink stdin,
                                     Runnable onClientInputClosed, Consumer<String> warn) throws NativeCallException {
        AttachSocket socket = new AttachSocket(loop, placement.socketPath(), placement.symlinkPath(), stdin,
                onClientInputClosed, warn);
        Sys.setNonBlocking(listener);
        socket.listener = listener;
        loop.register(listener, Epoll.IN, events -> socket.acceptOne());
        socket.backlog = socket.watchBacklog(listener);
        return socket;
    }

    /**
     * Hibernation: the listening socket, for the guardian to keep while no monitor runs; -1 if it is closed. Only
     * with no client connected (a client's stream is state this JVM holds).
     */
    public int listenerFd() {
        return listener;
    }

    /**
     * Hibernation, after the guardian took its copy of the listener: closes ours, and leaves the socket file and
     * the symlink where they are, for the next monitor.
     */
    public void handedOff() {
        for (int i = clients.size() - 1; i >= 0; i--) {
            clients.get(i).close();
        }
        if (listener >= 0) {
            unregister(listener);
            closeListener();
        }
        socketUnlinked = symlinkRemoved = true;
    }

    /**
     * The {@code onClientInputClosed} policy of conmon-behaviour.md §5.5: with {@code -i}
     * and without {@code --leave-stdin-open}, container stdin is closed when
     * a client's input ends (later clients cannot feed it anymore); otherwise
     * nothing happens ({@code info} gets conmon's "Not closing input" when
     * stdin stays open on purpose).
     */
    public static Runnable closeStdinOnDetach(StdinSink stdin, boolean interactive, boolean leaveStdinOpen,
                                              Consumer<String> info) {
        if (!interactive) {
            return () -> { };
        }
        if (leaveStdinOpen) {
            return () -> info.accept("Not closing input");
        }
        return stdin::closeStdin;
    }

    private void bindAndListen(String parentDir) throws SetupException, NativeCallException {
        int parentFd;
        try {
            parentFd = Fs.openPath(parentDir);
        } catch (NativeCallException e) {
            throw new SetupException("failed to open socket path parent dir " + parentDir, e);
        }
        try {
            // bound through /proc/self/fd so that bundle paths of any length work
            String address = "/proc/self/fd/" + parentFd + "/" + NAME;
            try {
                listener = UnixSeqpacket.socket(true);
            } catch (NativeCallException e) {
                throw new SetupException("Failed to create socket " + socketPath, e);
            }
            try {
                Fs.fchmod(listener, MODE);
            } catch (NativeCallException e) {
                throw new SetupException("Failed to change socket permissions " + socketPath, e);
            }
            try {
                Fs.unlinkIfExists(socketPath);
            } catch (NativeCallException e) {
                throw new SetupException("Failed to remove existing socket: " + socketPath, e);
            }
            try {
                UnixSeqpacket.bind(listener, address);
            } catch (NativeCallException e) {
                throw new SetupException("Failed to bind socket: " + socketPath, e);
            }
            try {
                Fs.chmod(socketPath, MODE);
            } catch (NativeCallException e) {
                throw new SetupException("Failed to change socket permissions " + socketPath, e);
            }
        } finally {
            Sys.closeQuietly(parentFd);
        }
        try {
            UnixSeqpacket.listen(listener, BACKLOG);
        } catch (NativeCallException e) {
            throw new SetupException("Failed to listen on attach socket: " + socketPath, e);
        }
        loop.register(listener, Epoll.IN, events -> acceptOne());
        backlog = watchBacklog(listener);
    }

    private Epoll watchBacklog(int fd) {
        Epoll set = null;
        try {
            set = new Epoll();
            set.add(fd, Epoll.IN);
            return set;
        } catch (NativeCallException e) {
            if (set != null) {
                set.close();
            }
            return null;
        }
    }

    private void closeListener() {
        Sys.closeQuietly(listener);
        listener = -1;
        if (backlog != null) {
            backlog.close();
            backlog = null;
        }
    }

    /** Cleanup after a failed setup: the monitor is about to exit. */
    private void abandon() {
        closeListener();
        if (symlinkPath != null) {
            try {
                Fs.unlinkIfExists(symlinkPath);
            } catch (NativeCallException ignored) {
                // best effort
            }
        }
    }

    /** Accepts one pending connection; false when none is pending (or accept failed). */
    private boolean acceptOne() {
        int fd;
        try {
            fd = UnixSeqpacket.accept(listener);
        } catch (NativeCallException e) {
            warn.accept("Failed to accept client connection on attach socket: " + e.reason());
            return false;
        }
        if (fd == UnixSocket.WOULD_BLOCK) {
            return false;
        }
        if (clients.size() >= MAX_CLIENTS) {
            warn.accept("Refusing attach client: already " + MAX_CLIENTS + " clients connected");
            Sys.closeQuietly(fd);
            return true;
        }
        Client client = new Client(fd);
        if (stdin.accepting()) {
            if (!client.watch(Epoll.IN)) {
                Sys.closeQuietly(fd);
                return true;
            }
        } else {
            client.paused = true; // read once the sink accepts again, like the others
        }
        clients.add(client);
        return true;
    }

    /** The sink stopped accepting: no client is read until {@link #resumeInput}. */
    private void pauseInput() {
        for (Client client : clients) {
            if (client.readable && !client.paused) {
                client.paused = true;
                client.unwatch();
            }
        }
    }

    /** The sink accepts again: every paused client is read again. */
    private void resumeInput() {
        for (int i = clients.size() - 1; i >= 0; i--) {
            Client client = clients.get(i);
            if (client.paused) {
                client.paused = false;
                if (client.readable && !client.watch(Epoll.IN)) {
                    client.close();
                }
            }
        }
    }

    /**
     * Accepts every connection waiting in the backlog. A client whose
     * connect() returned before some output was read must get that output
     * (and a clean EOF at the end, not a reset), whatever order epoll reports
     * the listener and the container's pipes in. Deliberately stricter than
     * conmon, where that order decides.
     */
    private void acceptPending() {
        if (listener >= 0 && connectionWaiting()) {
            while (acceptOne()) {
                // keep accepting
            }
        }
    }

    /** Whether the listener's backlog holds a connection (true when that cannot be told: accept decides). */
    private boolean connectionWaiting() {
        if (backlog == null) {
            return true;
        }
        try {
            return backlog.await(0) > 0;
        } catch (NativeCallException e) {
            return true;
        }
    }

    /**
     * Sends {@code buf[off..off+len)} to every client whose write side is
     * open, as one packet {@code stream + data} per 8192 data bytes.
     *
     * @param stream {@link #STDOUT} or {@link #STDERR} (terminal mode: always STDOUT)
     */
    public void broadcast(int stream, byte[] buf, int off, int len) {
        acceptPending();
        if (clients.isEmpty()) {
            return; // the usual case: no copy of the chunk into the packet
        }
        packet[0] = (byte) stream;
        while (len > 0) {
            int n = Math.min(len, MAX_DATA);
            System.arraycopy(buf, off, packet, 1, n);
            // backwards: a client whose send fails may be removed
            for (int i = clients.size() - 1; i >= 0; i--) {
                Client client = clients.get(i);
                if (client.writable) {
                    client.send(n + 1);
                }
            }
            off += n;
            len -= n;
        }
    }

    /** Clients holding a descriptor (either direction still open). */
    public int clientCount() {
        return clients.size();
    }

    public String socketPath() {
        return socketPath;
    }

    /** The {@code <socket-dir>/<cuuid>} symlink, or null with full attach. */
    public String symlinkPath() {
        return symlinkPath;
    }

    /**
     * Container exit, after the final drain: closes every client (they see
     * end of file) and the listener. The socket file stays until
     * {@link #unlinkSocket}.
     */
    public void closeClients() {
        acceptPending(); // so they see EOF rather than a reset
        for (int i = clients.size() - 1; i >= 0; i--) {
            clients.get(i).close();
        }
        if (listener >= 0) {
            unregister(listener);
            closeListener();
        }
    }

    /** Removes the socket file (after the exit files, conmon-behaviour.md §10.4). */
    public void unlinkSocket() {
        if (socketUnlinked) {
            return;
        }
        socketUnlinked = true;
        try {
            Fs.unlinkIfExists(socketPath);
        } catch (NativeCallException e) {
            warn.accept("Failed to remove attach socket " + socketPath + ": " + e.reason());
        }
    }

    /** Removes the {@code <socket-dir>/<cuuid>} symlink, if any (an exit hook in conmon). */
    public void removeSymlink() {
        if (symlinkPath == null || symlinkRemoved) {
            return;
        }
        symlinkRemoved = true;
        try {
            Fs.unlinkIfExists(symlinkPath);
        } catch (NativeCallException e) {
            warn.accept("Failed to remove symlink for attach socket directory " + symlinkPath + ": " + e.reason());
        }
    }

    /** {@link #closeClients}, {@link #unlinkSocket}, {@link #removeSymlink}, in that order. */
    public void closeAll() {
        closeClients();
        unlinkSocket();
        removeSymlink();
    }

    private void unregister(int fd) {
        try {
            loop.unregister(fd);
        } catch (NativeCallException e) {
            warn.accept("Failed to stop watching fd " + fd + ": " + e.getMessage());
        }
    }

    /**
     * {@code g_build_filename(a, b)} for the cases at hand: one separator
     * between the parts, whatever their own trailing/leading slashes; empty
     * parts are skipped.
     */
    static String buildFilename(String dir, String name) {
        if (dir == null || dir.isEmpty()) {
            return name;
        }
        int end = dir.length();
        while (end > 1 && dir.charAt(end - 1) == '/') {
            end--;
        }
        int start = 0;
        while (start < name.length() && name.charAt(start) == '/') {
            start++;
        }
        String head = dir.substring(0, end);
        String tail = name.substring(start);
        if (tail.isEmpty()) {
            return head;
        }
        return head.endsWith("/") ? head + tail : head + "/" + tail;
    }

    /** One accepted connection. */
    private final class Client {
        private final int fd;
        private boolean readable = true, writable = true;
        private boolean open = true;
        /** Registered with the loop (not while paused). */
        private boolean watched;
        /** Not read while the sink does not accept. */
        private boolean paused;

        Client(int fd) {
            this.fd = fd;
        }

        /** Registers with the loop for {@code events}; false (warned) if that failed. */
        boolean watch(int events) {
            try {
                loop.register(fd, events, this::ready);
                watched = true;
                return true;
            } catch (NativeCallException e) {
                warn.accept("Failed to watch attach client: " + e.getMessage());
                return false;
            }
        }

        void unwatch() {
            if (watched) {
                watched = false;
                unregister(fd);
            }
        }

        /** epoll callback: IN while input is read; afterwards only HUP/ERR (events mask 0). */
        void ready(int events) {
            if (!open) {
                return;
            }
            if (readable) {
                if (!stdin.accepting()) {
                    pauseInput(); // an event of a batch that came before the pause
                } else if ((events & Epoll.IN) != 0) {
                    readPacket();
                } else if ((events & (Epoll.HUP | Epoll.ERR)) != 0) {
                    endInput();
                }
            } else if ((events & (Epoll.HUP | Epoll.ERR)) != 0) {
                // the peer is gone entirely: nothing can be sent to it anymore
                shut(UnixSocket.SHUT_WR);
            }
        }

        private void readPacket() {
            int n;
            try {
                n = UnixSocket.recv(fd, input, INPUT_BUFFER, UnixSocket.MSG_DONTWAIT);
            } catch (NativeCallException e) {
                warn.accept("Failed to read from attach client: " + e.reason());
                endInput();
                return;
            }
            if (n > 0) {
                stdin.write(input, 0, n);
                if (!stdin.accepting()) {
                    pauseInput();
                }
            } else if (n == 0) {
                endInput();
            }
        }

        /**
         * The client's input ended: shut our read side and tell the monitor.
         * If the client still takes output it stays, watched for HUP/ERR
         * only (epoll always reports those; an events mask of 0 asks for
         * nothing else), so that a client that then goes away is closed at
         * once rather than on the next failed send as in conmon.
         */
        private void endInput() {
            shut(UnixSocket.SHUT_RD);
            if (open) {
                unwatch();
                watch(0);
            }
            onClientInputClosed.run();
        }

        void send(int length) {
            try {
                int n = UnixSocket.send(fd, packet, length, UnixSocket.MSG_NOSIGNAL);
                if (n == length) {
                    return;
                }
            } catch (NativeCallException e) {
                // falls through
            }
            warn.accept("Failed to write to remote console socket");
            shut(UnixSocket.SHUT_WR);
        }

        /** Shuts one direction; closes the client when both are shut. */
        private void shut(int how) {
            try {
                UnixSocket.shutdown(fd, how);
            } catch (NativeCallException ignored) {
                // conmon ignores it too: the flags below decide
            }
            if (how == UnixSocket.SHUT_RD) {
                readable = false;
                paused = false;
            } else {
                writable = false;
            }
            if (!readable && !writable) {
                close();
            }
        }

        void close() {
            if (!open) {
                return;
            }
            open = false;
            unwatch();
            Sys.closeQuietly(fd);
            clients.remove(this);
        }
    }
}
