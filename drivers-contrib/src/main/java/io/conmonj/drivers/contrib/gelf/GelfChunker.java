package io.conmonj.drivers.contrib.gelf;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Chunked GELF (GELF 1.1, "GELF via UDP", "Chunking"): a payload larger than one datagram is sent as up to 128
 * chunks, each a 12-byte header, then its part of the payload:
 *
 * <pre>
 *   0x1e 0x0f            chunked GELF magic bytes
 *   8 bytes              message id, the same in every chunk of a message
 *   1 byte               sequence number, 0 .. count-1
 *   1 byte               sequence count, 1 .. 128
 * </pre>
 *
 * The datagram size is go-gelf's (Docker's gelf driver) {@code ChunkSize}, 1420 bytes including the header, so that
 * a chunk fits an Ethernet MTU: a payload of up to 1420 bytes is sent as it is, a larger one in chunks of 1408 bytes
 * of payload. The spec forbids more than 128 chunks: such a message is not sent at all, and the failure is reported.
 */
final class GelfChunker {
    static final int DATAGRAM_SIZE = 1420;
    static final int HEADER_SIZE = 12;
    static final int CHUNK_DATA = DATAGRAM_SIZE - HEADER_SIZE;
    static final int MAX_CHUNKS = 128;

    /** Where the datagrams go. */
    interface DatagramSink {
        void send(ByteBuffer datagram) throws IOException;
    }

    private final ByteBuffer datagram = ByteBuffer.allocate(DATAGRAM_SIZE);

    /** How many chunks {@code length} bytes of payload need; 1 means "one plain datagram, no chunk header". */
    static int chunks(int length) {
        return length <= DATAGRAM_SIZE ? 1 : (length + CHUNK_DATA - 1) / CHUNK_DATA;
    }

    /**
     * Sends {@code payload[offset, offset + length)} as one datagram or as chunks with message id {@code id}.
     *
     * @throws IOException if it would need more than 128 chunks (nothing is sent), or a send fails
     */
    void send(byte[] payload, int offset, int length, long id, DatagramSink sink) throws IOException {
        int count = chunks(length);
        if (count == 1) {
            sink.send(ByteBuffer.wrap(payload, offset, length));
            return;
        }
        if (count > MAX_CHUNKS) {
            throw new IOException("a message of " + length + " bytes would need " + count + " GELF chunks of "
                    + CHUNK_DATA + " bytes; GELF allows " + MAX_CHUNKS + ": message dropped");
        }
        for (int seq = 0; seq < count; seq++) {
            int off = seq * CHUNK_DATA;
            int n = Math.min(CHUNK_DATA, length - off);
            datagram.clear();
            datagram.put((byte) 0x1e).put((byte) 0x0f).putLong(id).put((byte) seq).put((byte) count);
            datagram.put(payload, offset + off, n).flip();
            sink.send(datagram);
        }
    }
}
