package io.conmonj.pluginc;

import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogDriverException;
import io.conmonj.plugin.LogDriverProvider;
import io.conmonj.plugin.LogRecord;
import io.conmonj.plugin.LogStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The c-plugin driver against purpose-built plugins, in its default isolation (each instance in a
 * conmon-j-plugin-host process); {@link InProcessCPluginProviderTest} runs every case again with
 * isolation=in-process. Errors of write() surface where the driver reports them: at once in process,
 * with the batch's reply (flush) out of process; the cases deliver records as the host does, write
 * then flush.
 */
class CPluginProviderTest {

    static final Path PLUGINS = Path.of(System.getProperty("conmonj.test.plugins", "target/test-plugins"))
            .toAbsolutePath();
    static final ContainerMetadata META = new ContainerMetadata("0123456789abcdef0123", "web", "mytag",
            Map.of("b", "2", "a", "1=one"), Map.of("PATH", "/bin"), "docker.io/library/busybox:latest");

    @TempDir
    Path tmp;

    final List<String> warnings = new ArrayList<>();
    final CPluginProvider provider = new CPluginProvider();

    static String so(String name) {
        return PLUGINS.resolve(name + ".so").toString();
    }

    LogDriver open(String plugin, String... kv) throws LogDriverException {
        return open(provider, plugin, kv);
    }

    /** Options every case adds (the isolation under test). */
    List<String> isolation() {
        return List.of();
    }

    /** One read's worth, as the host's blocking slot delivers it: the record, then flush. */
    static void deliver(LogDriver d, LogRecord r) throws IOException {
        d.write(r);
        d.flush();
    }

    LogDriver open(LogDriverProvider p, String plugin, String... kv) throws LogDriverException {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("plugin", plugin);
        for (String s : isolation()) {
            int eq = s.indexOf('=');
            options.put(s.substring(0, eq), s.substring(eq + 1));
        }
        for (String s : kv) {
            int eq = s.indexOf('=');
            options.put(s.substring(0, eq), s.substring(eq + 1));
        }
        return p.open(META, options, warnings::add);
    }

    String openError(String plugin, String... kv) {
        return assertThrows(LogDriverException.class, () -> open(plugin, kv)).getMessage();
    }

