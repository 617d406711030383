package io.conmonj.pluginc;

import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogDriverException;
import io.conmonj.plugin.LogRecord;
import io.conmonj.plugin.LogStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plugin faults of the fault matrix at the driver's level, with the real conmon-j-plugin-host
 * (target/dist) and the purpose-built faulty.so: a crash, an abort(), exit(), an endless loop, RETRY
 * for ever and an init() that hangs each end only the plugin's process, with the reason in the error,
 * within the deadline the options set; a healthy driver next to it is untouched. The bounds asserted
 * are the deadlines' own (call-timeout, exit grace) plus a generous margin, not speed.
 */
class PluginIsolationTest {
    static final ContainerMetadata META = new ContainerMetadata("feedbeef", "c", null, Map.of(), Map.of(), null);
    /** Added to every deadline before a test calls it missed (a loaded machine, the backstop). */
    static final long MARGIN_MS = 3_000;

    @TempDir
    Path tmp;

    final CPluginProvider provider = new CPluginProvider();

    static String so(String name) {
        return CPluginProviderTest.so(name);
    }

    LogDriver open(String plugin, String... kv) throws LogDriverException {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("plugin", plugin);
        for (String s : kv) {
            int eq = s.indexOf('=');
            options.put(s.substring(0, eq), s.substring(eq + 1));
        }
        return provider.open(META, options, w -> { });
    }

    static LogRecord rec(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return new LogRecord(LogStream.STDOUT, 1, b, 0, b.length, false);
    }

    static void deliver(LogDriver d, String s) throws IOException {
        d.write(rec(s));
        d.flush();
    }

    /** Every conmon-j-plugin-host process that is a child of this JVM. */
    static List<Long> hostChildren() {
        return ProcessHandle.current().children().filter(p -> p.info().command().orElse("")
                .endsWith("conmon-j-plugin-host")).map(ProcessHandle::pid).toList();
    }

