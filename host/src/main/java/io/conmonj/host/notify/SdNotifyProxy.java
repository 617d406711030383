package io.conmonj.host.notify;

import io.conmonj.host.loop.EventLoop;
import io.conmonj.host.sys.UnixSocket;
import io.conmonj.host.sys.Epoll;
import io.conmonj.host.sys.Fs;
import io.conmonj.host.sys.NativeCallException;
import io.conmonj.host.sys.SetupException;
import io.conmonj.host.sys.Sys;
import io.conmonj.host.sys.UnixDatagram;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The sd-notify proxy (conmon-behaviour.md §12): binds {@code BUNDLE/notify/notify.sock} (mode 0777: any user in the
 * container may notify) before the runtime starts; each datagram the container sends is filtered by
 * {@link NotifyFilter} and relayed to the host's socket. Failing to bind is fatal, as in conmon; failing to
 * relay is a warning (the host's socket may come and go). The socket file is removed on close.
 *
 * Bounded: one datagram of at most {@link #MAX_DATAGRAM} bytes is read per wake-up, and while the host's
 * queue is full at most {@link #MAX_PENDING} messages wait (the oldest is dropped with a warning), so a
 * container flooding the socket costs neither unbounded memory nor the loop's other sources their turn.
 */
public final class SdNotifyProxy implements AutoCloseable {
    /** conmon's receive buffer; a longer datagram is cut by the kernel. */
    static final int MAX_DATAGRAM = 32768;
    static final int MAX_PENDING = 16;
    static final String DIRECTORY = "notify", NAME = "notify.sock";
    private static final int MODE = 0777;
    private static final int ECONNREFUSED = 111, ENOTCONN = 107, ECONNRESET = 104;
    /** A datagram to Podman never blocks the loop and never raises SIGPIPE. */
    private static final int SEND_FLAGS = UnixSocket.MSG_DONTWAIT | UnixSocket.MSG_NOSIGNAL;

    private final EventLoop loop;
    private final String hostSocket;
    private final Consumer<String> warn;
    private final String socketPath;
    private final byte[] buffer = new byte[MAX_DATAGRAM];
    private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
    private int containerFd = -1;
    private int hostFd = -1;
    private boolean waitingForHost;

    private SdNotifyProxy(EventLoop loop, String bundle, String hostSocket, Consumer<String> warn) {
        this.loop = loop;
        this.hostSocket = hostSocket;
        this.warn = warn;
        this.socketPath = Path.of(bundle, DIRECTORY, NAME).toString();
    }

    /**
     * Binds the container's socket in {@code bundle/notify} (which Podman has created and bind-mounts into
     * the container) and relays to {@code hostSocket} (a path, or {@code @name} for an abstract address).
     */
    public static SdNotifyProxy open(String bundle, String hostSocket, EventLoop loop, Consumer<String> warn)
            throws SetupException, NativeCallException {
        SdNotifyProxy proxy = new SdNotifyProxy(loop, bundle, hostSocket, warn);
        try {
            proxy.bind(Path.of(bundle, DIRECTORY).toString());
            loop.register(proxy.containerFd, Epoll.IN, events -> proxy.relayOne());
        } catch (SetupException | NativeCallException | RuntimeException e) {
            proxy.close();
            throw e;
        }
        return proxy;
    }

    /** Where the container's socket is, as the host sees it. */
    public String socketPath() {
        return socketPath;
    }

    private void bind(String directory) throws SetupException {
        int dirFd;
        try {
            // the directory itself, never a symlink planted in its place: the bind must land in the bundle
            dirFd = UnixDatagram.openDirectoryNoFollow(directory);
        } catch (NativeCallException e) {
            throw new SetupException("Failed to open notify directory " + directory, e);
        }
        try {
            String address = "/proc/self/fd/" + dirFd + "/" + NAME; // bundle paths of any length
            try {
                containerFd = UnixDatagram.socket();
                Fs.fchmod(containerFd, MODE);
            } catch (NativeCallException e) {
                throw new SetupException("Failed to create notify socket " + socketPath, e);
            }
            try {
                Fs.unlinkIfExists(address); // left by an earlier monitor of the same bundle
                UnixDatagram.bind(containerFd, address);
                Fs.chmod(address, MODE); // bind applied the umask
            } catch (NativeCallException e) {
                throw new SetupException("Failed to bind notify socket " + socketPath, e);
            }
        } finally {
            Sys.closeQuietly(dirFd);
        }
    }

    /** One datagram from the container: filtered, then sent (or queued while the host's queue is full). */
    private void relayOne() throws NativeCallException {
        int n = UnixSocket.recv(containerFd, buffer, buffer.length, UnixSocket.MSG_DONTWAIT);
        if (n <= 0) {
            return; // WOULD_BLOCK, or an empty datagram
        }
        byte[] message = NotifyFilter.filter(buffer, n);
        if (message == null) {
            return;
        }
        if (pending.size() == MAX_PENDING) {
            pending.removeFirst();
            warn.accept("sd-notify: host socket " + hostSocket + " is not reading; dropped the oldest message");
        }
        pending.addLast(message);
        flush();
    }

    /** Sends what is pending until the host's queue is full (then waits for EPOLLOUT) or a send fails. */
    private void flush() throws NativeCallException {
        while (!pending.isEmpty()) {
            byte[] message = pending.peekFirst();
            int sent;
            try {
                sent = sendOnce(message);
            } catch (NativeCallException e) {
                // conmon warns and goes on with the next message
                warn.accept("sd-notify: failed to relay to " + hostSocket + ": " + e.getMessage());
                pending.removeFirst();
                disconnect();
                continue;
            }
            if (sent == UnixSocket.WOULD_BLOCK) {
                waitForHost(true);
                return;
            }
            pending.removeFirst();
        }
        waitForHost(false);
    }

    /**
     * One send; a connection that was refused or reset (the host's socket was re-created, e.g. by a service manager
     * that re-executed itself) is made again once, for the same message.
     */
    private int sendOnce(byte[] message) throws NativeCallException {
        boolean wasConnected = hostFd >= 0;
        try {
            return UnixSocket.send(connectedHostFd(), message, message.length, SEND_FLAGS);
        } catch (NativeCallException e) {
            if (!wasConnected || (e.errno() != ECONNREFUSED && e.errno() != ENOTCONN && e.errno() != ECONNRESET)) {
                throw e;
            }
            disconnect();
            return UnixSocket.send(connectedHostFd(), message, message.length, SEND_FLAGS);
        }
    }

    private int connectedHostFd() throws NativeCallException {
        if (hostFd >= 0) {
            return hostFd;
        }
        int fd = UnixDatagram.socket();
        try {
            if (hostSocket.startsWith("@")) {
                UnixDatagram.connect(fd, hostSocket);
            } else {
                connectByPath(fd);
            }
        } catch (NativeCallException | RuntimeException e) {
            Sys.closeQuietly(fd);
            throw e;
        }
        hostFd = fd;
        return fd;
    }

    /** Through {@code /proc/self/fd/N/NAME} of the parent directory, so that paths of any length work. */
    private void connectByPath(int fd) throws NativeCallException {
        Path path = Path.of(hostSocket);
        Path parent = path.toAbsolutePath().getParent();
        if (parent == null || path.getFileName() == null) {
            throw new NativeCallException("connect " + hostSocket, UnixDatagram.EINVAL); // "/" or ""
        }
        int parentFd = Fs.openPath(parent.toString());
        try {
            UnixDatagram.connect(fd, "/proc/self/fd/" + parentFd + "/" + path.getFileName());
        } finally {
            Sys.closeQuietly(parentFd);
        }
    }

    private void waitForHost(boolean wait) throws NativeCallException {
        if (wait == waitingForHost || hostFd < 0) {
            return;
        }
        if (wait) {
            loop.register(hostFd, Epoll.OUT, events -> flush());
        } else {
            loop.unregister(hostFd);
        }
        waitingForHost = wait;
    }

    private void disconnect() throws NativeCallException {
        if (hostFd < 0) {
            return;
        }
        if (waitingForHost) {
            loop.unregister(hostFd);
            waitingForHost = false;
        }
        Sys.closeQuietly(hostFd);
        hostFd = -1;
    }

    @Override
    public void close() {
        try {
            disconnect();
            if (containerFd >= 0) {
                loop.unregister(containerFd);
            }
        } catch (NativeCallException e) {
            warn.accept("sd-notify: " + e.getMessage());
        }
        if (containerFd >= 0) {
            Sys.closeQuietly(containerFd);
            containerFd = -1;
            try {
                Fs.unlinkIfExists(socketPath);
            } catch (NativeCallException e) {
                warn.accept("sd-notify: failed to remove " + socketPath + ": " + e.getMessage());
            }
        }
    }
}
