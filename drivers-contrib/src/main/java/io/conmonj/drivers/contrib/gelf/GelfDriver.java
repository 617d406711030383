package io.conmonj.drivers.contrib.gelf;

import io.conmonj.drivers.contrib.net.ByteSink;
import io.conmonj.drivers.contrib.net.LineJoiner;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogRecord;
import io.conmonj.plugin.LogStream;

import java.io.IOException;

/**
 * One container's output as GELF messages: records joined into lines ({@link LineJoiner}), each line encoded
 * ({@link GelfMessageFormat}) into a reused buffer and sent ({@link GelfTransport}).
 *
 * <p>Empty lines are not sent: GELF requires a non-empty {@code short_message} (Graylog rejects the message), and
 * Docker's gelf driver skips them too (moby PR 40234).
 */
final class GelfDriver implements LogDriver, LineJoiner.Messages {
    private final GelfMessageFormat format;
    private final GelfTransport transport;
    private final LineJoiner lines = new LineJoiner(this);
    private final ByteSink message = new ByteSink(1024);
    private boolean closed;

    GelfDriver(GelfMessageFormat format, GelfTransport transport) {
        this.format = format;
        this.transport = transport;
    }

    @Override
    public void write(LogRecord record) throws IOException {
        lines.accept(record);
    }

    @Override
    public void message(LogStream stream, long timestampNanos, byte[] data, int offset, int length) throws IOException {
        if (length == 0) {
            return;
        }
        format.encode(message, stream, timestampNanos, data, offset, length);
        transport.send(message.array(), message.size());
    }

    @Override
    public void flush() throws IOException {
        transport.flush();
    }

    @Override
    public void containerExited() {
        transport.containerExited();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            lines.flushPending();
            transport.flush();
        } finally {
            transport.close();
        }
    }
}