    /** A fault in write: the error names it, later calls say the driver is disabled, close is quiet, no process is left. */
    void faultInWrite(String fault, String expected, String... extra) throws Exception {
        Path out = tmp.resolve("out");
        Path healthyOut = tmp.resolve("healthy");
        List<Long> before = hostChildren();
        String[] kv = Stream.concat(Stream.of("fault=" + fault, "after=2", "out=" + out), Stream.of(extra))
                .toArray(String[]::new);
        LogDriver faulty = open(so("faulty"), kv);
        LogDriver healthy = open(so("file-plugin"), "path=" + healthyOut);
        deliver(faulty, "one\n");
        deliver(healthy, "one\n");
        long t0 = System.nanoTime();
        IOException e = assertThrows(IOException.class, () -> deliver(faulty, "two\n"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals("log plugin " + so("faulty") + ": " + expected, e.getMessage());
        IOException again = assertThrows(IOException.class, () -> deliver(faulty, "three\n"));
        assertEquals("log plugin " + so("faulty") + " is disabled after an earlier error: " + expected, again.getMessage());
        deliver(healthy, "two\n");
        faulty.close();
        healthy.close();
        assertEquals("one\n", Files.readString(out), "what reached the plugin before the fault");
        assertEquals("stdout 1 F 4\none\n\nstdout 1 F 4\ntwo\n\n", Files.readString(healthyOut));
        assertEquals(before, hostChildren(), "a plugin host process was left behind");
        assertTrue(ms < 1_000 + MARGIN_MS || fault.equals("loop"), fault + " took " + ms + " ms to be reported");
    }

    @Test
    void segfaultInWrite() throws Exception {
        faultInWrite("segv", "crashed with signal 11 (SIGSEGV) in write");
    }

    @Test
    void abortInWrite() throws Exception {
        faultInWrite("abort", "crashed with signal 6 (SIGABRT) in write");
    }

    @Test
    void exitInWrite() throws Exception {
        faultInWrite("exit", "called exit() in write");
    }

    @Test
    void endlessLoopInWriteEndsAtTheCallTimeout() throws Exception {
        long t0 = System.nanoTime();
        faultInWrite("loop", "write did not return within 500 ms (call-timeout); plugin host ended", "call-timeout=500ms");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 500 && ms < 500 + MARGIN_MS, "the loop ended after " + ms + " ms");
    }

    @Test
    void retryForEverIsRetriedThenReportedAndTheNextBatchTriedAgain() throws Exception {
        Path out = tmp.resolve("out");
        try (LogDriver d = open(so("faulty"), "fault=retry", "after=2", "out=" + out, "plugin-retries=3")) {
            deliver(d, "one\n");
            IOException e = assertThrows(IOException.class, () -> deliver(d, "two\n"));
            assertEquals("log plugin " + so("faulty") + ": write still failing after 4 attempts: collector busy (for ever)",
                    e.getMessage());
            IOException again = assertThrows(IOException.class, () -> deliver(d, "three\n"));
            assertTrue(again.getMessage().contains("still failing"), again.getMessage());
        }
        assertEquals("one\n", Files.readString(out));
    }

    @Test
    void retryForEverEndsWithinTheExitGraceOnceTheContainerExited() throws Exception {
        // retries enough to outlast any test, a call-timeout longer still: only the exit ends the wait
        try (LogDriver d = open(so("faulty"), "fault=retry", "plugin-retries=1000", "call-timeout=300s")) {
            d.write(rec("x\n"));
            Thread exit = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    return;
                }
                d.containerExited();
            });
            long t0 = System.nanoTime();
            IOException e = assertThrows(IOException.class, d::flush);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            exit.join();
            assertEquals("log plugin " + so("faulty") + ": write still running 2000 ms after the container exited;"
                    + " plugin host ended", e.getMessage());
            assertTrue(ms < 300 + LogDriver.EXIT_GRACE_MILLIS + MARGIN_MS, "ended after " + ms + " ms");
        }
    }

    @Test
    void containerExitedReachesAPluginWaitingInWrite() throws Exception {
        Path exited = tmp.resolve("exited");
        Path out = tmp.resolve("out");
        try (LogDriver d = open(so("faulty"), "fault=until-exit", "exited=" + exited, "out=" + out)) {
            d.write(rec("waits\n"));
            Thread exit = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
                d.containerExited();
            });
            d.flush(); // returns once the plugin's container_exited ran, concurrently with its write
            exit.join();
        }
        assertTrue(Files.exists(exited), "container_exited was not called");
        assertEquals("waits\n", Files.readString(out));
    }

    @Test
    void initThatHangsFailsTheStartWithinTheCallTimeout() {
        List<Long> before = hostChildren();
        long t0 = System.nanoTime();
        LogDriverException e = assertThrows(LogDriverException.class,
                () -> open(so("faulty"), "fault=init-hang", "call-timeout=400ms"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals("log plugin " + so("faulty") + ": init did not return within 400 ms (call-timeout); plugin host ended",
                e.getMessage());
        assertTrue(ms >= 400 && ms < 400 + MARGIN_MS, "init ended after " + ms + " ms");
        assertEquals(before, hostChildren());
    }

    @Test
    void callTimeoutIsBounded() {
        Map<String, String> expected = Map.of(
                "50ms", "option call-timeout: '50ms' is below the minimum 100ms",
                "301s", "option call-timeout: '301s' is above the maximum 5m",
                "soon", "option call-timeout: 'soon' is not a duration (such as 500ms, 1s, 1m30s)",
                "9".repeat(80), "option call-timeout: '" + "9".repeat(64) + "'... (80 characters) is not a duration (such as 500ms, 1s, 1m30s)");
        expected.forEach((bad, message) -> assertEquals(message, assertThrows(LogDriverException.class,
                () -> open(so("faulty"), "call-timeout=" + bad)).getMessage()));
    }

    @Test
    void isolationIsOneOfTwo() {
        LogDriverException e = assertThrows(LogDriverException.class, () -> open(so("faulty"), "isolation=none"));
        assertEquals("option isolation: 'none' is not one of process, in-process", e.getMessage());
    }

    @Test
    void theMonitorsEnvironmentAndDescriptorsDoNotReachThePlugin() throws Exception {
        // the host's environment is PATH only: read it back through /proc of the live host
        List<Long> before = hostChildren();
        try (LogDriver d = open(so("faulty"))) {
            List<Long> hosts = new java.util.ArrayList<>(hostChildren());
            hosts.removeAll(before);
            assertEquals(1, hosts.size());
            String env = Files.readString(Path.of("/proc/" + hosts.getFirst() + "/environ"));
            assertEquals("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\0", env);
            assertFalse(Files.readString(Path.of("/proc/" + hosts.getFirst() + "/cmdline")).isEmpty());
            // stdio on /dev/null: the monitor's stdio are Podman's pipes until it detaches
            for (int fd = 0; fd <= 2; fd++) {
                assertEquals(Path.of("/dev/null"), Files.readSymbolicLink(Path.of("/proc/" + hosts.getFirst() + "/fd/" + fd)));
            }
            // and nothing but its socket, the plugin and the exit pipe beyond them
            try (var fds = Files.list(Path.of("/proc/" + hosts.getFirst() + "/fd"))) {
                assertEquals(List.of("0", "1", "2", "3", "5"), fds.map(f -> f.getFileName().toString()).sorted().toList(),
                        "after init the host has closed the plugin's fd 4");
            }
        }
    }
}
