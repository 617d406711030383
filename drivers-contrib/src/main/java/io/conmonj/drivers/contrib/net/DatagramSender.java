package io.conmonj.drivers.contrib.net;

import java.io.Closeable;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * UDP datagrams to a collector. Sending never waits for the collector: a datagram nobody receives is lost, as
 * with every UDP log protocol. The channel is connected, so the ICMP "port unreachable" of an earlier datagram
 * surfaces as an exception from a later {@link #send}, which the host counts as a driver failure.
 */
public final class DatagramSender implements Closeable {
    private final Endpoint endpoint;
    private final DatagramChannel channel;

    public DatagramSender(Endpoint endpoint, SocketAddress address) throws IOException {
        if (endpoint.transport() != Endpoint.Transport.UDP) {
            throw new IllegalArgumentException("not a UDP endpoint: " + endpoint);
        }
        this.endpoint = endpoint;
        this.channel = DatagramChannel.open();
        try {
            channel.connect(address);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /** Sends the remaining bytes of {@code datagram} as one datagram. */
    public void send(ByteBuffer datagram) throws IOException {
        try {
            channel.write(datagram);
        } catch (IOException e) {
            throw new IOException(endpoint + ": " + StreamSender.describe(e), e);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
