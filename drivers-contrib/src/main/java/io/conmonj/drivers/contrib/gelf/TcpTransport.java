package io.conmonj.drivers.contrib.gelf;

import io.conmonj.drivers.contrib.net.BatchedStream;
import io.conmonj.drivers.contrib.net.StreamSender;

import java.io.IOException;

/**
 * GELF via TCP (GELF 1.1, "GELF via TCP"): uncompressed JSON, each message followed by a NUL byte. The JSON never
 * contains a NUL (it is escaped as <code>&#92;u0000</code>), so the receiver can split on it. The shared
 * {@link StreamSender} reconnects with back-off and blocks while the collector is away; a message cut short by a
 * broken connection is sent again whole on the next one (the receiver drops the unterminated piece).
 */
final class TcpTransport implements GelfTransport {
    private final BatchedStream stream;

    TcpTransport(StreamSender sender) {
        this.stream = new BatchedStream(sender);
    }

    /** Collects the message and its NUL; the messages of one read go out with one write at {@link #flush}. */
    @Override
    public void send(byte[] json, int length) {
        stream.batch().append(json, 0, length);
        stream.batch().append((byte) 0);
    }

    @Override
    public void flush() throws IOException {
        stream.flush();
    }

    @Override
    public void containerExited() {
        stream.containerExited();
    }

    @Override
    public void close() {
        stream.close();
    }
}
