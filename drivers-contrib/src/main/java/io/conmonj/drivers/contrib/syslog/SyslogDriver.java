package io.conmonj.drivers.contrib.syslog;

import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogRecord;
import io.conmonj.plugin.LogStream;

import java.io.IOException;
import java.util.function.Consumer;

/** One container's syslog driver: records → lines ({@link LineJoiner}) → messages ({@link SyslogEncoder}) → collector. */
final class SyslogDriver implements LogDriver, LineJoiner.Messages {
    private final SyslogEncoder encoder;
    private final SyslogTransport transport;
    private final Consumer<String> warnings;
    private final LineJoiner lines = new LineJoiner(this);
    private boolean closed;

    SyslogDriver(SyslogEncoder encoder, SyslogTransport transport, Consumer<String> warnings) {
        this.encoder = encoder;
        this.transport = transport;
        this.warnings = warnings;
    }

    @Override
    public void write(LogRecord record) throws IOException {
        lines.accept(record);
    }

    @Override
    public void message(LogStream stream, long epochNanos, byte[] data, int off, int len) throws IOException {
        int n = encoder.encode(stream, epochNanos, data, off, len);
        transport.send(encoder.buffer(), SyslogEncoder.HEADROOM, n);
    }

    /**
     * Sends the unterminated last lines, then closes. A stream collector that is away at this point would block the
     * container's exit for as long as it stays away, so those lines are given up (with a warning) instead.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (transport.isConnected()) {
                lines.flushPending();
            } else {
                warnings.accept("the collector is not connected; an unterminated last line is not sent");
            }
        } finally {
            transport.close();
        }
    }
}
