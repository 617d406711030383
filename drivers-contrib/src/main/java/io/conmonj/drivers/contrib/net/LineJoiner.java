package io.conmonj.drivers.contrib.net;

import io.conmonj.plugin.LogRecord;
import io.conmonj.plugin.LogStream;

import java.io.IOException;

/**
 * Turns records into messages, one per line, for the drivers that send one message per line (syslog, GELF): a
 * line's partial records ({@link LogRecord#partial()}) are joined until the record that ends it, and the line's LF
 * is dropped. A line longer than {@link #MAX_MESSAGE} bytes goes out as messages of that size as it arrives, then
 * the rest (an empty rest is no message of its own); an unterminated last line goes out at {@link #flushPending}.
 * A message takes the time of its line's first record.
 *
 * <p>The bound is Docker's: its log copier cuts lines at 16 KiB, and its syslog and gelf drivers send each piece as a
 * message of its own without marking it (for gelf: moby issue 43162); neither protocol has a field for "continued". For GELF
 * the bound also keeps a message of escaped bytes (at most 6 per byte) far below the 128 UDP chunks GELF allows.
 *
 * <p>One buffer per stream, so an interleaved stderr line does not cut a stdout line. A whole line in one record, the
 * common case, is passed on from the host's buffer without a copy.
 */
public final class LineJoiner {
    /** Docker's line limit (moby {@code daemon/logger/copier.go}, 16 * 1024). */
    public static final int MAX_MESSAGE = 16 * 1024;

    /** Receives each message; {@code data} is valid only during the call. */
    public interface Messages {
        void message(LogStream stream, long epochNanos, byte[] data, int off, int len) throws IOException;
    }

    private final Messages out;
    private final int max;
    private final Pending stdout;
    private final Pending stderr;

    public LineJoiner(Messages out) {
        this(out, MAX_MESSAGE);
    }

    /** With a smaller bound, for tests. */
    public LineJoiner(Messages out, int max) {
        this.out = out;
        this.max = max;
        this.stdout = new Pending(max);
        this.stderr = new Pending(max);
    }

    private static final class Pending {
        final byte[] bytes;
        int length;
        long epochNanos;
        /** A piece of the current line has gone out already (so an empty rest is not a message of its own). */
        boolean split;

        Pending(int max) {
            this.bytes = new byte[max];
        }
    }

    public void accept(LogRecord record) throws IOException {
        LogStream stream = record.stream();
        Pending p = stream == LogStream.STDERR ? stderr : stdout;
        byte[] data = record.data();
        int off = record.offset();
        int len = record.length();
        boolean partial = record.partial();
        if (!partial && len > 0 && data[off + len - 1] == '\n') {
            len--;
        }
        if (p.length == 0) {
            p.epochNanos = record.timestampNanos();
        }
        // whole messages of max bytes, while more than that is at hand (or exactly that, with the line going on)
        while (p.length + len > max || (partial && p.length + len == max)) {
            int take = max - p.length;
            if (p.length == 0) {
                out.message(stream, p.epochNanos, data, off, take);
            } else {
                System.arraycopy(data, off, p.bytes, p.length, take);
                out.message(stream, p.epochNanos, p.bytes, 0, max);
                p.length = 0;
            }
            p.split = true;
            p.epochNanos = record.timestampNanos();
            off += take;
            len -= take;
        }
        if (partial) {
            System.arraycopy(data, off, p.bytes, p.length, len);
            p.length += len;
            return;
        }
        if (p.length == 0) {
            if (len > 0 || !p.split) {
                out.message(stream, p.epochNanos, data, off, len);
            }
        } else {
            System.arraycopy(data, off, p.bytes, p.length, len);
            out.message(stream, p.epochNanos, p.bytes, 0, p.length + len);
            p.length = 0;
        }
        p.split = false;
    }

    /**
     * Sends the unterminated lines still buffered (the container's output has ended), stdout first; a failure to send
     * one does not keep the other back (the first failure is thrown after both).
     */
    public void flushPending() throws IOException {
        IOException first = null;
        for (LogStream s : LogStream.values()) {
            Pending p = s == LogStream.STDERR ? stderr : stdout;
            if (p.length > 0) {
                int n = p.length;
                p.length = 0;
                p.split = false;
                try {
                    out.message(s, p.epochNanos, p.bytes, 0, n);
                } catch (IOException e) {
                    if (first == null) {
                        first = e;
                    }
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
