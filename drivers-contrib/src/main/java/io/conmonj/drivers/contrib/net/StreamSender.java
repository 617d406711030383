package io.conmonj.drivers.contrib.net;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

/**
 * A stream connection to a collector (TCP or a unix stream socket) that is made again when it breaks.
 *
 * <p>{@link #send} writes a whole message or blocks: when the connection fails it is closed, and the message is
 * sent again, from its start, on a new connection, after a back-off delay; this repeats until it succeeds (or, with a
 * retry limit, until the limit is reached). The peer sees at most a truncated copy on the broken connection, which
 * every framing used here (octet counting, newline, NUL, msgpack) lets it discard. One warning is given when a
 * connection is lost and one when it is back, not one per attempt.
 *
 * <p>When the container has exited ({@link #giveUpAfter}), the blocking ends: a send may still reconnect until the
 * deadline, after it a send that has no connection fails at once, so a collector that stays away cannot hold back the
 * container's exit status.
 *
 * <p>Not thread-safe, but for {@link #giveUpAfter}: the host calls a driver from one thread at a time, and tells it
 * of the container's exit from the event loop.
 */
public final class StreamSender implements Closeable {
    /** How long one TCP connection attempt may take (a collector that drops SYNs must not stall for minutes). */
    static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private final Endpoint endpoint;
    private final SocketAddress address;
    private final Backoff backoff;
    private final Consumer<String> warnings;
    private final int maxRetries;
    /** Volatile: the give-up timer may close it from its own thread. */
    private volatile SocketChannel channel;
    /** A send is in progress (on the driver's thread); read by the give-up timer. */
    private volatile boolean sending;
    private long outageStartNanos = -1;
    private boolean closed;
    /** Set from another thread by {@link #giveUpAfter}; ends every back-off sleep. */
    private final ExitDeadline deadline = new ExitDeadline();

    /**
     * @param address    {@code endpoint.resolve()}
     * @param maxRetries reconnection attempts per message before {@link #send} gives up with an exception;
     *                   negative: no limit (block until the collector is back)
     */
    public StreamSender(Endpoint endpoint, SocketAddress address, Backoff backoff, int maxRetries,
                        Consumer<String> warnings) {
        if (!endpoint.transport().isStream()) {
            throw new IllegalArgumentException("not a stream transport: " + endpoint);
        }
        this.endpoint = endpoint;
        this.address = address;
        this.backoff = backoff;
        this.maxRetries = maxRetries;
        this.warnings = warnings;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /**
     * From now on, wait at most {@code millis} in all for the collector (drivers call this from
     * {@code LogDriver.containerExited()}); may be called from any thread.
     */
    public void giveUpAfter(long millis) {
        if (!deadline.start(millis)) {
            return; // the first notice counts (the monitor may give it twice); sleepers are woken by start()
        }
        // A collector that accepted the connection but stopped reading leaves a write blocked in the kernel, where no
        // deadline reaches it: at the deadline, a send still in progress has its connection closed under it.
        Thread.ofPlatform().daemon().name("log-give-up").start(() -> {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                return;
            }
            SocketChannel ch = channel;
            if (sending && ch != null) {
                closeQuietly(ch); // the blocked write fails with AsynchronousCloseException
            }
        });
    }

    /** {@code wanted}, or less if the deadline set by {@link #giveUpAfter} is nearer; 0 once it has passed. */
    public long millisLeft(long wanted) {
        return deadline.millisLeft(wanted);
    }

    /** Connects now, once; drivers call it when they open, so that a refused connection is a start-up error. */
    public void connect() throws IOException {
        if (channel == null) {
            channel = open();
        }
    }

    public boolean isConnected() {
        return channel != null;
    }

    /** The open connection, connecting first if needed (for protocols that read replies, such as fluentd's ack). */
    public SocketChannel channel() throws IOException {
        connect();
        return channel;
    }

    /**
     * Writes {@code message} (all remaining bytes of the buffers, in order) on the connection, reconnecting as
     * needed. On return every buffer's position is at its limit.
     *
     * @throws IOException when the retry limit is reached, the sender is closed, or the thread is interrupted
     */
    public void send(ByteBuffer... message) throws IOException {
        int[] starts = new int[message.length];
        for (int i = 0; i < message.length; i++) {
            starts[i] = message[i].position();
        }
        sending = true;
        try {
            sendWhole(message, starts);
        } finally {
            sending = false;
        }
    }

    private void sendWhole(ByteBuffer[] message, int[] starts) throws IOException {
        int attempt = 0;
        while (true) {
            if (closed) {
                throw new IOException("connection to " + endpoint + " is closed");
            }
            if (channel == null && deadline.passed()) {
                throw new IOException(endpoint + ": not reachable, and the container has exited: giving up");
            }
            try {
                connect();
                write(message);
                recovered();
                return;
            } catch (InterruptedIOException e) {
                throw e;
            } catch (IOException e) {
                disconnect(e);
                if (maxRetries >= 0 && attempt >= maxRetries) {
                    throw new IOException(endpoint + ": " + describe(e) + " (gave up after " + attempt
                            + (attempt == 1 ? " retry)" : " retries)"), e);
                }
                attempt++;
                pause(backoff);
                for (int i = 0; i < message.length; i++) {
                    message[i].position(starts[i]);
                }
            }
        }
    }

    /** Drops the connection after a failure seen elsewhere (a bad reply); the next send reconnects. */
    public void disconnect(IOException cause) {
        if (channel != null) {
            closeQuietly(channel);
            channel = null;
        }
        if (outageStartNanos < 0) {
            outageStartNanos = System.nanoTime();
            warnings.accept("lost connection to " + endpoint + ": " + describe(cause) + "; reconnecting");
        }
    }

    private void recovered() {
        backoff.reset();
        if (outageStartNanos >= 0) {
            long millis = (System.nanoTime() - outageStartNanos) / 1_000_000;
            outageStartNanos = -1;
            warnings.accept("reconnected to " + endpoint + " after " + millis + " ms");
        }
    }

    private void write(ByteBuffer[] message) throws IOException {
        long remaining = 0;
        for (ByteBuffer b : message) {
            remaining += b.remaining();
        }
        while (remaining > 0) {
            remaining -= channel.write(message);
        }
    }

    private SocketChannel open() throws IOException {
        boolean inet = address instanceof InetSocketAddress;
        SocketChannel ch = inet ? SocketChannel.open() : SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            if (inet) {
                // the socket adapter's connect is the one with a timeout
                ch.socket().connect(address, (int) Math.max(1, millisLeft(CONNECT_TIMEOUT_MILLIS)));
                ch.socket().setTcpNoDelay(true);
                ch.socket().setKeepAlive(true);
            } else {
                ch.connect(address);
            }
            return ch;
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    /**
     * Waits the next delay of {@code b} before another attempt; ends early when the container's exit deadline
     * ({@link #giveUpAfter}) comes, also one set while waiting. For protocols that retry on their own (fluentd's
     * acks), with a back-off of their own.
     */
    public void pause(Backoff b) throws InterruptedIOException {
        try {
            deadline.sleep(b.nextDelayMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reconnecting to " + endpoint);
        }
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isEmpty() ? e.getClass().getSimpleName() : m;
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing more to lose
        }
    }

    @Override
    public void close() {
        closed = true;
        if (channel != null) {
            closeQuietly(channel);
            channel = null;
        }
    }
}
