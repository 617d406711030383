package io.conmonj.drivers.contrib.fluentd;

import io.conmonj.plugin.property.ForAll;
import io.conmonj.plugin.property.Gen;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The fluentd ack decoder against hostile collector replies (issue 10): every input up to 4 KiB is answered with the
 * ack, "incomplete" (null) or an {@link IOException}, nothing else. The decoder is linear in its input (each step
 * consumes a byte), so 4 KiB is decoded in microseconds; the stated bound is {@link #DECODE_BOUND} per decode. Over
 * a real socket the whole wait is bounded by the timeout: {@link #TIMEOUT_MILLIS} plus {@link #SLACK_MILLIS}.
 */
class AckReaderPropertiesTest {
    static final long TIMEOUT_MILLIS = 200;
    static final long SLACK_MILLIS = 1_500;
    /** Per decode of up to 4 KiB; generous (a loaded machine): it catches a decoder that loops, it measures nothing. */
    static final java.time.Duration DECODE_BOUND = java.time.Duration.ofSeconds(1);

    static Gen<byte[]> replies() {
        Gen<byte[]> random = Gen.bytes(4096);
        // near misses: a valid ack with one byte changed
        Gen<byte[]> near = Gen.strings(40).map(AckReaderPropertiesTest::ack).flatMap(ok ->
                Gen.ints(0, ok.length - 1).flatMap(i -> Gen.ints(0, 255).map(b -> {
                    byte[] copy = ok.clone();
                    copy[i] = (byte) (int) b;
                    return copy;
                })));
        return Gen.oneOf(random, near);
    }

    @Test
    void everyReplyIsAnAckIncompleteOrAnIOException() {
        ForAll.of(replies()).tries(2000).check(AckReaderPropertiesTest::decodesOrRefuses);
    }

    private static void decodesOrRefuses(byte[] reply) {
        String ack;
        try {
            ack = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(DECODE_BOUND, () -> {
                try {
                    return AckReader.decode(reply, reply.length);
                } catch (IOException e) {
                    assertTrue(e.getMessage() != null && e.getMessage().chars().noneMatch(c -> c < ' '), e.getMessage());
                    return null;
                }
            });
        } catch (RuntimeException e) {
            fail("not the documented outcome for " + reply.length + " bytes: " + e);
            return;
        }
        if (ack != null) {
            int first = reply[0] & 0xff;
            assertTrue((first & 0xf0) == 0x80 || first == 0xde, "an ack only comes from a map");
        }
    }

    @Test
    void wellFormedAcksDecodeAndTheirPrefixesAreIncomplete() {
        // valid text only: a lone surrogate has no UTF-8 form to round-trip
        Gen<String> text = Gen.strings(200).map(s -> new String(s.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.nio.charset.StandardCharsets.UTF_8));
        ForAll.of(text).tries(500).check(chunk -> {
            byte[] reply = ack(chunk);
            assertEquals(chunk, AckReader.decode(reply, reply.length));
            for (int n = 0; n < reply.length; n++) {
                assertNull(AckReader.decode(reply, n), "prefix of " + n + " bytes");
            }
        });
    }

    /** Over a real TCP connection: whatever the collector sends (then closing or not), await ends in time. */
    @Test
    void awaitOverARealConnectionEndsWithinTheTimeout() {
        ForAll.of(replies()).tries(40).check(reply -> awaitEnds(reply, reply.length % 2 == 0));
    }

    private static void awaitEnds(byte[] reply, boolean closeAfter) throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             SocketChannel client = SocketChannel.open(server.getLocalAddress());
             SocketChannel collector = server.accept()) {
            collector.write(ByteBuffer.wrap(reply));
            if (closeAfter) {
                collector.shutdownOutput();
            }
            long start = System.nanoTime();
            try {
                new AckReader().await(client, "the-chunk", TIMEOUT_MILLIS);
                fail("acknowledged by " + reply.length + " random bytes");
            } catch (SocketTimeoutException e) {
                // only a collector that keeps the connection open can make the reader wait for the timeout
                assertTrue(!closeAfter, "timed out although the collector closed: " + e.getMessage());
            } catch (IOException e) {
                assertTrue(e.getMessage().chars().noneMatch(c -> c < ' '), e.getMessage());
            }
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(took <= TIMEOUT_MILLIS + SLACK_MILLIS, "await took " + took + " ms");
        }
    }

    /** {@code {"ack": chunk}} as the Forward protocol's response (fixmap 1, fixstr "ack", str 8/16). */
    static byte[] ack(String chunk) {
        byte[] c = chunk.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(c.length + 10);
        b.put((byte) 0x81).put((byte) 0xa3).put("ack".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        if (c.length < 32) {
            b.put((byte) (0xa0 | c.length));
        } else if (c.length < 256) {
            b.put((byte) 0xd9).put((byte) c.length);
        } else {
            b.put((byte) 0xda).putShort((short) c.length);
        }
        b.put(c);
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }
}
