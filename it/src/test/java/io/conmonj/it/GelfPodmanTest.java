package io.conmonj.it;

import static io.conmonj.it.DriverSelection.A;
import static io.conmonj.it.RecordScript.SCRIPT;
import static io.conmonj.it.RecordScript.SCRIPT_ERR;
import static io.conmonj.it.RecordScript.SCRIPT_OUT;
import static io.conmonj.it.DriverSelection.annotations;
import static io.conmonj.it.StartupError.assertStartupErrors;
import static io.conmonj.it.RecordScript.checkPodmanLogs;
import static io.conmonj.it.RecordScript.nowNs;
import static io.conmonj.it.DriverSelection.run;
import static io.conmonj.it.PrivatePodman.name;
import static io.conmonj.it.PrivatePodman.ok;
import static io.conmonj.it.PrivatePodman.podman;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conmonj.drivers.contrib.gelf.GelfReceiver;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 6, the gelf driver end to end: a real container's monitor sends its output to {@link GelfReceiver} (the GELF
 * receiver of drivers-contrib's unit tests, written from the GELF 1.1 spec) on loopback UDP and TCP, selected with
 * {@code podman run --annotation io.conmon-j.log-driver=gelf ...}; {@code podman logs} still works (k8s-file).
 */
@ExtendWith(PodmanEnvironment.class)
class GelfPodmanTest {
    static final String MONITORS = "io.conmonj.it.MonitorUnderTest#monitors";
    static final String WHY = "the C conmon has no gelf driver";
    static final Duration WAIT = Duration.ofSeconds(30);

    /** What {@link RecordScript#SCRIPT} prints, as GELF messages: one per line, lines joined, no newline. */
    static List<String> lines(String output) {
        List<String> out = new ArrayList<>();
        for (String l : output.split("\n", -1)) {
            if (!l.isEmpty()) {
                out.add(l);
            }
        }
        return out;
    }

    /** GELF's short_message of a line: Go's encoding/json makes each byte that is not UTF-8 a U+FFFD. */
    static String asText(String isoLatin1Line) {
        byte[] b = isoLatin1Line.getBytes(StandardCharsets.ISO_8859_1);
        return new String(b, StandardCharsets.UTF_8); // the JDK decoder also gives one U+FFFD per bad byte here
    }

