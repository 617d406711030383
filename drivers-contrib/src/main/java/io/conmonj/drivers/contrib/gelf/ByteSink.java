package io.conmonj.drivers.contrib.gelf;

import java.util.Arrays;

/** A growable byte array that is reused from message to message (no garbage per record once it has grown). */
final class ByteSink {
    private byte[] buf;
    private int size;

    ByteSink(int initialCapacity) {
        buf = new byte[initialCapacity];
    }

    byte[] array() {
        return buf;
    }

    int size() {
        return size;
    }

    void reset() {
        size = 0;
    }

    /** Makes room for {@code n} more bytes; the array may change. */
    void ensure(int n) {
        if (size + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
        }
    }

    /** Counts {@code n} bytes written directly into {@link #array()} after {@link #ensure}. */
    void advance(int n) {
        size += n;
    }

    void append(byte b) {
        ensure(1);
        buf[size++] = b;
    }

    void append(byte[] b) {
        append(b, 0, b.length);
    }

    void append(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    /** A non-negative decimal number, without garbage. */
    void appendDecimal(long v) {
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

    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }
}
