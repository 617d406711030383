package io.conmonj.drivers.contrib.fluentd;

import io.conmonj.drivers.contrib.net.ByteSink;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The few MessagePack formats the Forward protocol needs, written into a reused {@link ByteSink}
 * ({@link #reset}), so that encoding a record makes no garbage. Format names and first bytes are those of the
 * MessagePack specification ("Formats" section of msgpack/msgpack spec.md); every method picks the shortest form
 * that holds its value, as the spec asks of serializers.
 */
final class MsgPackWriter {
    private final ByteSink out;

    MsgPackWriter(int initialCapacity) {
        out = new ByteSink(Math.max(16, initialCapacity));
    }

    int size() {
        return out.size();
    }

    void reset() {
        out.reset();
    }

    /** Drops what was written after {@code mark} (a value of {@link #size()}). */
    void truncate(int mark) {
        out.truncate(mark);
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    /** The written bytes as a buffer over this writer's array (valid until the next write). */
    ByteBuffer view() {
        return out.view();
    }

    /** fixarray {@code 1001xxxx}, array 16 {@code 0xdc}, array 32 {@code 0xdd}. */
    MsgPackWriter arrayHeader(int n) {
        return header(n, 0x90, 0xdc, 0xdd);
    }

    /** fixmap {@code 1000xxxx}, map 16 {@code 0xde}, map 32 {@code 0xdf}. */
    MsgPackWriter mapHeader(int n) {
        return header(n, 0x80, 0xde, 0xdf);
    }

    private MsgPackWriter header(int n, int fix, int b16, int b32) {
        if (n < 0) {
            throw new IllegalArgumentException("negative count " + n);
        }
        if (n < 16) {
            return put(fix | n);
        }
        return n <= 0xffff ? put(b16).put16(n) : put(b32).put32(n);
    }

    /** A UTF-8 str (fixstr {@code 101xxxxx}, str 8 {@code 0xd9}, str 16 {@code 0xda}, str 32 {@code 0xdb}). */
    MsgPackWriter str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return str(b, 0, b.length);
    }

    /**
     * A str of raw bytes, copied as they are: the spec's str holds UTF-8 by intent, but Docker's driver puts the
     * container's bytes there unchanged (Go's {@code string(msg.Line)}), invalid UTF-8 included, and so do we.
     */
    MsgPackWriter str(byte[] b, int off, int len) {
        strHeader(len);
        return raw(b, off, len);
    }

    MsgPackWriter strHeader(int len) {
        if (len < 32) {
            return put(0xa0 | len);
        }
        if (len <= 0xff) {
            return put(0xd9).put(len);
        }
        return len <= 0xffff ? put(0xda).put16(len) : put(0xdb).put32(len);
    }

    /** bin 8 {@code 0xc4}, bin 16 {@code 0xc5}, bin 32 {@code 0xc6}: the header only, the bytes follow. */
    MsgPackWriter binHeader(int len) {
        if (len <= 0xff) {
            return put(0xc4).put(len);
        }
        return len <= 0xffff ? put(0xc5).put16(len) : put(0xc6).put32(len);
    }

    /**
     * A non-negative integer: positive fixint {@code 0xxxxxxx}, uint 8 {@code 0xcc}, uint 16 {@code 0xcd},
     * uint 32 {@code 0xce}, uint 64 {@code 0xcf}.
     */
    MsgPackWriter uint(long v) {
        if (v < 0) {
            throw new IllegalArgumentException("negative " + v);
        }
        if (v < 0x80) {
            return put((int) v);
        }
        if (v <= 0xff) {
            return put(0xcc).put((int) v);
        }
        if (v <= 0xffff) {
            return put(0xcd).put16((int) v);
        }
        if (v <= 0xffff_ffffL) {
            return put(0xce).put32((int) v);
        }
        return put(0xcf).put32((int) (v >>> 32)).put32((int) v);
    }

    /**
     * Fluentd's EventTime (Forward Protocol Specification v1, "EventTime Ext Format"): fixext 8 ({@code 0xd7}),
     * ext type 0, then seconds and nanoseconds since the epoch as big-endian 32-bit unsigned integers.
     */
    MsgPackWriter eventTime(long seconds, int nanos) {
        return put(0xd7).put(0x00).put32((int) seconds).put32(nanos);
    }

    MsgPackWriter raw(byte[] b, int off, int len) {
        out.append(b, off, len);
        return this;
    }

    private MsgPackWriter put(int b) {
        out.append((byte) b);
        return this;
    }

    private MsgPackWriter put16(int v) {
        return put(v >>> 8).put(v);
    }

    private MsgPackWriter put32(int v) {
        return put16(v >>> 16).put16(v);
    }
}
