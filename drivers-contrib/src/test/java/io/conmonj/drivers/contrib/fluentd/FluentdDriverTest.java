package io.conmonj.drivers.contrib.fluentd;

import io.conmonj.drivers.contrib.fluentd.ForwardReceiver.Event;
import io.conmonj.drivers.contrib.fluentd.MsgPackDecoder.Str;
import io.conmonj.drivers.contrib.net.WatchedThread;
import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogDriverException;
import io.conmonj.plugin.LogRecord;
import io.conmonj.plugin.LogStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FluentdDriverTest {
    static final String ID = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    static final long T = 1_700_000_000_123_456_789L;
    static final long WAIT = 10_000;

    final List<String> warnings = new CopyOnWriteArrayList<>();

    static ContainerMetadata container(String tag, Map<String, String> labels, Map<String, String> env) {
        return new ContainerMetadata(ID, "web", tag, labels, env, null);
    }

    static LogRecord rec(LogStream s, long t, String data, boolean partial) {
        byte[] b = ("xx" + data).getBytes(StandardCharsets.ISO_8859_1);
        return new LogRecord(s, t, b, 2, b.length - 2, partial);
    }

    FluentdDriver open(ContainerMetadata c, Map<String, String> options) throws LogDriverException {
        AtomicInteger chunk = new AtomicInteger(), partial = new AtomicInteger();
        return FluentdProvider.open(c, options, warnings::add, 300, () -> "chunk-" + chunk.incrementAndGet(),
                () -> "pid-" + partial.incrementAndGet());
    }

    static Map<String, String> opts(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static Map<String, String> strings(Event e) {
        Map<String, String> m = new HashMap<>();
        e.record().forEach((k, v) -> m.put(k.toString(), v.toString()));
        return m;
    }

    // ------------------------------------------------------------------ wire format

    /**
     * A fixed PackedForward message, byte for byte (Forward Protocol Specification v1, "PackedForward Mode";
     * MessagePack "Formats"): one stdout record "hi\n" at 1.000000500 s with sub-second precision and acks.
     */
    @Test
    void goldenPackedForwardMessage() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ContainerMetadata c = new ContainerMetadata("0123456789abcdef0123", "web", null, Map.of(), Map.of(), null);
            FluentdDriver d = FluentdProvider.open(c, opts("fluentd-address", "127.0.0.1:" + server.getLocalPort(),
                            "fluentd-sub-second-precision", "true", "fluentd-request-ack", "true"), warnings::add,
                    WAIT, () -> "AAAAAAAAAAAAAAAAAAAAAA==", () -> "unused");
            String entry = "92"                                          // [time, record]
                    + "d700" + "00000001" + "000001f4"                  // EventTime 1 s 500 ns
                    + "84"                                               // record: map of 4
                    + "ac" + ascii("container_id") + "b4" + ascii("0123456789abcdef0123")
                    + "ae" + ascii("container_name") + "a4" + ascii("/web")
                    + "a6" + ascii("source") + "a6" + ascii("stdout")
                    + "a3" + ascii("log") + "a2" + ascii("hi");
            assertEquals(87, entry.length() / 2);
            String expected = "93"                                       // [tag, entries, option]
                    + "ac" + ascii("0123456789ab")                      // tag: Docker's {{.ID}}
                    + "c457" + entry                                     // entries: bin 8 of 87 bytes
                    + "82" + "a4" + ascii("size") + "01"               // option {size: 1,
                    + "a5" + ascii("chunk") + "b8" + ascii("AAAAAAAAAAAAAAAAAAAAAA=="); // chunk: ...}
            try (Socket peer = server.accept()) {
                d.write(rec(LogStream.STDOUT, 1_000_000_500L, "hi\n", false));
                CompletableFuture<Void> flush = CompletableFuture.runAsync(() -> {
                    try {
                        d.flush();
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                byte[] got = peer.getInputStream().readNBytes(expected.length() / 2);
                assertEquals(expected, HexFormat.of().formatHex(got));
                assertFalse(flush.isDone() && !flush.isCompletedExceptionally() && d.sentMessages() > 0,
                        "flush returned before the ack");
                // {"ack": chunk} (spec "Response")
                peer.getOutputStream().write(HexFormat.of().parseHex("81a3" + ascii("ack") + "b8"
                        + ascii("AAAAAAAAAAAAAAAAAAAAAA==")));
                flush.get(WAIT, TimeUnit.MILLISECONDS);
                assertEquals(1, d.sentMessages());
                d.close();
            }
        }
    }

    static String ascii(String s) {
        return HexFormat.of().formatHex(s.getBytes(StandardCharsets.US_ASCII));
    }

    // ------------------------------------------------------------------ records

    @Test
    void everyFieldOfEveryRecordAsDockerSendsThem() throws Exception {
        try (ForwardReceiver rx = ForwardReceiver.tcp()) {
            ContainerMetadata c = container("app.web", Map.of("com.example.tier", "front", "shared", "label"),
                    Map.of("HOSTNAME", "box", "shared", "env"));
            FluentdDriver d = open(c, opts("fluentd-address", rx.address()));
            byte[] invalid = {'a', (byte) 0xff, (byte) 0xfe, 0, 'z', '\n'};
            d.write(rec(LogStream.STDOUT, T, "one\n", false));
            d.write(rec(LogStream.STDERR, T, "err\n", false));
            d.write(new LogRecord(LogStream.STDOUT, T, invalid, 0, invalid.length, false));
            d.write(rec(LogStream.STDOUT, T, "\n", false));
            d.flush();
            d.write(rec(LogStream.STDOUT, T + 1_000_000_000L, "par", true));
            d.flush();
            d.write(rec(LogStream.STDOUT, T + 2_000_000_000L, "ti", true));
            d.write(rec(LogStream.STDERR, T + 2_000_000_000L, "e-only", true));
            d.flush();
            d.write(rec(LogStream.STDOUT, T + 3_000_000_000L, "al\n", false));
            d.write(rec(LogStream.STDOUT, T + 3_000_000_000L, "after\n", false));
            d.write(rec(LogStream.STDERR, T + 3_000_000_000L, "e-rest\n", false));
            d.flush();
            d.close();
            List<Event> ev = rx.await(10, WAIT);
            assertEquals(10, ev.size(), ev.toString());
            assertEquals(List.of(), rx.errors());
            assertEquals(List.of(4, 1, 2, 3), rx.messages().stream().map(ForwardReceiver.Message::events).toList(),
                    "the records of one flush in one message");
            for (ForwardReceiver.Message m : rx.messages()) {
                assertEquals("PackedForward", m.mode());
                assertEquals(Map.of(Str.of("size"), (long) m.events()), m.option(), "option: size only, no acks");
            }
            String[][] expected = {
                    // source, log, partial_id, partial_ordinal, partial_last
                    {"stdout", "one", null, null, null},
                    {"stderr", "err", null, null, null},
                    {"stdout", null, null, null, null}, // the invalid UTF-8 line, checked below
                    {"stdout", "", null, null, null},
                    {"stdout", "par", "pid-1", "1", "false"},
                    {"stdout", "ti", "pid-1", "2", "false"},
                    {"stderr", "e-only", "pid-2", "1", "false"},
                    {"stdout", "al", "pid-1", "3", "true"},
                    {"stdout", "after", null, null, null},
                    {"stderr", "e-rest", "pid-2", "2", "true"}};
            long[] seconds = {1_700_000_000L, 1_700_000_000L, 1_700_000_000L, 1_700_000_000L, 1_700_000_001L,
                    1_700_000_002L, 1_700_000_002L, 1_700_000_003L, 1_700_000_003L, 1_700_000_003L};
            for (int i = 0; i < ev.size(); i++) {
                Event e = ev.get(i);
                String[] x = expected[i];
                String what = "event " + i + ": " + strings(e);
                assertEquals("app.web", e.tag(), what);
                assertEquals(new ForwardReceiver.Time(seconds[i], 0, false), e.time(), "integer seconds: " + what);
                assertEquals(ID, e.field("container_id"), what);
                assertEquals("/web", e.field("container_name"), what);
                assertEquals(x[0], e.field("source"), what);
                if (x[1] != null) {
                    assertEquals(x[1], e.field("log"), what);
                }
                assertEquals("front", e.field("com.example.tier"), what);
                assertEquals("box", e.field("HOSTNAME"), what);
                assertEquals("env", e.field("shared"), "env wins over a label: " + what);
                boolean partial = x[2] != null;
                assertEquals(partial ? "true" : null, e.field("partial_message"), what);
                assertEquals(x[2], e.field("partial_id"), what);
                assertEquals(x[3], e.field("partial_ordinal"), what);
                assertEquals(x[4], e.field("partial_last"), what);
                assertEquals(partial ? 11 : 7, e.record().size(), "no other field: " + what);
            }
            assertArrayEquals(new byte[]{'a', (byte) 0xff, (byte) 0xfe, 0, 'z'}, ev.get(2).fieldBytes("log"),
                    "invalid UTF-8 sent as it is, in a str, without its newline");
            assertEquals(List.of(), warnings);
        }
    }

    @Test
    void subSecondPrecisionSendsEventTimeAndExtrasReplaceFieldsAsInDocker() throws Exception {
        try (ForwardReceiver rx = ForwardReceiver.tcp()) {
            ContainerMetadata c = container(null, Map.of("source", "label-source", "partial_id", "mine"), Map.of());
            FluentdDriver d = open(c, opts("fluentd-address", rx.address(), "fluentd-sub-second-precision", "1"));
            d.write(rec(LogStream.STDERR, T, "x\n", false));
            d.write(rec(LogStream.STDERR, T, "y", true));
            d.flush();
            d.close();
            List<Event> ev = rx.await(2, WAIT);
            assertEquals(2, ev.size());
            Event e = ev.get(0);
            assertEquals(ID.substring(0, 12), e.tag(), "default tag: Docker's {{.ID}}");
            assertEquals(new ForwardReceiver.Time(1_700_000_000L, 123_456_789L, true), e.time());
            assertEquals(Map.of("container_id", ID, "container_name", "/web", "source", "label-source", "log", "x",
                    "partial_id", "mine"), strings(e));
            assertEquals(Map.of("container_id", ID, "container_name", "/web", "source", "label-source", "log", "y",
                    "partial_message", "true", "partial_id", "pid-1", "partial_ordinal", "1", "partial_last", "false"),
                    strings(ev.get(1)), "the partial fields win over a label of their name");
        }
    }

    @Test
    void unixSocket(@TempDir Path dir) throws Exception {
        try (ForwardReceiver rx = new ForwardReceiver(dir.resolve("fluent.sock"), 0, n -> true)) {
            FluentdDriver d = open(container(null, Map.of(), Map.of()), opts("fluentd-address", rx.address(),
                    "fluentd-request-ack", "true"));
            d.write(rec(LogStream.STDOUT, T, "over unix\n", false));
            d.flush();
            d.close();
            List<Event> ev = rx.await(1, WAIT);
            assertEquals("over unix", ev.get(0).field("log"));
            assertEquals(List.of("chunk-1"), rx.acked());
            assertEquals(List.of(), rx.errors());
        }
    }

    // ------------------------------------------------------------------ acks, outages, the buffer

    /**
     * The receiver withholds the first ack: the driver waits (300 ms here), then sends the same message, same chunk,
     * on a new connection. The receiver has it twice: at-least-once delivery, as fluentd's own out_forward; a
     * collector that wants no duplicates can drop a chunk id it has already seen.
     */
    @Test
    void aMissingAckMakesTheDriverSendTheChunkAgain() throws Exception {
        try (ForwardReceiver rx = new ForwardReceiver(null, 0, n -> n != 1)) {
            FluentdDriver d = open(container(null, Map.of(), Map.of()), opts("fluentd-address", rx.address(),
                    "fluentd-request-ack", "true", "fluentd-retry-wait", "10ms"));
            d.write(rec(LogStream.STDOUT, T, "a\n", false));
            d.write(rec(LogStream.STDOUT, T, "b\n", false));
            d.flush();
            d.write(rec(LogStream.STDOUT, T, "c\n", false));
            d.flush();
            d.close();
            List<Event> ev = rx.await(5, WAIT);
            assertEquals(List.of("a", "b", "a", "b", "c"), ev.stream().map(e -> e.field("log")).toList());
            assertEquals(List.of("chunk-1", "chunk-1", "chunk-1", "chunk-1", "chunk-2"),
                    ev.stream().map(Event::chunk).toList(), "the resend carries the same chunk id");
            assertEquals(List.of(1, 1, 2, 2, 2), ev.stream().map(Event::connection).toList(), "resent on a new connection");
            assertEquals(List.of("chunk-1", "chunk-2"), rx.acked());
            assertEquals(List.of(), rx.errors());
            assertTrue(warnings.get(0).contains("no ack for chunk chunk-1 within 300 ms"), warnings.toString());
        }
    }

    /**
     * The collector goes away between two flushes and comes back on the same port. Without acks the first message
     * after it went away may be lost (written into the dead connection before the reset arrives; TCP cannot tell);
     * it is never duplicated, and everything written after the collector is back arrives. With acks nothing is lost.
     */
    @Test
    void collectorRestartWithoutAcks() throws Exception {
        restart(false);
    }

    @Test
    void collectorRestartWithAcks() throws Exception {
        restart(true);
    }

    private void restart(boolean ack) throws Exception {
        ForwardReceiver first = ForwardReceiver.tcp();
        int port = first.port();
        FluentdDriver d = open(container(null, Map.of(), Map.of()), opts("fluentd-address", first.address(),
                "fluentd-request-ack", Boolean.toString(ack), "fluentd-retry-wait", "20ms"));
        d.write(rec(LogStream.STDOUT, T, "before\n", false));
        d.flush();
        assertEquals(1, first.await(1, WAIT).size());
        first.close();
        if (!ack) {
            // TCP takes this write: the connection is only half closed until the peer answers it with a reset
            d.write(rec(LogStream.STDOUT, T, "during\n", false));
            d.flush();
        }
        WatchedThread watched = new WatchedThread();
        CompletableFuture<Void> during = watched.runAsync(() -> {
            try {
                if (ack) {
                    d.write(rec(LogStream.STDOUT, T, "during\n", false));
                    d.flush(); // the ack does not come: the connection ends instead
                }
                d.write(rec(LogStream.STDOUT, T, "during2\n", false));
                d.flush(); // blocks until the collector is back
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        watched.awaitTimedWaiting("the flush in a back-off sleep while no collector listens", Duration.ofSeconds(10));
        assertFalse(during.isDone(), "a flush returned while no collector listened");
        try (ForwardReceiver second = new ForwardReceiver(null, port, n -> true)) {
            during.get(WAIT, TimeUnit.MILLISECONDS);
            d.write(rec(LogStream.STDOUT, T, "after\n", false));
            d.flush();
            d.close();
            List<String> logs = second.await(ack ? 3 : 2, WAIT).stream().map(e -> e.field("log")).toList();
            List<String> expected = ack || logs.contains("during") ? List.of("during", "during2", "after")
                    : List.of("during2", "after");
            assertEquals(expected, logs);
            assertEquals(List.of("before"), first.events().stream().map(e -> e.field("log")).toList());
            assertEquals(List.of(), second.errors());
            assertTrue(warnings.stream().anyMatch(w -> w.startsWith("lost connection to tcp://127.0.0.1:" + port)),
                    warnings.toString());
            assertTrue(warnings.stream().anyMatch(w -> w.startsWith("reconnected to tcp://127.0.0.1:" + port)),
                    warnings.toString());
        }
    }

    /**
     * fluentd-max-retries=0 and a 300-byte buffer with the collector away (fluentd-async: started without it): a
     * flush gives up at once, its records are kept, later ones are added until the buffer is full, the rest are
     * dropped and reported; when the collector is back the kept records arrive and the drop count is reported.
     */
    @Test
    void bufferLimitDropsAreReported() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        FluentdDriver d = open(container(null, Map.of(), Map.of()), opts("fluentd-address", "127.0.0.1:" + port,
                "fluentd-async", "true", "fluentd-max-retries", "0", "fluentd-buffer-limit", "300",
                "fluentd-retry-wait", "1ms"));
        // each entry: 1 + 5 (time) + 1 + 78 (container_id) + 20 (container_name) + 14 (source) + 4 + 1 + 5 = 129
        // bytes, so two fit in 300 bytes.
        for (int i = 0; i < 5; i++) {
            d.write(rec(LogStream.STDOUT, T, "l-" + i + "\n", false));
        }
        IOException e = assertThrows(IOException.class, d::flush);
        assertTrue(e.getMessage().contains("(gave up after 0 retries); 2 records kept to be sent with the next ones"
                + " (up to fluentd-buffer-limit=300 bytes)"), e.getMessage());
        d.write(rec(LogStream.STDOUT, T, "l-5\n", false));
        assertEquals(1, warnings.stream().filter(w -> w.startsWith("fluentd-buffer-limit=300 bytes reached with 2"
                + " records not yet sent to tcp://127.0.0.1:" + port + ": dropping records")).count(), warnings.toString());
        try (ForwardReceiver rx = new ForwardReceiver(null, port, n -> true)) {
            d.flush();
            d.write(rec(LogStream.STDOUT, T, "l-6\n", false));
            d.flush();
            d.close();
            assertEquals(List.of("l-0", "l-1", "l-6"), rx.await(3, WAIT).stream().map(x -> x.field("log")).toList());
            assertTrue(warnings.contains("4 records dropped while tcp://127.0.0.1:" + port
                    + " did not take them (fluentd-buffer-limit=300 bytes)"), warnings.toString());
        }
    }

    // ------------------------------------------------------------------ start-up and options

    @Test
    void aCollectorThatIsDownIsAStartupErrorUnlessAsync() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        LogDriverException e = assertThrows(LogDriverException.class,
                () -> open(container(null, Map.of(), Map.of()), opts("fluentd-address", "tcp://127.0.0.1:" + port)));
        assertEquals("cannot connect to tcp://127.0.0.1:" + port + " (fluentd-address): Connection refused"
                + " (set fluentd-async=true to start without the collector)", e.getMessage());
        open(container(null, Map.of(), Map.of()), opts("fluentd-address", "tcp://127.0.0.1:" + port,
                "fluentd-async", "true")).close();
        open(container(null, Map.of(), Map.of()), opts("fluentd-address", "tcp://127.0.0.1:" + port,
                "fluentd-async-connect", "true")).close();
    }

    @Test
    void optionMessages() {
        Map<Map<String, String>, String> cases = new java.util.LinkedHashMap<>();
        cases.put(opts("fluentd-adress", "x"), "option fluentd-adress: unknown (known: fluentd-address, fluentd-async,"
                + " fluentd-async-connect, fluentd-buffer-limit, fluentd-retry-wait, fluentd-max-retries,"
                + " fluentd-sub-second-precision, fluentd-request-ack)");
        cases.put(opts("fluentd-async", "yes"), "option fluentd-async: 'yes' is not a boolean (true or false; also 1,"
                + " t, TRUE, 0, f, FALSE)");
        cases.put(opts("fluentd-request-ack", "on"), "option fluentd-request-ack: 'on' is not a boolean (true or"
                + " false; also 1, t, TRUE, 0, f, FALSE)");
        cases.put(opts("fluentd-async", "true", "fluentd-async-connect", "true"), "option fluentd-async-connect:"
                + " cannot be given with fluentd-async (it is the deprecated name of fluentd-async)");
        cases.put(opts("fluentd-buffer-limit", "lots"), "option fluentd-buffer-limit: 'lots' is not a size (such as"
                + " 65536, 512k, 4m, 1g)");
        cases.put(opts("fluentd-buffer-limit", "8m"), "option fluentd-buffer-limit: '8m' is above the maximum 4m");
        cases.put(opts("fluentd-retry-wait", "1x"), "option fluentd-retry-wait: '1x' is not a duration (such as"
                + " 500ms, 1s, 1m30s)");
        cases.put(opts("fluentd-retry-wait", "10ns"), "option fluentd-retry-wait: '10ns' is below the minimum 1ms");
        cases.put(opts("fluentd-retry-wait", "1h"), "option fluentd-retry-wait: '1h' is above the maximum 1m");
        cases.put(opts("fluentd-max-retries", "-1"), "option fluentd-max-retries: '-1' is below the minimum 0");
        cases.put(opts("fluentd-max-retries", "3000000000"), "option fluentd-max-retries: '3000000000' is above the"
                + " maximum 2147483647");
        cases.put(opts("fluentd-address", "udp://127.0.0.1:24224"), "option fluentd-address: 'udp://127.0.0.1:24224':"
                + " udp is not supported here (use tcp, unix)");
        cases.put(opts("fluentd-address", "unix://relative"), "option fluentd-address: 'unix://relative': a unix"
                + " socket needs an absolute path");
        cases.put(opts("fluentd-address", "host\n:1"), "option fluentd-address: 'host\\x0a:1': spaces and control"
                + " characters are not allowed in an address");
        cases.put(opts("fluentd-address", "no-such-host.invalid:24224", "fluentd-async", "true"),
                "option fluentd-address: 'tcp://no-such-host.invalid:24224': cannot resolve host 'no-such-host.invalid'");
        List<String> wrong = new ArrayList<>();
        cases.forEach((o, msg) -> {
            try {
                open(container(null, Map.of(), Map.of()), o).close();
                wrong.add(o + ": accepted");
            } catch (LogDriverException e) {
                if (!msg.equals(e.getMessage())) {
                    wrong.add(o + ": " + e.getMessage());
                }
            } catch (IOException e) {
                wrong.add(o + ": " + e);
            }
        });
        assertEquals(List.of(), wrong);
    }

    /** Tags route records in Fluentd: one with a control character or a lone surrogate is refused, not changed. */
    @Test
    void tagsWithControlCharactersAreStartUpErrors() throws Exception {
        try (ForwardReceiver rx = ForwardReceiver.tcp()) {
            for (String bad : List.of("web\nforged", "a\u0000b", "x\u2028", "\ud800", "t".repeat(1025))) {
                LogDriverException e = assertThrows(LogDriverException.class,
                        () -> open(container(bad, Map.of(), Map.of()), opts("fluentd-address", rx.address())));
                assertTrue(e.getMessage().startsWith("option tag: " + io.conmonj.plugin.DriverOptions.echo(bad) + ": a fluentd tag has"),
                        e.getMessage());
                assertTrue(e.getMessage().chars().noneMatch(c -> c < ' '), e.getMessage());
            }
            open(container("docker.web.\ud83d\ude00", Map.of(), Map.of()), opts("fluentd-address", rx.address())).close();
        }
    }

    /** Labels and env repeat in every record: at most 32768 characters of them, the rest left out with a warning. */
    @Test
    void selectedLabelsAndEnvAreCapped() throws Exception {
        try (ForwardReceiver rx = ForwardReceiver.tcp()) {
            FluentdDriver d = open(container(null, Map.of("app", "shop"), Map.of("BIG", "b".repeat(40_000))),
                    opts("fluentd-address", rx.address()));
            d.write(rec(LogStream.STDOUT, T, "x\n", false));
            d.close();
            Event e = rx.await(1, WAIT).get(0);
            assertEquals("shop", e.field("app"));
            assertNull(e.field("BIG"));
            assertEquals(List.of("1 label or env variable left out of the fluentd records (first BIG): the selected"
                    + " ones may have 32768 characters of names and values in all"), warnings);
        }
    }

    @Test
    void optionValues() throws LogDriverException {
        FluentdOptions o = FluentdOptions.parse(Map.of());
        assertEquals("tcp://127.0.0.1:24224", o.address().toString());
        assertEquals(new FluentdOptions(o.address(), false, 1 << 20, 1000, -1, false, false), o, "Docker's defaults");
        assertEquals("tcp://collector:24224", FluentdOptions.parse(Map.of("fluentd-address", "collector")).address().toString());
        assertEquals("tcp://collector:5", FluentdOptions.parse(Map.of("fluentd-address", "tcp://collector:5")).address().toString());
        assertEquals(59_500, FluentdOptions.parse(Map.of("fluentd-retry-wait", "59.5s")).retryWaitMs());
        assertEquals(60_000, FluentdOptions.parse(Map.of("fluentd-retry-wait", "1m")).retryWaitMs());
        assertEquals(4 << 20, FluentdOptions.parse(Map.of("fluentd-buffer-limit", "4m")).bufferLimit());
        assertTrue(FluentdOptions.parse(Map.of("fluentd-async", "")).async() == false, "empty: Docker's default");
        assertEquals(3, FluentdOptions.parse(Map.of("fluentd-max-retries", "3")).maxRetries());
    }

    // ------------------------------------------------------------------ the test receiver's other modes

    /** The receiver also takes the spec's Message, Forward and CompressedPackedForward modes (hand-built here). */
    @Test
    void receiverAcceptsEveryEventMode() throws Exception {
        try (ForwardReceiver rx = ForwardReceiver.tcp(); Socket s = new Socket(InetAddress.getLoopbackAddress(), rx.port())) {
            MsgPackWriter w = new MsgPackWriter(256);
            // Message: [tag, time, record, option]
            w.arrayHeader(4).str("m").uint(5).mapHeader(1).str("k").str("v1").mapHeader(1).str("chunk").str("c1");
            // Forward: [tag, [[time, record], [time, record]]]
            w.arrayHeader(2).str("f").arrayHeader(2)
                    .arrayHeader(2).eventTime(6, 7).mapHeader(1).str("k").str("v2")
                    .arrayHeader(2).uint(8).mapHeader(1).str("k").str("v3");
            // CompressedPackedForward: [tag, gzip(entries), {compressed: "gzip", size: 1}]
            MsgPackWriter entry = new MsgPackWriter(32).arrayHeader(2).uint(9).mapHeader(1).str("k").str("v4");
            ByteArrayOutputStream gz = new ByteArrayOutputStream();
            try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
                g.write(entry.toByteArray());
            }
            byte[] z = gz.toByteArray();
            w.arrayHeader(3).str("c").binHeader(z.length).raw(z, 0, z.length)
                    .mapHeader(2).str("compressed").str("gzip").str("size").uint(1);
            s.getOutputStream().write(w.toByteArray());
            List<Event> ev = rx.await(4, WAIT);
            assertEquals(List.of("m/Message/5/v1", "f/Forward/6/v2", "f/Forward/8/v3", "c/CompressedPackedForward/9/v4"),
                    ev.stream().map(e -> e.tag() + "/" + e.mode() + "/" + e.time().seconds() + "/" + e.field("k")).toList());
            assertEquals(new ForwardReceiver.Time(6, 7, true), ev.get(1).time());
            InputStream in = s.getInputStream();
            byte[] ack = in.readNBytes(1 + 4 + 3);
            assertEquals("81a3" + ascii("ack") + "a2" + ascii("c1"), HexFormat.of().formatHex(ack));
            assertNull(ev.get(1).chunk());
            assertEquals(List.of(), rx.errors());
        }
    }
}
