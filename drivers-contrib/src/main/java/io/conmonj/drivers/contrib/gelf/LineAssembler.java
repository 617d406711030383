package io.conmonj.drivers.contrib.gelf;

import io.conmonj.plugin.LogRecord;
import io.conmonj.plugin.LogStream;

import java.io.IOException;

/**
 * Joins partial records (the unterminated tail of one read, {@link LogRecord#partial()}) with the rest of their line,
 * per stream, so that one line of output is one GELF message, up to {@link #MAX_LINE} bytes.
 *
 * <p>The bound is Docker's: its log copier cuts lines at 16 KiB, and its gelf driver sends each piece as a message of
 * its own without marking it (moby issue 43162), as this class does: a line of N bytes becomes N / 16384 messages of
 * 16384 bytes and one of the rest. GELF has no field for "continued"; Docker's gelf driver has none either. The bound
 * also keeps a message of escaped bytes (at most 6 per byte) far below the 128 UDP chunks GELF allows.
 *
 * <p>A message carries the timestamp of the record its first byte came from (when the line began). The newline is
 * not part of the message. What is still waiting when the container's output ends is sent by {@link #drain}.
 */
final class LineAssembler {
    /** Docker's line limit (moby {@code daemon/logger/copier.go}, 16 * 1024). */
    static final int MAX_LINE = 16 * 1024;

    /** Receives each assembled line (without {@code \n}); the bytes are only valid during the call. */
    interface LineSink {
        void line(LogStream stream, long timestampNanos, byte[] data, int offset, int length) throws IOException;
    }

    private final int maxLine;
    private final Pending[] pending = new Pending[LogStream.values().length];

    LineAssembler() {
        this(MAX_LINE);
    }

    LineAssembler(int maxLine) {
        this.maxLine = maxLine;
    }

    private static final class Pending {
        final byte[] buf;
        int length;
        long timestampNanos;

        Pending(int size) {
            buf = new byte[size];
        }
    }

    void add(LogRecord record, LineSink sink) throws IOException {
        LogStream stream = record.stream();
        int off = record.offset();
        int len = record.length();
        boolean ends = !record.partial();
        if (ends && len > 0 && record.data()[off + len - 1] == '\n') {
            len--;
        }
        Pending p = pending[stream.ordinal()];
        if (ends && (p == null || p.length == 0) && len <= maxLine) {
            sink.line(stream, record.timestampNanos(), record.data(), off, len); // the common case: no copy
            return;
        }
        if (p == null) {
            p = pending[stream.ordinal()] = new Pending(maxLine);
        }
        if (p.length == 0) {
            p.timestampNanos = record.timestampNanos();
        }
        while (p.length + len > maxLine) {
            int take = maxLine - p.length;
            System.arraycopy(record.data(), off, p.buf, p.length, take);
            sink.line(stream, p.timestampNanos, p.buf, 0, maxLine);
            p.length = 0;
            p.timestampNanos = record.timestampNanos();
            off += take;
            len -= take;
        }
        System.arraycopy(record.data(), off, p.buf, p.length, len);
        p.length += len;
        if (ends) {
            int n = p.length;
            p.length = 0;
            sink.line(stream, p.timestampNanos, p.buf, 0, n);
        }
    }

    /** Sends the unterminated lines still waiting (the container's output has ended). */
    void drain(LineSink sink) throws IOException {
        for (LogStream stream : LogStream.values()) {
            Pending p = pending[stream.ordinal()];
            if (p != null && p.length > 0) {
                int n = p.length;
                p.length = 0;
                sink.line(stream, p.timestampNanos, p.buf, 0, n);
            }
        }
    }
}