    static LogRecord rec(LogStream stream, long ts, String s, boolean partial) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return new LogRecord(stream, ts, b, 0, b.length, partial);
    }

    List<String> calls(Path file) throws IOException {
        return Files.readAllLines(file);
    }

    // --- finding and loading -------------------------------------------------------------

    @Test
    void registeredWithServiceLoader() {
        LogDriverProvider found = ServiceLoader.load(LogDriverProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.name().equals("c-plugin")).findFirst().orElseThrow();
        assertInstanceOf(CPluginProvider.class, found);
    }

    @Test
    void pluginOptionIsRequired() {
        LogDriverException e = assertThrows(LogDriverException.class,
                () -> provider.open(META, Map.of("path", "/x"), warnings::add));
        assertEquals("option plugin: required", e.getMessage());
    }

    @Test
    void relativePath() {
        assertEquals("cannot open log plugin x.so: the path must be absolute (option plugin=/path/to/plugin.so)",
                openError("x.so"));
    }

    @Test
    void missingFile() {
        assertEquals("cannot open log plugin /nonexistent/x.so: No such file or directory", openError("/nonexistent/x.so"));
    }

    @Test
    void notASharedObject() throws IOException {
        Path bad = tmp.resolve("bad.so");
        Files.writeString(bad, "not an ELF file, but long enough for dlopen to read its header\n".repeat(4));
        // dlopen's own words, as dlerror() gave them
        assertEquals("cannot open log plugin " + bad + ": " + bad + ": invalid ELF header", openError(bad.toString()));
    }

    @Test
    void missingEntrySymbol() {
        assertEquals("log plugin " + so("no-entry") + ": does not export conmon_log_plugin_entry() (is it a"
                + " conmon-j log plugin built with conmon_log_plugin.h?)", openError(so("no-entry")));
    }

    @Test
    void wrongAbiVersion() {
        assertEquals("log plugin " + so("abi-2") + " speaks ABI 2, conmon-j speaks 1", openError(so("abi-2")));
    }

    @Test
    void descriptorOfTheFirstAbi1HeaderIsAcceptedAndNotReadPastItsSize() throws Exception {
        // size 64 (before container_exited); the word after it is 0x1: calling it would crash
        try (LogDriver d = open(so("old-descriptor"))) {
            deliver(d, rec(LogStream.STDOUT, 1, "x\n", false));
            d.containerExited();
            deliver(d, rec(LogStream.STDOUT, 2, "y\n", false));
        }
    }

    @Test
    void requiredFunctionMissing() {
        assertEquals("log plugin " + so("no-write") + ": its descriptor has no write function (NULL)",
                openError(so("no-write")));
    }

    @Test
    void badRetriesOption() {
        assertEquals("option plugin-retries: 'many' is not an integer (0 to 1000)",
                openError(so("scripted"), "plugin-retries=many"));
        assertEquals("option plugin-retries: '1001' is above the maximum 1000",
                openError(so("scripted"), "plugin-retries=1001"));
    }

    // --- init ------------------------------------------------------------------------------

    @Test
    void initFailureCarriesThePluginsMessage() {
        assertEquals("log plugin " + so("scripted") + ": cannot reach collector at 10.0.0.1:24224: Connection refused",
                openError(so("scripted"), "calls=" + tmp.resolve("calls"),
                        "init-fail=cannot reach collector at 10.0.0.1:24224: Connection refused"));
    }

    @Test
    void initRetryThenSuccess() throws Exception {
        Path counter = tmp.resolve("counter");
        Files.writeString(counter, "3\n");
        Path calls = tmp.resolve("calls");
        try (LogDriver d = open(so("scripted"), "calls=" + calls, "init-retry=" + counter)) {
            assertEquals("0", Files.readString(counter).strip());
            assertTrue(calls(calls).getFirst().startsWith("init "));
        }
    }

    @Test
    void initRetriesExhausted() throws IOException {
        Path counter = tmp.resolve("counter");
        Files.writeString(counter, "5\n");
        assertEquals("log plugin " + so("scripted") + ": init still failing after 3 attempts: collector not up yet",
                openError(so("scripted"), "plugin-retries=2", "calls=" + tmp.resolve("calls"), "init-retry=" + counter));
        assertEquals("2", Files.readString(counter).strip());
    }

    @Test
    void initReceivesOptionsInOrderAndTheMetadata() throws Exception {
        Path calls = tmp.resolve("calls");
        try (LogDriver d = open(so("scripted"), "zeta=last but first", "calls=" + calls, "plugin-retries=3",
                "alpha=a=b")) {
            assertEquals(List.of(
                    "init argc=3 meta.size=56",
                    "argv zeta=last but first",
                    "argv calls=" + calls,
                    "argv alpha=a=b",
                    "argv[argc] NULL",
                    "id 0123456789abcdef0123",
                    "name web",
                    "tag mytag",
                    "image docker.io/library/busybox:latest",
                    "label a=1=one",
                    "label b=2",
                    "env PATH=/bin"), calls(calls));
        }
    }

    @Test
    void unknownMetadataIsNull() throws Exception {
        Path calls = tmp.resolve("calls");
        ContainerMetadata bare = new ContainerMetadata("abc", null, null, Map.of(), Map.of(), null);
        try (LogDriver d = provider.open(bare, Map.of("plugin", so("scripted"), "calls", calls.toString()),
                warnings::add)) {
            assertEquals(List.of("init argc=1 meta.size=56", "argv calls=" + calls, "argv[argc] NULL", "id abc",
                    "name (null)", "tag (null)", "image (null)"), calls(calls));
        }
    }

    // --- run time --------------------------------------------------------------------------

    @Test
    void recordFieldsAndCallOrder() throws Exception {
        Path calls = tmp.resolve("calls");
        LogDriver d = open(so("scripted"), "calls=" + calls);
        d.write(rec(LogStream.STDOUT, 1_700_000_000_123_456_789L, "hello\n", false));
        d.write(rec(LogStream.STDERR, -5, "tail", true));
        d.write(new LogRecord(LogStream.STDOUT, 7, new byte[0], 0, 0, true));
        d.flush();
        d.reopen();
        d.close();
        d.close(); // a second close is a no-op
        List<String> lines = calls(calls);
        assertEquals(List.of(
                "write 1 size=40 stream=1 flags=0 ts=1700000000123456789 len=6",
                "write 2 size=40 stream=2 flags=1 ts=-5 len=4",
                "write 3 size=40 stream=1 flags=1 ts=7 len=0",
                "flush", "reopen", "close"), lines.subList(lines.size() - 6, lines.size()));
        IOException e = assertThrows(IOException.class, () -> d.write(rec(LogStream.STDOUT, 1, "x\n", false)));
        assertEquals("log plugin " + so("scripted") + ": write after close", e.getMessage());
    }

    @Test
    void writeRetryThenSuccess() throws Exception {
        Path calls = tmp.resolve("calls");
        try (LogDriver d = open(so("scripted"), "calls=" + calls, "write-retry=2")) {
            d.write(rec(LogStream.STDOUT, 1, "a\n", false));
            d.write(rec(LogStream.STDOUT, 2, "b\n", false));
        }
        List<String> writes = calls(calls).stream().filter(l -> l.startsWith("write")).toList();
        // the same record three times (two RETRYs), then the next one once
        assertEquals(List.of("write 1 size=40 stream=1 flags=0 ts=1 len=2", "write 2 size=40 stream=1 flags=0 ts=1 len=2",
                "write 3 size=40 stream=1 flags=0 ts=1 len=2", "write 4 size=40 stream=1 flags=0 ts=2 len=2"), writes);
    }

    @Test
    void writeRetriesExhaustedIsAnIOExceptionButNotFatal() throws Exception {
        Path calls = tmp.resolve("calls");
        try (LogDriver d = open(so("scripted"), "calls=" + calls, "write-retry=4", "plugin-retries=2")) {
            IOException e = assertThrows(IOException.class, () -> deliver(d, rec(LogStream.STDOUT, 1, "a\n", false)));
            assertEquals("log plugin " + so("scripted") + ": write still failing after 3 attempts: busy 3", e.getMessage());
            deliver(d, rec(LogStream.STDOUT, 2, "b\n", false)); // busy 4, then accepted
        }
        assertEquals(5, calls(calls).stream().filter(l -> l.startsWith("write")).count());
    }

    @Test
    void writeFatalDisablesTheInstanceButCloseIsStillCalled() throws Exception {
        Path calls = tmp.resolve("calls");
        LogDriver d = open(so("scripted"), "calls=" + calls, "write-fatal-at=2");
        deliver(d, rec(LogStream.STDOUT, 1, "a\n", false));
        IOException e = assertThrows(IOException.class, () -> deliver(d, rec(LogStream.STDOUT, 2, "b\n", false)));
        assertEquals("log plugin " + so("scripted") + ": write: disk on fire", e.getMessage());
        IOException again = assertThrows(IOException.class, () -> deliver(d, rec(LogStream.STDOUT, 3, "c\n", false)));
        assertEquals("log plugin " + so("scripted") + " is disabled after an earlier error: write: disk on fire",
                again.getMessage());
        assertThrows(IOException.class, d::flush);
        d.close();
        List<String> lines = calls(calls);
        assertEquals(2, lines.stream().filter(l -> l.startsWith("write")).count());
        assertEquals("close", lines.getLast());
        assertEquals(1, lines.stream().filter(l -> l.equals("flush")).count()); // after the first record only
    }

    @Test
    void unknownStatusIsFatal() throws Exception {
        try (LogDriver d = open(so("scripted"), "calls=" + tmp.resolve("calls"), "write-status=7")) {
            IOException e = assertThrows(IOException.class, () -> deliver(d, rec(LogStream.STDOUT, 1, "a\n", false)));
            assertEquals("log plugin " + so("scripted") + ": write: status 7", e.getMessage());
        }
    }

    @Test
    void flushAndCloseErrors() throws Exception {
        LogDriver d = open(so("scripted"), "calls=" + tmp.resolve("calls"), "flush-fatal=ack timeout",
                "close-fatal=lost 3 records");
        IOException e = assertThrows(IOException.class, d::flush);
        assertEquals("log plugin " + so("scripted") + ": flush: ack timeout", e.getMessage());
        IOException c = assertThrows(IOException.class, d::close);
        assertEquals("log plugin " + so("scripted") + ": close: lost 3 records", c.getMessage());
    }

    @Test
    void twoInstancesOfOnePlugin() throws Exception {
        Path c1 = tmp.resolve("c1");
        Path c2 = tmp.resolve("c2");
        try (LogDriver d1 = open(so("scripted"), "calls=" + c1); LogDriver d2 = open(so("scripted"), "calls=" + c2)) {
            d1.write(rec(LogStream.STDOUT, 1, "one\n", false));
            d2.write(rec(LogStream.STDERR, 2, "two\n", false));
            d2.write(rec(LogStream.STDERR, 3, "two\n", false));
        }
        assertEquals(1, calls(c1).stream().filter(l -> l.startsWith("write")).count());
        assertEquals(2, calls(c2).stream().filter(l -> l.startsWith("write")).count());
    }

    @Test
    void pluginStaysLoadedAcrossGarbageCollections() throws Exception {
        // JNA dlclose()s a NativeLibrary that becomes unreachable: the loader must hold it
        Path out = tmp.resolve("out.log");
        try (LogDriver d = open(so("file-plugin"), "path=" + out)) {
            for (int i = 0; i < 5; i++) {
                byte[][] garbage = new byte[1000][];
                for (int j = 0; j < garbage.length; j++) {
                    garbage[j] = new byte[1024];
                }
                System.gc();
                Thread.sleep(20);
            }
            d.write(rec(LogStream.STDOUT, 1, "still here\n", false));
        }
        assertEquals("stdout 1 F 11\nstill here\n\n", Files.readString(out));
    }

    @Test
    void calledFromAnotherThreadThanInit() throws Exception {
        Path out = tmp.resolve("out.log");
        LogDriver d = open(so("file-plugin"), "path=" + out);
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                d.write(rec(LogStream.STDERR, 9, "from a worker\n", false));
                d.flush();
                d.close();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        t.join();
        assertEquals("stderr 9 F 14\nfrom a worker\n\n", Files.readString(out));
    }

    // --- the file-plugin example, byte for byte ----------------------------------------------

    static byte[] frame(String stream, long ts, boolean partial, byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes((stream + " " + ts + " " + (partial ? "P" : "F") + " " + bytes.length + "\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(bytes);
        out.write('\n');
        return out.toByteArray();
    }

    @Test
    void filePluginRoundTrip() throws Exception {
        Path out = tmp.resolve("out.log");
        byte[] binary = new byte[256];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        byte[] big = new byte[300_000]; // larger than the loader's first native buffer
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31 + 7);
        }
        byte[] framed = new byte[10];
        java.util.Arrays.fill(framed, (byte) 'x');
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (LogDriver d = open(so("file-plugin"), "path=" + out)) {
            d.write(rec(LogStream.STDOUT, 1_700_000_000_000_000_001L, "hello\n", false));
            expected.writeBytes(frame("stdout", 1_700_000_000_000_000_001L, false, "hello\n".getBytes()));
            d.write(new LogRecord(LogStream.STDERR, 2, binary, 0, binary.length, true));
            expected.writeBytes(frame("stderr", 2, true, binary));
            d.write(new LogRecord(LogStream.STDOUT, 3, new byte[0], 0, 0, true));
            expected.writeBytes(frame("stdout", 3, true, new byte[0]));
            // offset/length into a larger array
            byte[] window = "....in the middle\n....".getBytes();
            d.write(new LogRecord(LogStream.STDOUT, 4, window, 4, 14, false));
            expected.writeBytes(frame("stdout", 4, false, "in the middle\n".getBytes()));
            d.write(new LogRecord(LogStream.STDERR, 5, big, 0, big.length, false));
            expected.writeBytes(frame("stderr", 5, false, big));
            d.write(rec(LogStream.STDOUT, 6, "ünïcödé\n", false));
            expected.writeBytes(frame("stdout", 6, false, "ünïcödé\n".getBytes(StandardCharsets.UTF_8)));
            d.flush();
        }
        assertTrue(java.util.Arrays.equals(expected.toByteArray(), Files.readAllBytes(out)),
                "file-plugin output differs from the records");
    }

    @Test
    void filePluginReopen() throws Exception {
        Path out = tmp.resolve("out.log");
        Path rotated = tmp.resolve("out.log.1");
        try (LogDriver d = open(so("file-plugin"), "path=" + out, "fsync=true")) {
            d.write(rec(LogStream.STDOUT, 1, "before\n", false));
            Files.move(out, rotated);
            d.reopen();
            d.write(rec(LogStream.STDOUT, 2, "after\n", false));
            d.flush();
        }
        assertEquals("stdout 1 F 7\nbefore\n\n", Files.readString(rotated));
        assertEquals("stdout 2 F 6\nafter\n\n", Files.readString(out));
    }

    @Test
    void filePluginOptionErrors() {
        assertEquals("log plugin " + so("file-plugin") + ": option path= must name an absolute file",
                openError(so("file-plugin")));
        assertEquals("log plugin " + so("file-plugin") + ": unknown option \"colour=blue\" (known: path=FILE,"
                + " fsync=true|false)", openError(so("file-plugin"), "path=/tmp/x", "colour=blue"));
        assertEquals("log plugin " + so("file-plugin") + ": cannot open /nonexistent/dir/out.log: No such file or"
                + " directory", openError(so("file-plugin"), "path=/nonexistent/dir/out.log"));
    }
}
