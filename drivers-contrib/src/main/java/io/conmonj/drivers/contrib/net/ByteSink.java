package io.conmonj.drivers.contrib.net;

import java.util.Arrays;

/**
 * A growable byte array that is reused from message to message (no garbage per record once it has grown): the
 * drivers encode into one, and the stream transports collect the messages of one read in one to send them with a
 * single write.
 */
public final class ByteSink {
    private byte[] buf;
    private int size;

    public ByteSink(int initialCapacity) {
        buf = new byte[initialCapacity];
    }

    public byte[] array() {
        return buf;
    }

    public int size() {
        return size;
    }

    public void reset() {
        size = 0;
    }

    /** Drops what was appended after {@code mark}, a value of {@link #size()}. */
    public void truncate(int mark) {
        if (mark < 0 || mark > size) {
            throw new IndexOutOfBoundsException("mark " + mark + " of " + size);
        }
        size = mark;
    }

    /** Makes room for {@code n} more bytes; the array may change. */
    public void ensure(int n) {
        if (size + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
        }
    }

    /** Counts {@code n} bytes written directly into {@link #array()} after {@link #ensure}. */
    public void advance(int n) {
        size += n;
    }

    public void append(byte b) {
        ensure(1);
        buf[size++] = b;
    }

    public void append(byte[] b) {
        append(b, 0, b.length);
    }

    public void append(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    /** A non-negative decimal number, without garbage. */
    public void appendDecimal(long v) {
        if (v < 10) {
            append((byte) ('0' + v));
            return;
        }
        int digits = 0;
        for (long t = v; t > 0; t /= 10) {
            digits++;
        }
        ensure(digits);
        for (int i = size + digits - 1; i >= size; i--) {
            buf[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        size += digits;
    }

    /** The bytes so far, as a buffer over the array (valid until the next append). */
    public java.nio.ByteBuffer view() {
        return java.nio.ByteBuffer.wrap(buf, 0, size);
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }
}
