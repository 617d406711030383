package io.conmonj.drivers.contrib.gelf;

import io.conmonj.drivers.contrib.net.StreamSender;
import io.conmonj.plugin.LogDriver;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * GELF via TCP (GELF 1.1, "GELF via TCP"): uncompressed JSON, each message followed by a NUL byte. The JSON never
 * contains a NUL (it is escaped as <code>&#92;u0000</code>), so the receiver can split on it. The shared
 * {@link StreamSender} reconnects with back-off and blocks while the collector is away; a message cut short by a
 * broken connection is sent again whole on the next one (the receiver drops the unterminated piece).
 */
final class TcpTransport implements GelfTransport {
    private final StreamSender sender;
    private final ByteBuffer nul = ByteBuffer.allocate(1);
    private ByteBuffer view = ByteBuffer.allocate(0);

    TcpTransport(StreamSender sender) {
        this.sender = sender;
    }

    @Override
    public void send(byte[] json, int length) throws IOException {
        if (view.array() != json) {
            view = ByteBuffer.wrap(json); // only when the encoder's buffer has grown
        }
        view.limit(length).position(0);
        nul.clear();
        sender.send(view, nul);
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
