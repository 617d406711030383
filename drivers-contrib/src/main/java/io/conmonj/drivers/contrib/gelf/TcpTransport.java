package io.conmonj.drivers.contrib.gelf;

import io.conmonj.drivers.contrib.net.StreamSender;
import io.conmonj.drivers.contrib.net.StreamTransport;

/**
 * GELF via TCP (GELF 1.1, "GELF via TCP"): uncompressed JSON, each message followed by a NUL byte. The JSON never
 * contains a NUL (it is escaped as <code>&#92;u0000</code>), so the receiver can split on it. The shared
 * {@link StreamSender} reconnects with back-off and blocks while the collector is away; a message cut short by a
 * broken connection is sent again whole on the next one (the receiver drops the unterminated piece).
 */
final class TcpTransport extends StreamTransport {

    TcpTransport(StreamSender sender) {
        super(sender);
    }

    /** Collects the message and its NUL; the messages of one read go out with one write at {@link #flush}. */
    @Override
    public void send(byte[] json, int offset, int length) {
        batch().append(json, offset, length);
        batch().append((byte) 0);
    }
}
