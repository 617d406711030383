package io.conmonj.examples;

import io.conmonj.examples.jsonlines.JsonLinesDriverProvider;
import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogDriverException;
import io.conmonj.plugin.LogDriverProvider;
import io.conmonj.plugin.LogRecord;
import io.conmonj.plugin.LogStream;
import io.conmonj.pluginc.CPluginProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The examples as users run them: the built .so files through the c-plugin driver, the Java driver by ServiceLoader. */
class ExamplesTest {

    static final Path PLUGINS = Path.of(System.getProperty("conmonj.examples.plugins", "target/plugins")).toAbsolutePath();
    static final ContainerMetadata META = new ContainerMetadata("c0ffee0123456789", "web", null, Map.of(), Map.of(), null);

    @TempDir
    Path tmp;

    final List<String> warnings = new ArrayList<>();

    static String so(String name) {
        return PLUGINS.resolve(name + ".so").toString();
    }

    LogDriver cplugin(String plugin, String... kv) throws LogDriverException {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("plugin", plugin);
        for (String s : kv) {
            options.put(s.substring(0, s.indexOf('=')), s.substring(s.indexOf('=') + 1));
        }
        return new CPluginProvider().open(META, options, warnings::add);
    }

    static LogRecord rec(LogStream stream, long ts, byte[] b, boolean partial) {
        return new LogRecord(stream, ts, b, 0, b.length, partial);
    }

    static byte[] frame(String stream, long ts, boolean partial, byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes((stream + " " + ts + " " + (partial ? "P" : "F") + " " + bytes.length + "\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(bytes);
        out.write('\n');
        return out.toByteArray();
    }

    static byte[] binary() {
        byte[] b = new byte[70_000];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 7);
        }
        return b;
    }

    /** Writes records, returns the bytes the plugin is expected to produce for them. */
    static byte[] writeSample(LogDriver d) throws IOException {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        byte[] hello = "hello\n".getBytes();
        d.write(rec(LogStream.STDOUT, 1_700_000_000_000_000_001L, hello, false));
        expected.writeBytes(frame("stdout", 1_700_000_000_000_000_001L, false, hello));
        byte[] bin = binary();
        d.write(rec(LogStream.STDERR, 2, bin, true));
        expected.writeBytes(frame("stderr", 2, true, bin));
        d.flush();
        return expected.toByteArray();
    }

    @Test
    void builtPluginsAreThere() {
        assertTrue(Files.isRegularFile(Path.of(so("file-plugin"))));
        assertTrue(Files.isRegularFile(Path.of(so("socket-plugin"))));
    }

    @Test
    void filePlugin() throws Exception {
        Path out = tmp.resolve("out");
        byte[] expected;
        try (LogDriver d = cplugin(so("file-plugin"), "path=" + out)) {
            expected = writeSample(d);
        }
        assertArrayEquals(expected, Files.readAllBytes(out));
    }

    /** Accepts one connection and returns everything read from it until EOF. */
    static CompletableFuture<byte[]> collectOne(ServerSocketChannel server) {
        return CompletableFuture.supplyAsync(() -> {
            try (SocketChannel c = server.accept(); InputStream in = Channels.newInputStream(c)) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
    }

    @Test
    void socketPluginOverUnixSocket() throws Exception {
        Path sock = tmp.resolve("collector.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            CompletableFuture<byte[]> received = collectOne(server);
            byte[] expected;
            try (LogDriver d = cplugin(so("socket-plugin"), "address=unix://" + sock)) {
                expected = writeSample(d);
            }
            assertArrayEquals(expected, received.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void socketPluginOverTcp() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            CompletableFuture<byte[]> received = collectOne(server);
            byte[] expected;
            try (LogDriver d = cplugin(so("socket-plugin"), "address=tcp://127.0.0.1:" + port, "timeout-ms=2000")) {
                expected = writeSample(d);
            }
            assertArrayEquals(expected, received.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void socketPluginReconnectsAfterThePeerWentAway() throws Exception {
        Path sock = tmp.resolve("collector.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            LogDriver d = cplugin(so("socket-plugin"), "address=unix://" + sock);
            // the first collector reads one frame and hangs up
            try (SocketChannel c = server.accept()) {
                d.write(rec(LogStream.STDOUT, 1, "one\n".getBytes(), false));
                d.flush(); // the records of one read reach a plugin in its own process at flush
                byte[] first = frame("stdout", 1, false, "one\n".getBytes());
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                InputStream in = Channels.newInputStream(c);
                while (got.size() < first.length) {
                    got.write(in.read());
                }
                assertArrayEquals(first, got.toByteArray());
            }
            CompletableFuture<byte[]> second = collectOne(server);
            // writes into the dead connection may still succeed (kernel buffer) until EPIPE,
            // then the plugin reconnects and sends the frame again
            byte[] two = frame("stdout", 2, false, "two\n".getBytes());
            for (int i = 0; i < 3; i++) {
                d.write(rec(LogStream.STDOUT, 2, "two\n".getBytes(), false));
                d.flush();
            }
            d.close();
            byte[] got = second.get(10, TimeUnit.SECONDS);
            assertTrue(got.length > 0 && got.length % two.length == 0, new String(got));
            for (int i = 0; i < got.length; i += two.length) {
                assertArrayEquals(two, Arrays.copyOfRange(got, i, i + two.length));
            }
        }
    }

    @Test
    void socketPluginErrors() {
        Path missing = tmp.resolve("nobody.sock");
        LogDriverException e = assertThrows(LogDriverException.class,
                () -> cplugin(so("socket-plugin"), "address=unix://" + missing));
        assertEquals("log plugin " + so("socket-plugin") + ": cannot connect to unix://" + missing
                + ": No such file or directory", e.getMessage());
        e = assertThrows(LogDriverException.class, () -> cplugin(so("socket-plugin"), "address=udp://x:1"));
        assertEquals("log plugin " + so("socket-plugin") + ": bad address \"udp://x:1\" (want unix:///path or"
                + " tcp://host:port)", e.getMessage());
        e = assertThrows(LogDriverException.class, () -> cplugin(so("socket-plugin")));
        assertEquals("log plugin " + so("socket-plugin") + ": option address= is required (unix:///path or"
                + " tcp://host:port)", e.getMessage());
    }

    @Test
    void javaDriverIsFoundAndWritesJsonLines() throws Exception {
        LogDriverProvider p = ServiceLoader.load(LogDriverProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(x -> x.name().equals("example-jsonl")).findFirst().orElseThrow();
        assertTrue(p instanceof JsonLinesDriverProvider);
        Path out = tmp.resolve("out.jsonl");
        try (LogDriver d = p.open(META, Map.of("path", out.toString()), warnings::add)) {
            d.write(rec(LogStream.STDOUT, 5, "say \"hi\"\t\n".getBytes(), false));
            d.write(rec(LogStream.STDERR, 6, new byte[] {(byte) 0xff, 0, 'a'}, true));
        }
        assertEquals("""
                {"time_ns":5,"stream":"stdout","partial":false,"id":"c0ffee0123456789","name":"web","log":"say \\"hi\\"\\t\\n"}
                {"time_ns":6,"stream":"stderr","partial":true,"id":"c0ffee0123456789","name":"web","log_base64":"/wBh"}
                {"records":2,"bytes":13}
                """, Files.readString(out));
        LogDriverException e = assertThrows(LogDriverException.class,
                () -> p.open(META, Map.of("path", "relative"), warnings::add));
        assertEquals("option path: 'relative' is not an absolute file name", e.getMessage(),
                "the host puts 'log driver NAME: ' in front");
    }
}
