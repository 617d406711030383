package io.conmonj.drivers.contrib.gelf;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Golden chunk headers (GELF 1.1, "Chunking") with go-gelf's 1420-byte datagrams. */
class GelfChunkerTest {

    private static List<byte[]> chunk(int length, long id) throws IOException {
        byte[] payload = new byte[length];
        for (int i = 0; i < length; i++) {
            payload[i] = (byte) (i % 251);
        }
        List<byte[]> out = new ArrayList<>();
        new GelfChunker().send(payload, 0, length, id, d -> {
            byte[] b = new byte[d.remaining()];
            d.get(b);
            out.add(b);
        });
        return out;
    }

    @Test
    void payloadsUpTo1420BytesGoInOneDatagramWithoutHeader() throws IOException {
        List<byte[]> one = chunk(1420, 7);
        assertEquals(1, one.size());
        assertEquals(1420, one.get(0).length);
        assertEquals(0, one.get(0)[0], "the payload itself, no chunk header");
    }

    @Test
    void goldenChunks() throws IOException {
        List<byte[]> chunks = chunk(3000, 0x0102030405060708L);
        assertEquals(3, chunks.size());
        String[] headers = {"1e0f010203040506070800" + "03", "1e0f010203040506070801" + "03", "1e0f010203040506070802" + "03"};
        int[] lengths = {1420, 1420, 12 + 3000 - 2 * 1408};
        ByteBuffer whole = ByteBuffer.allocate(3000);
        for (int i = 0; i < 3; i++) {
            byte[] c = chunks.get(i);
            assertEquals(headers[i], HexFormat.of().formatHex(c, 0, 12), "header of chunk " + i);
            assertEquals(lengths[i], c.length, "length of chunk " + i);
            whole.put(c, 12, c.length - 12);
        }
        byte[] expected = new byte[3000];
        for (int i = 0; i < 3000; i++) {
            expected[i] = (byte) (i % 251);
        }
        assertArrayEquals(expected, whole.array());
        assertEquals(2, chunk(1421, 1).size(), "1421 bytes: 1408 + 13");
    }

    @Test
    void atMost128Chunks() throws IOException {
        List<byte[]> max = chunk(128 * 1408, -1L);
        assertEquals(128, max.size());
        assertEquals("1e0fffffffffffffffff7f80", HexFormat.of().formatHex(max.get(127), 0, 12));
        List<ByteBuffer> sent = new ArrayList<>();
        IOException e = assertThrows(IOException.class,
                () -> new GelfChunker().send(new byte[128 * 1408 + 1], 0, 128 * 1408 + 1, 1, sent::add));
        assertEquals("a message of 180225 bytes would need 129 GELF chunks of 1408 bytes; GELF allows 128:"
                + " message dropped", e.getMessage());
        assertEquals(List.of(), sent, "nothing of it is sent");
    }
}