    /** The script's 20000-byte line arrives as Docker cuts it: 16384 bytes, then the rest. */
    static List<String> expectedMessages(String output) {
        List<String> out = new ArrayList<>();
        for (String l : lines(output)) {
            for (int i = 0; i < l.length(); i += 16384) {
                out.add(asText(l.substring(i, Math.min(l.length(), i + 16384))));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void everyLineArrivesOverUdpAndTcpWithTheContainersFields(MonitorUnderTest m) throws Exception {
        m.onlyConmonJ(WHY);
        String host = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        for (String transport : List.of("udp", "tcp")) {
            String n = name(m, "gelf" + transport);
            try (GelfReceiver rx = transport.equals("udp") ? GelfReceiver.udp() : GelfReceiver.tcp(0)) {
                long t0 = nowNs();
                List<String> a = new ArrayList<>(annotations("gelf", "gelf", "gelf-address=" + rx.address(),
                        "labels=app", "env=GREETING"));
                a.addAll(List.of("--annotation", "app=shop", "--annotation", A + "image=testimg"));
                Fixtures.Proc p = run(m, n, withEnv(a, "GREETING=hi"), "sh", "-c", SCRIPT);
                long t1 = nowNs();
                assertEquals(0, p.status(), p.err());
                assertEquals(SCRIPT_OUT, p.out());
                assertEquals(SCRIPT_ERR, p.err(), "nothing else on podman's stderr");
                String id = ok(podman(m, "inspect", "-f", "{{.Id}}", n), "inspect").out().strip();

                List<String> out = expectedMessages(SCRIPT_OUT);
                List<String> err = expectedMessages(SCRIPT_ERR);
                rx.await(out.size() + err.size(), WAIT);
                List<GelfReceiver.Message> got = rx.messages();
                System.out.println("[" + m + "] " + rx.address() + ": " + got.size() + " messages, chunked: "
                        + got.stream().filter(g -> g.chunks() > 0).count() + ", encodings "
                        + got.stream().map(GelfReceiver.Message::encoding).distinct().toList());
                assertEquals(List.of(), rx.violations());
                assertEquals(out.size() + err.size(), got.size(), "one message per line (and per 16 KiB piece)");
                List<String> gotOut = new ArrayList<>(), gotErr = new ArrayList<>();
                for (GelfReceiver.Message g : got) {
                    boolean stdout = Long.valueOf(6).equals(g.fields().get("level"));
                    (stdout ? gotOut : gotErr).add(g.string("short_message"));
                    Map<String, Object> f = new LinkedHashMap<>(g.fields());
                    BigDecimal ts = new BigDecimal(f.remove("timestamp").toString());
                    assertTrue(ts.compareTo(BigDecimal.valueOf(t0 / 1_000_000, 3)) >= 0
                            && ts.compareTo(BigDecimal.valueOf(t1 / 1_000_000, 3)) <= 0, "timestamp " + ts + " within the run");
                    Map<String, Object> expected = new LinkedHashMap<>();
                    expected.put("version", "1.1");
                    expected.put("host", host);
                    expected.put("short_message", g.string("short_message"));
                    expected.put("level", stdout ? 6L : 3L);
                    expected.put("_GREETING", "hi");
                    expected.put("_app", "shop");
                    expected.put("_container_id", id);
                    expected.put("_container_name", n);
                    expected.put("_image_name", "testimg");
                    expected.put("_tag", id.substring(0, 12));
                    assertEquals(expected, f, "every field of " + g.string("short_message"));
                }
                assertEquals(out, gotOut, "stdout lines");
                assertEquals(err, gotErr, "stderr lines");
                if (transport.equals("udp")) {
                    assertTrue(got.stream().allMatch(g -> g.encoding().equals("gzip")), "gzip by default");
                    assertTrue(rx.maxDatagram() <= 1420, "datagrams of at most 1420 bytes: " + rx.maxDatagram());
                }
                checkPodmanLogs(m, n);
            } finally {
                podman(m, "rm", "-f", "-t", "0", n);
            }
        }
    }

    /** {@code podman run --env NAME=VALUE} goes before the image, with the annotations. */
    static List<String> withEnv(List<String> annotations, String env) {
        List<String> a = new ArrayList<>(annotations);
        a.addAll(List.of("--env", env));
        return a;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void badAddressesFailPodmanRunClearly(MonitorUnderTest m) {
        m.onlyConmonJ(WHY);
        assertStartupErrors(m, "gelf", "gelfbad", List.of(
                new StartupError("udp://no-such-host.invalid:12201", List.of("gelf-address=udp://no-such-host.invalid:12201"),
                        "log driver gelf: option gelf-address: 'udp://no-such-host.invalid:12201': cannot resolve host 'no-such-host.invalid'"),
                new StartupError("http://127.0.0.1:12201", List.of("gelf-address=http://127.0.0.1:12201"),
                        "log driver gelf: option gelf-address: 'http://127.0.0.1:12201': unsupported scheme 'http' (use udp, tcp)")));
    }

    /**
     * mode=non-blocking with a TCP collector that goes away for good as soon as the monitor has connected: the
     * container is never held up (in blocking mode it would stall on its first full pipe and `podman run` would not
     * return), `podman logs` has every line, and the monitor reports the outage and the records it dropped
     * (CONMONJ_DIAGNOSTICS_FILE, set through conmon_env_vars, receives its messages).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void nonBlockingWithTheCollectorGoneNeverHoldsTheContainerUp(MonitorUnderTest m) throws Exception {
        m.onlyConmonJ(WHY);
        String n = name(m, "gelf-gone");
        Path diag = PrivatePodman.fresh("gelf-diagnostics.log");
        String line = "0123456789abcdefghijklmnopqrstuvwxyz";
        int lines = 100_000;
        java.net.ServerSocket collector = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        int port = collector.getLocalPort();
        Thread gone = Thread.ofPlatform().daemon().start(() -> {
            try (collector; java.net.Socket first = collector.accept()) {
                // accepted and closed at once, and the port closed with it: every reconnection is refused
            } catch (IOException ignored) {
                // closed by the test's finally
            }
        });
        try {
            PrivatePodman.withConmonEnv(List.of("CONMONJ_DIAGNOSTICS_FILE=" + diag), () -> {
                Fixtures.Proc p = run(m, n, annotations("gelf", "gelf", "gelf-address=tcp://127.0.0.1:" + port,
                        "mode=non-blocking", "max-buffer-size=64k"), "sh", "-c",
                        "sleep 1; yes " + line + " | head -n " + lines);
                assertEquals(0, p.status(), p.err());
                return null;
            });
            gone.join(10_000);
            String expected = (line + "\n").repeat(lines);
            assertEquals(expected, ok(podman(m, "logs", n), "logs").out(), "podman logs has every line");
            // the drop count is reported when the monitor closes its drivers, just before it exits
            java.util.regex.Pattern drops = java.util.regex.Pattern.compile(
                    "log driver gelf: (\\d+) records dropped \\(mode=non-blocking, max-buffer-size=65536 bytes\\)");
            String text = Await.value("the drop count reported in " + diag, WAIT,
                    () -> Files.exists(diag) ? Files.readString(diag) : "", t -> drops.matcher(t).find());
            System.out.println("[" + m + "] diagnostics: " + text.strip());
            java.util.regex.Matcher mt = drops.matcher(text);
            assertTrue(mt.find(), "drop count reported in " + diag + ": " + Json.quote(text));
            long dropped = Long.parseLong(mt.group(1));
            assertTrue(dropped > 0 && dropped <= lines, "dropped " + dropped + " of " + lines + " records");
            assertTrue(text.contains("log driver gelf: lost connection to tcp://127.0.0.1:" + port + ": "),
                    "the outage is reported: " + text);
        } finally {
            collector.close();
            podman(m, "rm", "-f", "-t", "0", n);
            Files.deleteIfExists(diag);
        }
    }
}
