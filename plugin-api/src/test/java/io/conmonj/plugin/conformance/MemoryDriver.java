package io.conmonj.plugin.conformance;

import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogRecord;
import io.conmonj.plugin.LogStream;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The smallest driver that follows the contract (for the suite's own tests): records are buffered until
 * {@code flush}, then "delivered" to a list; partial records are joined per stream by {@link #lines}. With
 * {@code keepReferences} it breaks the ownership rule (keeps the host's buffer instead of a copy), to show that the
 * suite catches it.
 */
final class MemoryDriver implements LogDriver {
    record Piece(LogStream stream, byte[] data, int offset, int length, boolean partial) {
    }

    final List<Piece> delivered = new ArrayList<>();
    private final List<Piece> pending = new ArrayList<>();
    private final boolean keepReferences;
    private boolean closed;

    MemoryDriver(boolean keepReferences) {
        this.keepReferences = keepReferences;
    }

    @Override
    public synchronized void write(LogRecord r) {
        pending.add(keepReferences ? new Piece(r.stream(), r.data(), r.offset(), r.length(), r.partial())
                : new Piece(r.stream(), r.bytes(), 0, r.length(), r.partial()));
    }

    @Override
    public synchronized void flush() {
        delivered.addAll(pending);
        pending.clear();
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            flush();
        }
    }

    /** The delivered lines, pieces joined per stream; an unterminated tail is a line too. */
    synchronized List<LogDriverConformance.Line> lines() {
        List<LogDriverConformance.Line> out = new ArrayList<>();
        Map<LogStream, StringBuilder> open = new EnumMap<>(LogStream.class);
        for (Piece p : delivered) {
            String s = new String(p.data(), p.offset(), p.length(), StandardCharsets.UTF_8);
            StringBuilder b = open.computeIfAbsent(p.stream(), k -> new StringBuilder()).append(s);
            if (!p.partial()) {
                String line = b.toString();
                out.add(new LogDriverConformance.Line(p.stream(), line.endsWith("\n") ? line.substring(0, line.length() - 1) : line));
                open.remove(p.stream());
            }
        }
        if (closed) {
            open.forEach((s, b) -> out.add(new LogDriverConformance.Line(s, b.toString())));
        }
        return out;
    }
}
