package io.conmonj.drivers.contrib.gelf;

import io.conmonj.drivers.contrib.net.Backoff;
import io.conmonj.drivers.contrib.net.DatagramSender;
import io.conmonj.drivers.contrib.net.Endpoint;
import io.conmonj.drivers.contrib.net.HostName;
import io.conmonj.drivers.contrib.net.MessageTransport;
import io.conmonj.drivers.contrib.net.StreamSender;
import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogDriverException;
import io.conmonj.plugin.LogDriverProvider;

import java.io.IOException;
import java.net.SocketAddress;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code gelf}: Docker's Graylog Extended Format logging driver (docs.docker.com/engine/logging/drivers/gelf/) for
 * conmon-j: GELF 1.1 messages (go2docs.graylog.org, "GELF Format") over UDP (compressed, chunked) or TCP (NUL-framed).
 * Options: {@link GelfOptions}; the message: {@link GelfMessageFormat}; docs/logging.md, "gelf".
 *
 * <p>At open the address is resolved (an unknown host is a start-up error {@code podman run} shows) and, for TCP,
 * connected once, as Docker's driver dials at start; a refused connection is a start-up error too.
 */
public final class GelfProvider implements LogDriverProvider {
    public static final String NAME = "gelf";
    /** Back-off between reconnection attempts when {@code gelf-tcp-reconnect-delay} is not given. */
    static final long BACKOFF_INITIAL_MILLIS = 100;
    static final long BACKOFF_MAX_MILLIS = 1_000;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public LogDriver open(ContainerMetadata container, Map<String, String> options, Consumer<String> warnings)
            throws LogDriverException {
        GelfOptions o = GelfOptions.parse(options);
        GelfMessageFormat format = new GelfMessageFormat(hostname(), container, warnings);
        SocketAddress address = o.endpoint().resolve();
        return new GelfDriver(format, transport(o, address, warnings));
    }

    private static MessageTransport transport(GelfOptions o, SocketAddress address, Consumer<String> warnings)
            throws LogDriverException {
        Endpoint endpoint = o.endpoint();
        if (endpoint.transport() == Endpoint.Transport.UDP) {
            try {
                return new UdpTransport(new DatagramSender(endpoint, address), o.compression(), o.compressionLevel());
            } catch (IOException e) {
                throw new LogDriverException("cannot open a UDP socket to " + endpoint + ": " + e.getMessage(), e);
            }
        }
        Backoff backoff = o.reconnectDelayMillis() < 0 ? new Backoff(BACKOFF_INITIAL_MILLIS, BACKOFF_MAX_MILLIS)
                : new Backoff(Math.max(1, o.reconnectDelayMillis()), Math.max(1, o.reconnectDelayMillis()));
        StreamSender sender = new StreamSender(endpoint, address, backoff, o.maxReconnect(), warnings);
        try {
            sender.connect();
        } catch (IOException e) {
            sender.close();
            throw new LogDriverException("cannot connect to " + endpoint + ": " + e.getMessage(), e);
        }
        return new TcpTransport(sender);
    }

    /** The {@code host} field: the machine's host name ({@link HostName}); without one the driver cannot start. */
    static String hostname() throws LogDriverException {
        try {
            return HostName.find();
        } catch (IOException e) {
            throw new LogDriverException("cannot find the host name for the GELF host field: " + e.getMessage(), e);
        }
    }
}
