package io.conmonj.drivers.contrib.gelf;

import io.conmonj.drivers.contrib.net.ByteSink;
import io.conmonj.drivers.contrib.net.StreamSender;
import io.conmonj.plugin.LogDriver;

import java.io.IOException;

/**
 * GELF via TCP (GELF 1.1, "GELF via TCP"): uncompressed JSON, each message followed by a NUL byte. The JSON never
 * contains a NUL (it is escaped as <code>&#92;u0000</code>), so the receiver can split on it. The shared
 * {@link StreamSender} reconnects with back-off and blocks while the collector is away; a message cut short by a
 * broken connection is sent again whole on the next one (the receiver drops the unterminated piece).
 */
final class TcpTransport implements GelfTransport {
    private final StreamSender sender;
    private final ByteSink batch = new ByteSink(16 * 1024);

    TcpTransport(StreamSender sender) {
        this.sender = sender;
    }

    /** Collects the message and its NUL; the messages of one read go out with one write at {@link #flush}. */
    @Override
    public void send(byte[] json, int length) {
        batch.append(json, 0, length);
        batch.append((byte) 0);
    }

    @Override
    public void flush() throws IOException {
        if (batch.size() == 0) {
            return;
        }
        try {
            sender.send(batch.view());
        } finally {
            batch.reset(); // sent, or reported by the host as this read's failure
        }
    }

    @Override
    public void containerExited() {
        sender.giveUpAfter(LogDriver.EXIT_GRACE_MILLIS);
    }

    @Override
    public void close() {
        sender.close();
    }
}
