package io.conmonj.drivers.contrib.gelf;

import io.conmonj.drivers.contrib.net.LineJoiner;
import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogDriverException;
import io.conmonj.plugin.LogRecord;
import io.conmonj.plugin.LogStream;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The driver, opened through its provider, against {@link GelfReceiver} on loopback UDP and TCP. */
class GelfDriverTest {
    static final String ID = GelfFormatTest.ID;
    static final Duration WAIT = Duration.ofSeconds(10);
    static final ContainerMetadata CONTAINER = new ContainerMetadata(ID, "web", null, Map.of("app", "shop"),
            Map.of("HOSTNAME", "box"), "docker.io/library/alpine:latest");

    private final List<String> warnings = new CopyOnWriteArrayList<>();

    private LogDriver open(ContainerMetadata c, String... options) throws LogDriverException {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < options.length; i += 2) {
            o.put(options[i], options[i + 1]);
        }
        return new GelfProvider().open(c, o, warnings::add);
    }

    private static LogRecord rec(LogStream s, long ts, byte[] data, boolean partial) {
        return new LogRecord(s, ts, data, 0, data.length, partial);
    }

    private static LogRecord rec(LogStream s, long ts, String data) {
        return rec(s, ts, data.getBytes(StandardCharsets.UTF_8), !data.endsWith("\n"));
    }

    /** Every field of {@code m}: exactly the GELF fields and Docker's extras for {@link #CONTAINER}. */
    static void assertMessage(GelfReceiver.Message m, String line, LogStream stream, long timestampNanos,
                              ContainerMetadata c) throws LogDriverException {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("version", "1.1");
        expected.put("host", GelfProvider.hostname());
        expected.put("short_message", line);
        expected.put("level", stream == LogStream.STDOUT ? 6L : 3L);
        c.labels().forEach((k, v) -> expected.put("_" + k, v));
        c.env().forEach((k, v) -> expected.put("_" + k, v));
        expected.put("_container_id", c.id());
        if (c.name() != null) {
            expected.put("_container_name", c.name());
        }
        if (c.image() != null) {
            expected.put("_image_name", c.image());
        }
        expected.put("_tag", c.tag() != null ? c.tag() : c.shortId());
        Map<String, Object> got = new LinkedHashMap<>(m.fields());
        Object ts = got.remove("timestamp");
        assertEquals(expected, got, "fields of " + new String(m.json(), StandardCharsets.UTF_8));
        BigDecimal seconds = ts instanceof Long l ? BigDecimal.valueOf(l) : (BigDecimal) ts;
        assertEquals(0, BigDecimal.valueOf(timestampNanos / 1_000_000, 3).compareTo(seconds),
                "timestamp " + ts + " for " + timestampNanos + " ns");
    }

    @Test
    void udpWithEachCompressionDeliversEveryLineWithEveryField() throws Exception {
        for (String compression : List.of("gzip", "zlib", "none")) {
            try (GelfReceiver rx = GelfReceiver.udp()) {
                LogDriver d = open(CONTAINER, "gelf-address", rx.address(), "gelf-compression-type", compression);
                long t = 1_700_000_000_123_456_789L;
                d.write(rec(LogStream.STDOUT, t, "first line\n"));
                d.write(rec(LogStream.STDERR, t + 1_000_000, "an error\n"));
                d.write(rec(LogStream.STDOUT, t + 2_000_000, "\n")); // empty: not sent (GELF, Docker)
                d.write(rec(LogStream.STDOUT, t + 3_000_000, "part"));
                d.write(rec(LogStream.STDERR, t + 4_000_000, "e-part"));
                d.write(rec(LogStream.STDOUT, t + 5_000_000, "ial\n"));
                d.write(rec(LogStream.STDERR, t + 6_000_000, "e-rest\n"));
                d.write(rec(LogStream.STDOUT, t + 7_000_000, new byte[] {1, 'b', (byte) 0xff, 0, '\r', '\n'}, false));
                d.write(rec(LogStream.STDOUT, t + 8_000_000, "no newline at the end"));
                d.close();
                List<GelfReceiver.Message> got = rx.await(6, WAIT);
                assertEquals(List.of(), rx.violations(), compression);
                assertEquals(6, got.size(), compression);
                assertMessage(got.get(0), "first line", LogStream.STDOUT, t, CONTAINER);
                assertMessage(got.get(1), "an error", LogStream.STDERR, t + 1_000_000, CONTAINER);
                assertMessage(got.get(2), "partial", LogStream.STDOUT, t + 3_000_000, CONTAINER);
                assertMessage(got.get(3), "e-parte-rest", LogStream.STDERR, t + 4_000_000, CONTAINER);
                assertMessage(got.get(4), "\u0001b\ufffd\u0000\r", LogStream.STDOUT, t + 7_000_000, CONTAINER);
                assertMessage(got.get(5), "no newline at the end", LogStream.STDOUT, t + 8_000_000, CONTAINER);
                for (GelfReceiver.Message m : got) {
                    assertEquals(compression, m.encoding());
                    assertEquals(0, m.chunks(), "small messages are not chunked");
                }
            }
        }
        assertEquals(List.of(), warnings);
    }

    @Test
    void largeMessagesAreChunkedAndOversizedOnesReported() throws Exception {
        Random random = new Random(6);
        byte[] line = new byte[LineJoiner.MAX_MESSAGE];
        for (int i = 0; i < line.length; i++) {
            line[i] = (byte) ('a' + random.nextInt(26));
        }
        String text = new String(line, StandardCharsets.US_ASCII);
        for (String compression : List.of("gzip", "zlib", "none")) {
            try (GelfReceiver rx = GelfReceiver.udp()) {
                LogDriver d = open(CONTAINER, "gelf-address", rx.address(), "gelf-compression-type", compression);
                // a 16 KiB line, written as the host gives it: two 8192-byte partial records, then the newline
                d.write(new LogRecord(LogStream.STDOUT, 5_000_000, line, 0, 8192, true));
                d.write(new LogRecord(LogStream.STDOUT, 6_000_000, line, 8192, 8192, true));
                d.write(rec(LogStream.STDOUT, 7_000_000, "\n"));
                d.close();
                GelfReceiver.Message m = rx.await(1, WAIT).get(0);
                assertEquals(List.of(), rx.violations());
                assertMessage(m, text, LogStream.STDOUT, 5_000_000, CONTAINER);
                assertTrue(m.chunks() > 1, compression + ": chunked, " + m.chunks());
                assertTrue(rx.maxDatagram() <= 1420, "datagrams of at most 1420 bytes: " + rx.maxDatagram());
                assertEquals(1, rx.chunks().stream().map(GelfReceiver.Chunk::id).distinct().count());
            }
        }
        // an env variable of 32,000 control characters (within the 32 KiB budget of labels and env), each escaped as
        // 6 bytes of JSON: more than 128 chunks uncompressed (dropped, reported), fewer gzipped
        String big = "\u0001".repeat(32_000);
        ContainerMetadata huge = new ContainerMetadata(ID, "web", null, Map.of(), Map.of("BIG", big), null);
        try (GelfReceiver rx = GelfReceiver.udp()) {
            LogDriver none = open(huge, "gelf-address", rx.address(), "gelf-compression-type", "none");
            IOException e = assertThrows(IOException.class, () -> none.write(rec(LogStream.STDOUT, 1, "x\n")));
            assertTrue(e.getMessage().matches("a message of \\d+ bytes would need 1\\d\\d GELF chunks of 1408 bytes;"
                    + " GELF allows 128: message dropped"), e.getMessage());
            none.write(rec(LogStream.STDOUT, 1, "y"));
            IOException atClose = assertThrows(IOException.class, none::close, "the unterminated line, at close");
            assertEquals(e.getMessage().replace(" 2", " 1").length(), atClose.getMessage().length());

            LogDriver gzip = open(huge, "gelf-address", rx.address());
            gzip.write(rec(LogStream.STDOUT, 2_000_000, "fits once compressed\n"));
            gzip.close();
            GelfReceiver.Message m = rx.await(1, WAIT).get(0);
            assertMessage(m, "fits once compressed", LogStream.STDOUT, 2_000_000, huge);
            assertTrue(m.chunks() <= 128, "chunks " + m.chunks()); // repeated bytes compress to one datagram
            assertEquals(1, rx.messages().size(), "nothing of the dropped messages arrived");
            assertEquals(List.of(), rx.violations());
        }
        // beyond the budget, selected labels and env variables are left out of every message, with one warning
        List<String> warned = new ArrayList<>();
        var extras = GelfMessageFormat.extras(new ContainerMetadata(ID, "web", null, Map.of("a", "1"),
                Map.of("BIG", "b".repeat(GelfMessageFormat.MAX_EXTRAS)), null), warned::add);
        assertEquals("1", extras.get("_a"));
        assertTrue(!extras.containsKey("_BIG"), extras.keySet().toString());
        assertEquals(List.of("1 label or env variable left out of the GELF messages (first _BIG): the selected ones may"
                + " have 32768 characters of names and values in all"), warned);
    }

    /** Through the driver: a line longer than 16 KiB is cut as Docker cuts it, each piece with its time. */
    @Test
    void linesLongerThan16KiBAreCutIntoMessages() throws Exception {
        byte[] line = new byte[LineJoiner.MAX_MESSAGE + 100];
        java.util.Arrays.fill(line, (byte) 'a');
        java.util.Arrays.fill(line, LineJoiner.MAX_MESSAGE, line.length, (byte) 'b');
        try (GelfReceiver rx = GelfReceiver.udp()) {
            LogDriver d = open(CONTAINER, "gelf-address", rx.address());
            d.write(new LogRecord(LogStream.STDOUT, 1_000_000, line, 0, 10_000, true));
            d.write(new LogRecord(LogStream.STDOUT, 2_000_000, line, 10_000, line.length - 10_000, true));
            d.write(rec(LogStream.STDOUT, 3_000_000, "\n"));
            d.close();
            List<GelfReceiver.Message> got = rx.await(2, WAIT);
            assertMessage(got.get(0), "a".repeat(LineJoiner.MAX_MESSAGE), LogStream.STDOUT, 1_000_000, CONTAINER);
            assertMessage(got.get(1), "b".repeat(100), LogStream.STDOUT, 2_000_000, CONTAINER);
            assertEquals(2, rx.messages().size());
            assertEquals(List.of(), rx.violations());
        }
    }

    @Test
    void theReceiverReassemblesChunksInAnyOrder() throws Exception {
        try (GelfReceiver rx = GelfReceiver.udp(); DatagramChannel ch = DatagramChannel.open()) {
            ch.connect(new InetSocketAddress("127.0.0.1", rx.port()));
            String body = "{\"version\":\"1.1\",\"host\":\"h\",\"short_message\":\"" + "z".repeat(5000) + "\",\"_k\":1}";
            byte[] json = body.getBytes(StandardCharsets.US_ASCII);
            List<ByteBuffer> chunks = new ArrayList<>();
            new GelfChunker().send(json, 0, json.length, 42, d -> chunks.add(ByteBuffer.allocate(d.remaining()).put(d).flip()));
            Collections.reverse(chunks);
            Collections.swap(chunks, 0, 2);
            for (ByteBuffer c : chunks) {
                ch.write(c);
            }
            GelfReceiver.Message m = rx.await(1, WAIT).get(0);
            assertEquals(List.of(), rx.violations());
            assertEquals("z".repeat(5000), m.string("short_message"));
            assertEquals(chunks.size(), m.chunks());
        }
    }

    @Test
    void tcpIsNulFramedUncompressedJson() throws Exception {
        try (GelfReceiver rx = GelfReceiver.tcp(0)) {
            LogDriver d = open(CONTAINER, "gelf-address", rx.address());
            d.write(rec(LogStream.STDOUT, 1_000_000_000_000_000_000L, "over tcp\n"));
            d.write(rec(LogStream.STDERR, 1_000_000_000_500_000_000L, "with \u0000 a NUL\n"));
            d.close();
            List<GelfReceiver.Message> got = rx.await(2, WAIT);
            assertEquals(List.of(), rx.violations());
            assertMessage(got.get(0), "over tcp", LogStream.STDOUT, 1_000_000_000_000_000_000L, CONTAINER);
            assertMessage(got.get(1), "with \u0000 a NUL", LogStream.STDERR, 1_000_000_000_500_000_000L, CONTAINER);
            assertEquals(1, rx.acceptedConnections());
            assertEquals(0, rx.incompleteFrames());
        }
        assertEquals(List.of(), warnings);
    }

    @Test
    void startUpErrors() throws Exception {
        LogDriverException unresolvable = assertThrows(LogDriverException.class,
                () -> open(CONTAINER, "gelf-address", "udp://no-such-host.invalid:12201"));
        assertEquals("option gelf-address: 'udp://no-such-host.invalid:12201': cannot resolve host 'no-such-host.invalid'",
                unresolvable.getMessage());
        int closedPort;
        try (GelfReceiver rx = GelfReceiver.tcp(0)) {
            closedPort = rx.port();
        }
        LogDriverException refused = assertThrows(LogDriverException.class,
                () -> open(CONTAINER, "gelf-address", "tcp://127.0.0.1:" + closedPort));
        assertEquals("cannot connect to tcp://127.0.0.1:" + closedPort + ": Connection refused", refused.getMessage());
    }

    /**
     * The collector (TCP) goes away and comes back on the same port during a run. Lost, at most: messages the kernel
     * accepted on the dead connection before the failure showed (the first ones written after the collector went
     * away: a write succeeds into the socket buffer, the peer answers with a reset, the next write fails). Those are
     * always the first messages of the outage; the message whose write failed is sent again on the new connection
     * (write() blocks until then, as the default gelf-tcp-max-reconnect, no limit, promises), and so is everything
     * after it.
     */
    @Test
    void tcpCollectorRestartDuringARun() throws Exception {
        GelfReceiver first = GelfReceiver.tcp(0);
        int port = first.port();
        LogDriver d = open(CONTAINER, "gelf-address", first.address());
        for (int i = 0; i < 5; i++) {
            d.write(rec(LogStream.STDOUT, 1_000_000L * i, "before " + i + "\n"));
            d.flush(); // as the host does after each read
        }
        List<String> before = first.await(5, WAIT).stream().map(m -> m.string("short_message")).toList();
        assertEquals(List.of("before 0", "before 1", "before 2", "before 3", "before 4"), before);
        first.close();

        List<String> outage = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; !warnings.stream().anyMatch(w -> w.startsWith("lost connection")) && i < 1000; i++) {
                    String line = "outage " + i;
                    outage.add(line);
                    d.write(rec(LogStream.STDOUT, 1_000_000_000L + i, line + "\n"));
                    d.flush(); // as the host does after each read
                    Thread.sleep(20); // a slow writer on purpose: the outage falls between two records
                }
            } catch (IOException | InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (warnings.stream().noneMatch(w -> w.startsWith("lost connection")) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(warnings.stream().anyMatch(w -> w.startsWith("lost connection to tcp://127.0.0.1:" + port)),
                "the outage was noticed: " + warnings);
        try (GelfReceiver second = GelfReceiver.tcp(port)) {
            writer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            for (int i = 0; i < 5; i++) {
                d.write(rec(LogStream.STDOUT, 2_000_000_000L + i, "after " + i + "\n"));
                d.flush(); // as the host does after each read
            }
            d.close();
            second.awaitShortMessage("after 4", WAIT);
            List<String> all = second.messages().stream().map(m -> m.string("short_message")).toList();
            System.out.println("collector restart: written during the outage " + outage + ", received after it " + all);
            List<String> after = List.of("after 0", "after 1", "after 2", "after 3", "after 4");
            int split = all.size() - after.size();
            assertTrue(split >= 1, "at least the message whose write failed arrives again: " + all);
            assertEquals(after, all.subList(split, all.size()), "every message after the restart, in order: " + all);
            List<String> arrivedOfOutage = all.subList(0, split);
            assertEquals(outage.subList(outage.size() - arrivedOfOutage.size(), outage.size()), arrivedOfOutage,
                    "of the outage's messages, only the first ones may be lost: written " + outage + ", got " + all);
            assertEquals(List.of(), second.violations());
            assertTrue(warnings.stream().anyMatch(w -> w.startsWith("reconnected to tcp://127.0.0.1:" + port)), warnings.toString());
        }
    }
}
