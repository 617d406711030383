package io.conmonj.drivers.contrib.syslog;

import io.conmonj.drivers.contrib.net.LineJoiner;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogRecord;
import io.conmonj.plugin.LogStream;

import java.io.IOException;

/** One container's syslog driver: records → lines ({@link LineJoiner}) → messages ({@link SyslogEncoder}) → collector. */
final class SyslogDriver implements LogDriver, LineJoiner.Messages {
    private final SyslogEncoder encoder;
    private final SyslogTransport transport;
    private final LineJoiner lines = new LineJoiner(this);
    private boolean closed;

    SyslogDriver(SyslogEncoder encoder, SyslogTransport transport) {
        this.encoder = encoder;
        this.transport = transport;
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

    @Override
    public void flush() throws IOException {
        transport.flush();
    }

    /** From now on a stream collector that is away is waited for only {@link #EXIT_GRACE_MILLIS}. */
    @Override
    public void containerExited() {
        transport.containerExited();
    }

    /** Sends the unterminated last lines (within the exit grace period if the collector is away), then closes. */
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
