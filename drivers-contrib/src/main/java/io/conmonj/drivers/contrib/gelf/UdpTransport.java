package io.conmonj.drivers.contrib.gelf;

import io.conmonj.drivers.contrib.net.DatagramSender;
import io.conmonj.drivers.contrib.net.MessageTransport;

import java.io.IOException;
import java.security.SecureRandom;

/**
 * GELF via UDP: each message compressed as configured, then sent as one datagram or in chunks ({@link GelfChunker}).
 * Never waits for the collector: a datagram nobody receives is lost, as with every UDP log protocol.
 */
final class UdpTransport implements MessageTransport {
    private final DatagramSender sender;
    private final GelfCompressor compressor; // null: none
    private final GelfChunker chunker = new GelfChunker();
    private final GelfChunker.DatagramSink sink;
    private long nextId;
    private boolean idSeeded;

    UdpTransport(DatagramSender sender, GelfOptions.Compression compression, int level) {
        this.sender = sender;
        this.sink = sender::send; // once, not per message
        this.compressor = compression == GelfOptions.Compression.NONE ? null : new GelfCompressor(compression, level);
    }

    @Override
    public void send(byte[] json, int offset, int length) throws IOException {
        byte[] payload = json;
        int from = offset;
        int n = length;
        if (compressor != null) {
            n = compressor.compress(json, offset, length);
            payload = compressor.buffer();
            from = 0;
        }
        chunker.send(payload, from, n, GelfChunker.chunks(n) > 1 ? messageId() : 0, sink);
    }

    /**
     * A chunked message's id: the spec only asks that it identify the message among those a receiver is assembling
     * (it suggests a timestamp and the host name); a random start, drawn at the first chunked message, then counting
     * up, keeps the monitors of different containers apart and one monitor's messages distinct.
     */
    private long messageId() {
        if (!idSeeded) {
            nextId = new SecureRandom().nextLong();
            idSeeded = true;
        }
        return nextId++;
    }

    @Override
    public void close() throws IOException {
        try {
            sender.close();
        } finally {
            if (compressor != null) {
                compressor.close();
            }
        }
    }
}
