package io.conmonj.drivers.contrib.fluentd;

import io.conmonj.plugin.DriverOptions;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Waits for the server's answer to a message sent with the {@code chunk} option (Forward Protocol Specification
 * v1, "Response": a map {@code {"ack": CHUNK}}). Reads with a deadline, which blocking socket channels do not have,
 * by switching the channel to non-blocking mode around a {@link Selector}. Decodes only what a response may hold
 * (a map of str keys to str, int, nil or bool values) and fails on anything else.
 *
 * <p>The reply is the collector's, so it is hostile input: at most {@value #MAX_RESPONSE} bytes are read, the whole
 * wait ends at the timeout however the bytes trickle in, decoding is linear in the bytes read, and what the reply
 * says is quoted escaped in messages (which become warnings in the monitor's log). Every outcome is the ack, or an
 * {@link IOException} ({@link SocketTimeoutException} for the timeout).
 */
final class AckReader {
    /** The longest response read: {@code {"ack": CHUNK}} with a 24-character chunk id is 30 bytes. */
    static final int MAX_RESPONSE = 512;

    private final ByteBuffer in = ByteBuffer.allocate(MAX_RESPONSE);

    /**
     * Returns when {@code {"ack": chunk}} has been read.
     *
     * @throws SocketTimeoutException if it does not come in time
     * @throws IOException            if the connection ends, or the answer is not the expected ack
     */
    void await(SocketChannel channel, String chunk, long timeoutMillis) throws IOException {
        in.clear();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        channel.configureBlocking(false);
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_READ);
            while (true) {
                String ack = parse();
                if (ack != null) {
                    if (!ack.equals(chunk)) {
                        throw new IOException("acknowledged chunk " + DriverOptions.echo(ack) + " instead of '"
                                + chunk + "'");
                    }
                    return;
                }
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new SocketTimeoutException("no ack for chunk " + chunk + " within " + timeoutMillis + " ms");
                }
                selector.select(left);
                selector.selectedKeys().clear();
                if (!in.hasRemaining()) {
                    throw new IOException("ack response longer than " + MAX_RESPONSE + " bytes");
                }
                if (channel.read(in) < 0) {
                    throw new EOFException("connection closed before the ack of chunk " + chunk);
                }
            }
        } finally {
            // the selector is closed: the channel is deregistered and may block again
            channel.configureBlocking(true);
        }
    }

    /** The ack's value once a whole response is in the buffer; null while it is incomplete. */
    private String parse() throws IOException {
        return decode(in.array(), in.position());
    }

    /**
     * Decodes a response from {@code b[0..limit)}.
     *
     * @return the ack's value, or null while the response is incomplete
     * @throws IOException if the bytes are not a response (not a map, a key that is not a str, a value of another
     *                     type, no {@code ack}, bytes after the map)
     */
    static String decode(byte[] b, int limit) throws IOException {
        Cursor c = new Cursor(b, limit);
        try {
            int n = c.mapHeader();
            String ack = null;
            for (int i = 0; i < n; i++) {
                String key = c.str();
                Object value = c.scalar();
                if (key.equals("ack")) {
                    if (!(value instanceof String s)) {
                        throw new IOException("ack response: 'ack' is not a str");
                    }
                    ack = s;
                }
            }
            if (ack == null) {
                throw new IOException("response without 'ack'");
            }
            if (c.pos != limit) {
                throw new IOException("unexpected bytes after the ack response");
            }
            return ack;
        } catch (Underflow u) {
            return null;
        }
    }

    private static final class Underflow extends Exception {
        Underflow() {
            super(null, null, false, false);
        }
    }

    /** Reads MessagePack (spec "Formats") from {@code b[0..limit)}; {@link Underflow} when it stops short. */
    private static final class Cursor {
        final byte[] b;
        final int limit;
        int pos;

        Cursor(byte[] b, int limit) {
            this.b = b;
            this.limit = limit;
        }

        int u8() throws Underflow {
            if (pos >= limit) {
                throw new Underflow();
            }
            return b[pos++] & 0xff;
        }

        long un(int bytes) throws Underflow {
            long v = 0;
            for (int i = 0; i < bytes; i++) {
                v = v << 8 | u8();
            }
            return v;
        }

        int mapHeader() throws Underflow, IOException {
            int t = u8();
            if ((t & 0xf0) == 0x80) {
                return t & 0x0f;
            }
            if (t == 0xde) {
                return (int) un(2);
            }
            throw new IOException(String.format("ack response is not a map (first byte 0x%02x)", t));
        }

        String str() throws Underflow, IOException {
            Object o = scalar();
            if (!(o instanceof String s)) {
                throw new IOException("ack response: a key is not a str");
            }
            return s;
        }

        Object scalar() throws Underflow, IOException {
            int t = u8();
            int len;
            if ((t & 0xe0) == 0xa0) {
                len = t & 0x1f;
            } else if (t == 0xd9) {
                len = u8();
            } else if (t == 0xda) {
                len = (int) un(2);
            } else if (t <= 0x7f) {
                return (long) t;
            } else if (t >= 0xcc && t <= 0xcf) {
                return un(1 << (t - 0xcc));
            } else if (t == 0xc0) {
                return null;
            } else if (t == 0xc2 || t == 0xc3) {
                return t == 0xc3;
            } else {
                throw new IOException(String.format("unexpected format 0x%02x in the ack response", t));
            }
            if (pos + len > limit) {
                throw new Underflow();
            }
            String s = new String(b, pos, len, StandardCharsets.UTF_8);
            pos += len;
            return s;
        }
    }
}
