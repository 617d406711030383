package io.conmonj.drivers.contrib.syslog;

import io.conmonj.drivers.contrib.net.LineDriver;
import io.conmonj.plugin.LogStream;

import java.io.IOException;

/**
 * One container's syslog driver: records → lines ({@link LineDriver}) → messages ({@link SyslogEncoder}) → collector
 * ({@link SyslogTransport}, which gets the encoder's headroom before each message for its framing).
 */
final class SyslogDriver extends LineDriver {
    private final SyslogEncoder encoder;

    SyslogDriver(SyslogEncoder encoder, SyslogTransport transport) {
        super(transport);
        this.encoder = encoder;
    }

    @Override
    public void message(LogStream stream, long epochNanos, byte[] data, int off, int len) throws IOException {
        int n = encoder.encode(stream, epochNanos, data, off, len);
        transport.send(encoder.buffer(), SyslogEncoder.HEADROOM, n);
    }
}
