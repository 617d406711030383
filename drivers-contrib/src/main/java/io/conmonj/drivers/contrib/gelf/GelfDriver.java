package io.conmonj.drivers.contrib.gelf;

import io.conmonj.drivers.contrib.net.ByteSink;
import io.conmonj.drivers.contrib.net.LineDriver;
import io.conmonj.drivers.contrib.net.MessageTransport;
import io.conmonj.plugin.LogStream;

import java.io.IOException;

/**
 * One container's output as GELF messages: records joined into lines ({@link LineDriver}), each line encoded
 * ({@link GelfMessageFormat}) into a reused buffer and sent ({@link TcpTransport}, {@link UdpTransport}).
 *
 * <p>Empty lines are not sent: GELF requires a non-empty {@code short_message} (Graylog rejects the message), and
 * Docker's gelf driver skips them too (moby PR 40234).
 */
final class GelfDriver extends LineDriver {
    private final GelfMessageFormat format;
    private final ByteSink message = new ByteSink(1024);

    GelfDriver(GelfMessageFormat format, MessageTransport transport) {
        super(transport);
        this.format = format;
    }

    @Override
    public void message(LogStream stream, long timestampNanos, byte[] data, int offset, int length) throws IOException {
        if (length == 0) {
            return;
        }
        format.encode(message, stream, timestampNanos, data, offset, length);
        transport.send(message.array(), 0, message.size());
    }
}
