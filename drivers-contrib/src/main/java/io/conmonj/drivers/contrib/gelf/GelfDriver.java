package io.conmonj.drivers.contrib.gelf;

import io.conmonj.drivers.contrib.net.ByteSink;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogRecord;
import io.conmonj.plugin.LogStream;

import java.io.IOException;

/**
 * One container's output as GELF messages: records joined into lines ({@link LineAssembler}), each line encoded
 * ({@link GelfMessageFormat}) into a reused buffer and sent ({@link GelfTransport}).
 *
 * <p>Empty lines are not sent: GELF requires a non-empty {@code short_message} (Graylog rejects the message), and
 * Docker's gelf driver skips them too (moby PR 40234).
 */
final class GelfDriver implements LogDriver, LineAssembler.LineSink {
    private final GelfMessageFormat format;
    private final GelfTransport transport;
    private final LineAssembler lines;
    private final ByteSink message = new ByteSink(1024);
    private boolean closed;

    GelfDriver(GelfMessageFormat format, GelfTransport transport, LineAssembler lines) {
        this.format = format;
        this.transport = transport;
        this.lines = lines;
    }

    @Override
    public void write(LogRecord record) throws IOException {
        lines.add(record, this);
    }

    @Override
    public void line(LogStream stream, long timestampNanos, byte[] data, int offset, int length) throws IOException {
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
            lines.drain(this);
            transport.flush();
        } finally {
            transport.close();
        }
    }
}
