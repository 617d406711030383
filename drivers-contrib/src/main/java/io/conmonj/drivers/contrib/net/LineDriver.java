package io.conmonj.drivers.contrib.net;

import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogRecord;

import java.io.IOException;

/**
 * A driver that sends one message per line (syslog, GELF): records are joined into lines ({@link LineJoiner}), each
 * line is given to {@link #message}, where the subclass encodes it and hands it to {@link #transport}. The rest is
 * the transport's: {@link #flush} and {@link #containerExited} are passed on, {@link #close} sends the unterminated
 * last lines (within the exit grace period if the collector is away), flushes and closes it.
 */
public abstract class LineDriver implements LogDriver, LineJoiner.Messages {
    protected final MessageTransport transport;
    private final LineJoiner lines = new LineJoiner(this);
    private boolean closed;

    protected LineDriver(MessageTransport transport) {
        this.transport = transport;
    }

    @Override
    public final void write(LogRecord record) throws IOException {
        lines.accept(record);
    }

    @Override
    public final void flush() throws IOException {
        transport.flush();
    }

    /** From now on a stream collector that is away is waited for only {@link #EXIT_GRACE_MILLIS}. */
    @Override
    public final void containerExited() {
        transport.containerExited();
    }

    @Override
    public final void close() throws IOException {
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
