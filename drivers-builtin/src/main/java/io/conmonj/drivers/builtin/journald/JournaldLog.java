package io.conmonj.drivers.builtin.journald;

import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogRecord;
import io.conmonj.plugin.LogStream;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * conmon's journald log (conmon-behaviour.md §7.2): one journal entry per line, the newline kept at the end of MESSAGE.
 *
 * <p>Partial lines are buffered per stream, up to 8191 bytes (conmon's {@code STDIO_BUF_SIZE - 1}): the
 * unterminated tail of a read is kept when it fits next to what is already buffered; the next line of that stream
 * is sent as buffered bytes + line. A tail that does not fit is sent at once, with what was buffered before it, as a
 * partial entry ({@code CONTAINER_PARTIAL_MESSAGE=true}). At close what is still buffered is sent as a partial entry.
 *
 * <p>PRIORITY is 6 for stdout, 3 for stderr, or N when the entry's bytes start with {@code <N>} (N = 0..7) and
 * nothing was buffered before them (the 3 bytes are then removed from MESSAGE); exactly conmon 2.2's rule, which
 * also applies to an unbufferable tail that starts a line.
 *
 * <p>Send failures are warnings (the first one with its reason, the rest counted and reported at close), never
 * fatal: the container's output still reaches the other logs and attach clients.
 */
public final class JournaldLog implements LogDriver {
    /** conmon's STDIO_BUF_SIZE: at most this minus one byte of a partial line is buffered. */
    static final int BUFFER_SIZE = 8192;

    /** Where entries go: journald's socket, or a test's list. */
    interface Sink extends AutoCloseable {
        void send(byte[] datagram, int length) throws IOException;

        @Override
        void close();
    }

    /** Makes the sink when the first entry is sent. */
    interface SinkFactory {
        Sink open() throws IOException;
    }

    private final JournaldEntry.Encoder encoder;
    private final SinkFactory factory;
    private final Consumer<String> warnings;
    private final byte[] stdoutBuffer = new byte[BUFFER_SIZE];
    private final byte[] stderrBuffer = new byte[BUFFER_SIZE];
    private int stdoutLength;
    private int stderrLength;
    private Sink sink;
    private long failures;
    private boolean closed;

    JournaldLog(JournaldEntry entry, SinkFactory factory, Consumer<String> warnings) {
        this.encoder = entry.encoder();
        this.factory = factory;
        this.warnings = warnings;
    }

    /** The journald log of conmon's {@code -l journald}, to {@code /run/systemd/journal/socket}. */
    public static JournaldLog open(JournaldEntry entry, Consumer<String> warnings) {
        return open(entry, JournalSocket.DEFAULT_PATH, warnings);
    }

    /** A journald log to the native socket at {@code socketPath}. */
    public static JournaldLog open(JournaldEntry entry, String socketPath, Consumer<String> warnings) {
        // The downcall handles cost tens of ms of CPU to make: off the monitor's path, before the first record.
        Thread.ofPlatform().daemon().name("journald-prepare").start(JournalSocket::prepare);
        return new JournaldLog(entry, () -> new JournalSocket(socketPath), warnings);
    }

    @Override
    public void write(LogRecord record) {
        boolean stderr = record.stream() == LogStream.STDERR;
        byte[] buffered = stderr ? stderrBuffer : stdoutBuffer;
        int bufferedLength = stderr ? stderrLength : stdoutLength;
        if (record.partial() && record.length() < BUFFER_SIZE - bufferedLength) {
            System.arraycopy(record.data(), record.offset(), buffered, bufferedLength, record.length());
            setBuffered(stderr, bufferedLength + record.length());
            return;
        }
        int priority = stderr ? 3 : 6;
        int off = record.offset();
        int len = record.length();
        if (bufferedLength == 0 && len >= 3) {
            byte[] d = record.data();
            if (d[off] == '<' && d[off + 1] >= '0' && d[off + 1] <= '7' && d[off + 2] == '>') {
                priority = d[off + 1] - '0';
                off += 3;
                len -= 3;
            }
        }
        setBuffered(stderr, 0);
        send(buffered, bufferedLength, record.data(), off, len, priority, record.partial());
    }

    private void setBuffered(boolean stderr, int length) {
        if (stderr) {
            stderrLength = length;
        } else {
            stdoutLength = length;
        }
    }

    private void send(byte[] head, int headLength, byte[] data, int off, int len, int priority, boolean partial) {
        int n = encoder.encode(head, headLength, data, off, len, priority, partial);
        try {
            if (sink == null) {
                sink = factory.open();
            }
            sink.send(encoder.buffer(), n);
        } catch (IOException | RuntimeException | LinkageError e) {
            if (failures++ == 0) {
                warnings.accept("sd_journal_sendv: " + (e instanceof IOException ? e.getMessage() : e.toString())
                        + " (further failures are counted and reported when the container exits)");
            }
        }
    }

    /** Buffered partial lines stay buffered: they belong to lines still being written. */
    @Override
    public void sync() {
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (stdoutLength > 0) {
            int n = stdoutLength;
            stdoutLength = 0;
            send(stdoutBuffer, n, stdoutBuffer, 0, 0, 6, true);
        }
        if (stderrLength > 0) {
            int n = stderrLength;
            stderrLength = 0;
            send(stderrBuffer, n, stderrBuffer, 0, 0, 3, true);
        }
        if (failures > 1) {
            warnings.accept("sd_journal_sendv: " + failures + " entries could not be sent in total");
        }
        if (sink != null) {
            sink.close();
            sink = null;
        }
    }
}
