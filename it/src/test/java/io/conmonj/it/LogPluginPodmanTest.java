package io.conmonj.it;

import static io.conmonj.it.DriverSelection.A;
import static io.conmonj.it.DriverSelection.annotations;
import static io.conmonj.it.DriverSelection.run;
import static io.conmonj.it.ExamplePlugins.FILE_PLUGIN;
import static io.conmonj.it.ExamplePlugins.JSONL_JAR;
import static io.conmonj.it.ExamplePlugins.SOCKET_PLUGIN;
import static io.conmonj.it.PluginFrames.joined;
import static io.conmonj.it.PluginFrames.parse;
import static io.conmonj.it.PrivatePodman.base;
import static io.conmonj.it.PrivatePodman.fresh;
import static io.conmonj.it.PrivatePodman.name;
import static io.conmonj.it.PrivatePodman.ok;
import static io.conmonj.it.PrivatePodman.podman;
import static io.conmonj.it.PrivatePodman.withConmonEnv;
import static io.conmonj.it.RecordScript.SCRIPT;
import static io.conmonj.it.RecordScript.SCRIPT_ERR;
import static io.conmonj.it.RecordScript.SCRIPT_OUT;
import static io.conmonj.it.RecordScript.checkPodmanLogs;
import static io.conmonj.it.RecordScript.nowNs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conmonj.it.PluginFrames.Rec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue #4 end to end: the example C log plugins ({@code examples/target/plugins/*.so}) loaded by a real container's
 * monitor through the {@code c-plugin} driver, selected as docs/logging.md says: OCI annotations given to
 * {@code podman run --annotation}, and the monitor's environment ({@code conmon_env_vars} of containers.conf).
 * Same private store and helpers as {@link PrivatePodman}.
 *
 * <p>conmon-j only: the C conmon ignores {@code io.conmon-j.*} annotations and {@code CONMONJ_*} variables, so every
 * case skips the reference visibly ({@link MonitorUnderTest#onlyConmonJ}).
 */
@ExtendWith(PodmanEnvironment.class)
class LogPluginPodmanTest {
    static final String MONITORS = "io.conmonj.it.MonitorUnderTest#monitors";
    static final String WHY = "log drivers chosen by io.conmon-j.* annotations / CONMONJ_LOG_* (issue 4); the C conmon ignores them";

    /**
     * The records of {@link #SCRIPT}: every byte, in order per stream; P exactly on records without their line's end
     * (docs/logging.md: one record per line, the unterminated tail of a read as a partial record); timestamps within
     * the run and non-decreasing per stream.
     */
    static void checkScriptRecords(List<Rec> recs, long t0, long t1) {
        String dump = recs.stream().map(Rec::toString).reduce("", (a, b) -> a + "\n  " + b);
        assertEquals(SCRIPT_OUT, joined(recs, "stdout"), "stdout bytes in the plugin's records:" + dump);
        assertEquals(SCRIPT_ERR, joined(recs, "stderr"), "stderr bytes in the plugin's records:" + dump);
        long[] last = {0, 0};
        for (Rec r : recs) {
            String d = r.data();
            int firstNl = d.indexOf('\n');
            if (r.partial()) assertEquals(-1, firstNl, "a P record holds no line end: " + r);
            else assertEquals(d.length() - 1, firstNl, "an F record is exactly one line with its \\n: " + r);
            assertTrue(!d.isEmpty(), "no empty record: " + r);
            assertTrue(r.timestampNs() >= t0 && r.timestampNs() <= t1, "timestamp " + r.timestampNs() + " within the run [" + t0 + ", " + t1 + "]");
            int s = r.stream().equals("stdout") ? 0 : 1;
            assertTrue(r.timestampNs() >= last[s], "timestamps non-decreasing per stream:" + dump);
            last[s] = r.timestampNs();
        }
        // written with a pause after them, so they were read on their own
        assertTrue(recs.contains(find(recs, "stdout", "part", true)), "\"part\" is a partial record:" + dump);
        assertTrue(recs.contains(find(recs, "stderr", "e-part", true)), "\"e-part\" is a partial record:" + dump);
        Rec lastOut = recs.stream().filter(r -> r.stream().equals("stdout")).reduce((a, b) -> b).orElseThrow();
        assertTrue(lastOut.partial() && lastOut.data().endsWith("tail-no-newline"), "the unterminated last line is partial: " + lastOut);
        assertTrue(recs.stream().anyMatch(r -> r.partial() && r.data().matches("x+")), "the 20000-byte line spans reads:" + dump);
    }

    static Rec find(List<Rec> recs, String stream, String data, boolean partial) {
        return recs.stream().filter(r -> r.stream().equals(stream) && r.data().equals(data) && r.partial() == partial)
                .findFirst().orElse(null);
    }

    // ---------------------------------------------------------------- a socket receiver

    /** A stream socket server on its own thread: accepts connections one after another; reads them to EOF unless told not to. */
    static final class Receiver implements AutoCloseable {
        final ServerSocketChannel server;
        final String address;
        final Path socketFile;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<SocketChannel> held = new ArrayList<>();
        final CompletableFuture<Void> firstEof = new CompletableFuture<>();
        final Thread thread;
        volatile int connections;

        Receiver(Path unixPath, boolean read) throws IOException {
            if (unixPath != null) {
                Files.deleteIfExists(unixPath);
                server = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(unixPath));
                address = "unix://" + unixPath;
                socketFile = unixPath;
            } else {
                server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                address = "tcp://127.0.0.1:" + ((InetSocketAddress) server.getLocalAddress()).getPort();
                socketFile = null;
            }
            thread = new Thread(() -> serve(read), "log-receiver");
            thread.setDaemon(true);
            thread.start();
        }

        private void serve(boolean read) {
            try {
                while (true) {
                    SocketChannel c = server.accept();
                    connections++;
                    if (!read) {
                        synchronized (held) {
                            held.add(c);
                        }
                        continue;
                    }
                    try (c) {
                        ByteBuffer buf = ByteBuffer.allocate(65536);
                        while (c.read(buf.clear()) >= 0) {
                            synchronized (bytes) {
                                bytes.write(buf.array(), 0, buf.position());
                            }
                        }
                    }
                    firstEof.complete(null);
                }
            } catch (ClosedChannelException e) {
                // closed by the test
            } catch (IOException e) {
                firstEof.completeExceptionally(e);
            }
        }

        /** What was received once the (first) sender closed its end. */
        byte[] awaitEof(int seconds) throws Exception {
            try {
                firstEof.get(seconds, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("the plugin never closed its connection within " + seconds + " s; received so far: "
                        + received().length + " bytes, connections " + connections);
            }
            return received();
        }

        byte[] received() {
            synchronized (bytes) {
                return bytes.toByteArray();
            }
        }

        @Override public void close() {
            try {
                server.close();
                synchronized (held) {
                    for (SocketChannel c : held) c.close();
                }
                thread.join(5000);
                if (socketFile != null) Files.deleteIfExists(socketFile);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---------------------------------------------------------------- cases

    /** Case 1: the file plugin gets every byte as records; podman logs (k8s-file) still works. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void filePluginRecordsEveryByteAndPodmanLogsStillWorks(MonitorUnderTest m) throws IOException {
        m.onlyConmonJ(WHY);
        String n = name(m, "fileplugin");
        Path out = fresh("fileplugin.records");
        try {
            long t0 = nowNs();
            Fixtures.Proc p = run(m, n, annotations("c-plugin:f", "f", "plugin=file-plugin", "path=" + out), "sh", "-c", SCRIPT);
            long t1 = nowNs();
            assertEquals(0, p.status(), p.err());
            assertEquals(SCRIPT_OUT, p.out(), "podman run's attached stdout");
            assertEquals(SCRIPT_ERR, p.err(), "podman run's attached stderr");
            checkScriptRecords(parse(Files.readAllBytes(out)), t0, t1);
            checkPodmanLogs(m, n);
        } finally {
            podman(m, "rm", "-f", "-t", "0", n);
            Files.deleteIfExists(out);
        }
    }

    /** Case 2: the socket plugin forwards every record to a unix socket, then to a TCP one; podman logs still works. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void socketPluginForwardsEveryByteOverUnixAndTcp(MonitorUnderTest m) throws Exception {
        m.onlyConmonJ(WHY);
        for (boolean unix : new boolean[] {true, false}) {
            String n = name(m, unix ? "sockunix" : "socktcp");
            try (Receiver rx = new Receiver(unix ? PrivatePodman.base.resolve("rx.sock") : null, true)) {
                long t0 = nowNs();
                Fixtures.Proc p = run(m, n, annotations("c-plugin:fwd", "fwd", "plugin=socket-plugin", "address=" + rx.address),
                        "sh", "-c", SCRIPT);
                long t1 = nowNs();
                assertEquals(0, p.status(), p.err());
                assertEquals(SCRIPT_OUT, p.out());
                byte[] got = rx.awaitEof(30);
                System.out.println("[" + m + "] " + rx.address + ": " + got.length + " bytes in " + rx.connections + " connection(s)");
                assertEquals(1, rx.connections, "one connection, made in init");
                checkScriptRecords(parse(got), t0, t1);
                checkPodmanLogs(m, n);
            } finally {
                podman(m, "rm", "-f", "-t", "0", n);
            }
        }
    }

    /** Case 3: a driver that cannot start makes podman run fail with its message. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void driverThatCannotStartFailsPodmanRunWithItsMessage(MonitorUnderTest m) {
        m.onlyConmonJ(WHY);
        String missingDir = PrivatePodman.base.resolve("no-such-dir/x.records").toString();
        String missingSo = PrivatePodman.base.resolve("no-such.so").toString();
        record Bad(String what, List<String> annotations, String message) {}
        List<Bad> cases = List.of(
                new Bad("file plugin, path in a missing directory", annotations("c-plugin:f", "f", "plugin=file-plugin", "path=" + missingDir),
                        "log driver f (c-plugin): log plugin " + FILE_PLUGIN + ": cannot open " + missingDir + ": No such file or directory"),
                new Bad("socket plugin, required option missing", annotations("c-plugin:fwd", "fwd", "plugin=socket-plugin"),
                        "log plugin " + SOCKET_PLUGIN + ": option address= is required (unix:///path or tcp://host:port)"),
                new Bad("socket plugin, nobody listening", annotations("c-plugin:fwd", "fwd", "plugin=socket-plugin",
                        "address=unix://" + PrivatePodman.base.resolve("nobody.sock")),
                        "log plugin " + SOCKET_PLUGIN + ": cannot connect to unix://" + PrivatePodman.base.resolve("nobody.sock") + ": No such file or directory"),
                new Bad("plugin= names a path, not a registered plugin", annotations("c-plugin:f", "f", "plugin=" + missingSo, "path=" + missingDir),
                        "annotation-plugin: annotation io.conmon-j.log-opt.f.plugin=" + missingSo + ": plugins are chosen by name, never by path"),
                new Bad("unknown driver name", annotations("no-such-driver", "no-such-driver"), "unknown log driver no-such-driver (available: "));
        List<String> failures = new ArrayList<>();
        for (Bad b : cases) {
            String n = name(m, "badplugin");
            try {
                Fixtures.Proc p = run(m, n, b.annotations(), "echo", "must-not-run");
                System.out.println("[" + m + "] " + b.what() + ": status " + p.status() + ", stderr " + Json.quote(p.err()));
                if (p.status() == 0 || !p.err().contains(b.message()) || p.out().contains("must-not-run"))
                    failures.add(b.what() + ": status " + p.status() + ", out " + Json.quote(p.out()) + ", err " + Json.quote(p.err())
                            + " (expected to contain " + Json.quote(b.message()) + ")");
            } finally {
                podman(m, "rm", "-f", "-t", "0", n);
            }
        }
        assertEquals(List.of(), failures);
    }

    /**
     * Case 4: a host default through {@code conmon_env_vars} (Podman 4.3.1 passes them to the monitor): a container
     * without annotations reaches the plugin; {@code io.conmon-j.log-driver=none} does not silence it, and an annotation
     * cannot change its options (issue 10: annotations add drivers, never remove or reconfigure the administrator's).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void hostDefaultFromConmonEnvVars(MonitorUnderTest m) throws IOException {
        m.onlyConmonJ(WHY);
        Path all = fresh("all.records"), mine = fresh("mine.records");
        List<String> env = List.of("CONMONJ_LOG_DRIVER=c-plugin:all", "CONMONJ_LOG_OPTS=all.plugin=" + FILE_PLUGIN + ";all.path=" + all);
        String n1 = name(m, "envdefault"), n2 = name(m, "envoptout"), n3 = name(m, "envoverride");
        try {
            withConmonEnv(env, () -> {
                long t0 = nowNs();
                Fixtures.Proc p = run(m, n1, List.of(), "sh", "-c", SCRIPT);
                long t1 = nowNs();
                assertEquals(0, p.status(), p.err());
                try {
                    assertTrue(Files.exists(all), "CONMONJ_LOG_DRIVER from conmon_env_vars reached the monitor: no " + all);
                    checkScriptRecords(parse(Files.readAllBytes(all)), t0, t1);
                    checkPodmanLogs(m, n1);

                    ok(run(m, n2, List.of("--annotation", A + "log-driver=none"), "echo", "not-opted-out"), "run trying to opt out");
                    assertEquals("not-opted-out\n", ok(podman(m, "logs", n2), "logs").out());
                    List<Rec> recs = parse(Files.readAllBytes(all));
                    assertEquals("not-opted-out\n", recs.get(recs.size() - 1).data(), "log-driver=none does not silence the host default");
                    long after = Files.size(all);

                    Fixtures.Proc p3 = run(m, n3, List.of("--annotation", A + "log-opt.all.path=" + mine), "echo", "to-mine");
                    assertTrue(p3.status() != 0 && p3.err().contains("admin-instance: annotation io.conmon-j.log-opt.all.path="), p3.err());
                    assertEquals(after, Files.size(all), "nothing more in the host's file");
                    assertTrue(!Files.exists(mine), "the annotation's path was not opened");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return null;
            });
        } finally {
            for (String n : List.of(n1, n2, n3)) podman(m, "rm", "-f", "-t", "0", n);
            Files.deleteIfExists(all);
            Files.deleteIfExists(mine);
        }
    }

    /**
     * Case 5: mode=non-blocking with a small buffer and a receiver that accepts but never reads: the container is not
     * held up, podman logs has everything, and the drops are reported (CONMONJ_DIAGNOSTICS_FILE, through
     * conmon_env_vars, receives the monitor's messages).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void nonBlockingPluginNeverHoldsTheContainerUpAndReportsDrops(MonitorUnderTest m) throws Exception {
        m.onlyConmonJ(WHY);
        String n = name(m, "nonblock");
        Path diag = fresh("diagnostics.log");
        String line = "0123456789abcdefghijklmnopqrstuvwxyz\n";
        int total = 4_000_000;
        String expected = line.repeat(total / line.length()) + line.substring(0, total % line.length());
        try (Receiver rx = new Receiver(PrivatePodman.base.resolve("stuck.sock"), false)) {
            // the container times its own writing (centiseconds of /proc/uptime) on stderr
            String script = "read a x < /proc/uptime; yes " + line.strip() + " | head -c " + total
                    + "; read b x < /proc/uptime; echo \"$a $b\" >&2";
            long baseline = System.nanoTime();
            ok(run(m, n + "-base", List.of(), "sh", "-c", script), "baseline run without drivers");
            long baselineMs = (System.nanoTime() - baseline) / 1_000_000;
            podman(m, "rm", "-f", "-t", "0", n + "-base");
            withConmonEnv(List.of("CONMONJ_DIAGNOSTICS_FILE=" + diag), () -> {
                long t0 = System.nanoTime();
                Fixtures.Proc p = run(m, n, annotations("c-plugin:nb", "nb", "plugin=socket-plugin", "address=" + rx.address,
                        "timeout-ms=500", "mode=non-blocking", "max-buffer-size=64k"), "sh", "-c", script);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertEquals(0, p.status(), p.err());
                String[] up = p.err().strip().split(" ");
                long containerMs = Math.round((Double.parseDouble(up[1]) - Double.parseDouble(up[0])) * 1000);
                System.out.println("[" + m + "] non-blocking, stuck receiver: podman run " + ms + " ms (without drivers "
                        + baselineMs + " ms), the container wrote its " + total + " bytes in " + containerMs + " ms");
                // Bounded: the container's writing is not held up by the stuck plugin (a blocking driver would stall
                // it: every send times out and is retried). podman run is, by ~7 s: observed, the exit file is written
                // ~0.5 s after the exit (the sync wait), the monitor exits ~2 s later (the close wait, then the drops are
                // counted), and Podman 4.3.1's run/wait return only once the monitor process has exited.
                assertTrue(containerMs < 10_000, "the container was held up: " + containerMs + " ms to write");
                assertTrue(ms < baselineMs + 15_000, "podman run took " + ms + " ms against " + baselineMs + " ms without drivers");
                assertEquals(expected.length(), p.out().length(), "attached stdout length");
                Fixtures.Proc logs = ok(podman(m, "logs", n), "logs");
                assertEquals(expected.length(), logs.out().length(), "podman logs length");
                assertEquals(expected, logs.out(), "podman logs has every line");
                return null;
            });
            // the drop count is reported when the monitor closes its drivers (after up to 2 s of draining)
            Pattern drops = Pattern.compile("log driver nb: (\\d+) records dropped \\(mode=non-blocking, max-buffer-size=65536 bytes\\)");
            String text = Await.value("the drop count reported in " + diag, Duration.ofSeconds(30),
                    () -> Files.exists(diag) ? Files.readString(diag) : "", t -> drops.matcher(t).find());
            System.out.println("[" + m + "] diagnostics: " + text.strip());
            Matcher mt = drops.matcher(text);
            assertTrue(mt.find(), "drop count reported in " + diag + ": " + Json.quote(text));
            long dropped = Long.parseLong(mt.group(1));
            // at most every record: one a line, plus one more for each line a read boundary split (reads are <= 8192)
            long maxRecords = total / line.length() + 1 + total / 8192 + 1;
            assertTrue(dropped > 0 && dropped <= maxRecords, "dropped " + dropped + " of at most " + maxRecords);
            assertEquals(1, rx.connections);
        } finally {
            podman(m, "rm", "-f", "-t", "0", n);
            podman(m, "rm", "-f", "-t", "0", n + "-base");
            Files.deleteIfExists(diag);
        }
    }

    /**
     * Case 6: the example Java driver ({@code example-jsonl}, examples/java-driver), found through
     * {@code CONMONJ_DRIVER_PATH} set in {@code conmon_env_vars}, as docs/logging.md tells an operator to do.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void javaExampleDriverOnTheDriverPath(MonitorUnderTest m) throws IOException {
        m.onlyConmonJ(WHY);
        assertTrue(Files.isRegularFile(JSONL_JAR), "example driver not built: " + JSONL_JAR);
        String n = name(m, "jsonl");
        Path out = fresh("records.jsonl");
        try {
            withConmonEnv(List.of("CONMONJ_DRIVER_PATH=" + JSONL_JAR), () -> {
                long t0 = nowNs();
                Fixtures.Proc p = run(m, n, annotations("example-jsonl:json", "json", "path=" + out), "sh", "-c", SCRIPT);
                long t1 = nowNs();
                assertEquals(0, p.status(), p.err());
                assertEquals(SCRIPT_OUT, p.out());
                assertEquals(SCRIPT_ERR, p.err(), "nothing else on podman's stderr");
                String id = ok(podman(m, "inspect", "-f", "{{.Id}}", n), "inspect").out().strip();
                List<String> lines;
                try {
                    lines = Files.readAllLines(out, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                Pattern rec = Pattern.compile("\\{\"time_ns\":(\\d+),\"stream\":\"(stdout|stderr)\",\"partial\":(true|false),\"id\":\"([0-9a-f]+)\","
                        + "\"name\":\"([^\"]*)\",(?:\"log\":\"((?:[^\"\\\\]++|\\\\.)*+)\"|\"log_base64\":\"([A-Za-z0-9+/=]*)\")\\}");
                List<Rec> recs = new ArrayList<>();
                long bytes = 0;
                for (String l : lines.subList(0, lines.size() - 1)) {
                    Matcher r = rec.matcher(l);
                    assertTrue(r.matches(), "a record line: " + l);
                    assertEquals(id, r.group(4), "id");
                    assertEquals(n, r.group(5), "name");
                    byte[] data = r.group(6) != null ? Json.unescape(r.group(6)).getBytes(StandardCharsets.UTF_8)
                            : java.util.Base64.getDecoder().decode(r.group(7));
                    bytes += data.length;
                    recs.add(new Rec(r.group(2), Long.parseLong(r.group(1)), r.group(3).equals("true"), new String(data, StandardCharsets.ISO_8859_1)));
                }
                assertTrue(lines.stream().anyMatch(l -> l.contains("\"log_base64\":")), "the binary line is kept as base64");
                checkScriptRecords(recs, t0, t1);
                assertEquals("{\"records\":" + recs.size() + ",\"bytes\":" + bytes + "}", lines.get(lines.size() - 1), "the summary line");
                checkPodmanLogs(m, n);
                return null;
            });
        } finally {
            podman(m, "rm", "-f", "-t", "0", n);
            Files.deleteIfExists(out);
        }
    }

    // ---------------------------------------------------------------- issue #5: json-file (Docker's format)

    static final String JSON_SCRIPT = "printf 'say \"hi\" <b> & \\t tab\\n'; printf 'err1\\n' >&2; printf 'part'; sleep 0.3;"
            + " printf 'ial\\n'; head -c 20000 /dev/zero | tr '\\000' y; echo";
    static final String JSON_OUT = "say \"hi\" <b> & \t tab\npartial\n" + "y".repeat(20000) + "\n";
    static final Pattern JSON_LINE = Pattern.compile("\\{\"log\":\"((?:[^\"\\\\]++|\\\\.)*+)\",\"stream\":\"(stdout|stderr)\","
            + "\"time\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d{1,9})?Z\"\\}");

    /**
     * The json-file driver selected by annotation next to Podman's k8s-file: every line is Docker's
     * {"log":...,"stream":...,"time":...} with RFC 3339 UTC nanosecond time; joining each stream's "log" values
     * (a partial line is its own line without a trailing \n, as Docker) gives back exactly what the container wrote;
     * HTML-sensitive characters are escaped as Go does; podman logs still works.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void jsonFileDriverByAnnotation(MonitorUnderTest m) throws IOException {
        m.onlyConmonJ(WHY);
        String n = name(m, "jsonfile");
        Path out = fresh("container.json");
        try {
            Fixtures.Proc p = run(m, n, annotations("json-file:j", "j", "path=" + out), "sh", "-c", JSON_SCRIPT);
            assertEquals(0, p.status(), p.err());
            StringBuilder stdout = new StringBuilder(), stderr = new StringBuilder();
            List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
            for (String l : lines) {
                Matcher j = JSON_LINE.matcher(l);
                assertTrue(j.matches(), "a Docker json-file line: " + l);
                (j.group(2).equals("stdout") ? stdout : stderr).append(Json.unescape(j.group(1)));
            }
            assertEquals(JSON_OUT, stdout.toString());
            assertEquals("err1\n", stderr.toString());
            assertTrue(lines.get(0).contains("\\u003cb\\u003e \\u0026 \\u0009 tab\\n"), "Go's escaping: " + lines.get(0));
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("{\"log\":\"part\",")), "a partial line of its own: " + lines);
            Fixtures.Proc logs = ok(podman(m, "logs", n), "logs");
            assertEquals(JSON_OUT, logs.out(), "podman logs stdout (k8s-file)");
        } finally {
            podman(m, "rm", "-f", "-t", "0", n);
            Files.deleteIfExists(out);
        }
    }

}
