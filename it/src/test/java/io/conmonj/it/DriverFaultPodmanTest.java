package io.conmonj.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 11's fault matrix, the rows of a Java log driver (a real driver jar, {@link FaultDriverJar}, on
 * {@code CONMONJ_DRIVER_PATH} in {@code conmon_env_vars}): a driver throwing an Error, a driver running the monitor
 * out of heap, a flood into a non-blocking driver whose collector stopped reading. In each, `podman wait` returns
 * the container's real status, the k8s-file log keeps every byte, and the reason is visible (the monitor's
 * diagnostics, CONMONJ_DIAGNOSTICS_FILE, standing in for syslog; or `podman logs` when the guardian took over).
 * conmon-j only: the C conmon has no Java drivers (docs/reliability.md marks these rows n/a for it).
 */
@ExtendWith(PodmanEnvironment.class)
class DriverFaultPodmanTest {
    static final String MONITORS = "io.conmonj.it.MonitorUnderTest#monitors";
    static final String WHY = "Java log drivers are conmon-j's (issue 4); the C conmon has none";

    private static <T> T withDrivers(Path diagnostics, Supplier<T> body) throws IOException {
        Path jar = FaultDriverJar.get(PrivatePodman.base);
        return PrivatePodman.withConmonEnv(List.of(
                "CONMONJ_DRIVER_PATH=" + jar + ":" + ExamplePlugins.JSONL_JAR,
                "CONMONJ_DIAGNOSTICS_FILE=" + diagnostics), body);
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> run(MonitorUnderTest m, String name, List<String> annotations, String script) {
        List<String> args = new ArrayList<>(List.of("run", "-d", "--name", name, "--network", "none"));
        args.addAll(annotations);
        args.addAll(List.of(PrivatePodman.IMG, "sh", "-c", script));
        return args;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void anErrorThrownByAJavaDriverIsContained(MonitorUnderTest m) throws IOException {
        m.onlyConmonJ(WHY);
        Path diagnostics = Files.createTempFile(PrivatePodman.base, "diag", ".log");
        Path jsonl = PrivatePodman.base.resolve("error-other.jsonl");
        Files.deleteIfExists(jsonl);
        String name = PrivatePodman.name(m, "driver-error");
        withDrivers(diagnostics, () -> {
            Fixtures.Proc p = PrivatePodman.podman(m, run(m, name, FaultDriverJar.annotations(
                    "fault-test:bad,example-jsonl:json", "bad.fault=error", "json.path=" + jsonl),
                    "echo one; echo BOOM; echo two; exit 4").toArray(String[]::new));
            assertEquals(0, p.status(), p.err());
            try (FaultContainer c = FaultContainer.attach(m, name)) {
                assertEquals("4", c.waitBounded(30), "podman wait");
                assertTrue(c.psStatus().startsWith("Exited (4)"), c.psStatus());
                assertEquals("one\nBOOM\ntwo\n", c.podmanLogs(), "the k8s-file log has every line");
                String other = read(jsonl);
                assertTrue(other.contains("\"log\":\"one\\n\"") && other.contains("\"log\":\"BOOM\\n\"")
                        && other.contains("\"log\":\"two\\n\"") && other.contains("{\"records\":3,"),
                        "the other driver got every record and was closed: " + other);
                assertTrue(read(diagnostics).contains("log driver bad: write failed: java.lang.AssertionError: "
                        + "fault-test: deliberate Error on BOOM; the driver is marked failed"), read(diagnostics));
            }
            return null;
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void aDriverThatExhaustsTheHeapHandsTheContainerToTheGuardian(MonitorUnderTest m) throws IOException {
        m.onlyConmonJ(WHY);
        Path diagnostics = Files.createTempFile(PrivatePodman.base, "diag", ".log");
        String name = PrivatePodman.name(m, "driver-oom");
        withDrivers(diagnostics, () -> {
            Fixtures.Proc p = PrivatePodman.podman(m, run(m, name, FaultDriverJar.annotations("fault-test:bad", "bad.fault=oom"),
                    "echo one; sleep 1; echo BOOM; sleep 2; echo two; exit 6").toArray(String[]::new));
            assertEquals(0, p.status(), p.err());
            try (FaultContainer c = FaultContainer.attach(m, name)) {
                assertEquals("6", c.waitBounded(30), "podman wait");
                assertTrue(c.psStatus().startsWith("Exited (6)"), c.psStatus());
                String logs = c.podmanLogs();
                assertTrue(logs.startsWith("one\nBOOM\ntwo\n"), logs);
                assertTrue(logs.contains("ran out of memory"), "the reason is in podman logs: " + logs);
                assertTrue(read(diagnostics).contains("ran out of memory"), "and in the system log's stand-in: "
                        + read(diagnostics));
                String file = read(c.logPath());
                assertTrue(file.indexOf("ran out of memory") < file.indexOf(" stdout F two\n"),
                        "the guardian took over before the container wrote its last line, and drained it: " + file);
            }
            return null;
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void aFloodIntoAStuckNonBlockingDriverIsBoundedAndCounted(MonitorUnderTest m) throws IOException {
        m.onlyConmonJ(WHY);
        Path diagnostics = Files.createTempFile(PrivatePodman.base, "diag", ".log");
        String name = PrivatePodman.name(m, "driver-flood");
        withDrivers(diagnostics, () -> {
            // 300k empty lines exhausted the 16 MiB heap when only payload bytes were counted (issue 11)
            Fixtures.Proc p = PrivatePodman.podman(m, run(m, name, FaultDriverJar.annotations("fault-test:stuck",
                    "stuck.fault=stuck", "stuck.mode=non-blocking", "stuck.max-buffer-size=64m"),
                    "yes '' | head -n 300000; echo end; exit 9").toArray(String[]::new));
            assertEquals(0, p.status(), p.err());
            try (FaultContainer c = FaultContainer.attach(m, name)) {
                assertEquals("9", c.waitBounded(60), "podman wait");
                assertTrue(c.psStatus().startsWith("Exited (9)"), c.psStatus());
                byte[] log;
                try {
                    log = Files.readAllBytes(c.logPath());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                String stdout = new String(K8sLog.reassemble(K8sLog.parse(log), "stdout"), StandardCharsets.ISO_8859_1);
                assertEquals("\n".repeat(300_000) + "end\n", stdout, "the k8s-file log has every byte");
                String diag = read(diagnostics);
                assertTrue(diag.contains("max-buffer-size=67108864 capped to"), diag);
                assertTrue(diag.contains("records dropped (mode=non-blocking"), diag);
                assertFalse(c.podmanLogs().contains("conmon-j: the monitor"), "the monitor itself did not die");
            }
            return null;
        });
    }

    /**
     * The monitor dies after it reaped the container but before it wrote the exit files (here: while it waits, at
     * most 500 ms, for a stuck non-blocking driver to sync). The status went to the guardian the moment the
     * container was reaped (record S), so the exit file still holds the real status.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void theMonitorKilledBetweenReapingAndTheExitFileKeepsTheStatus(MonitorUnderTest m) throws Exception {
        m.onlyConmonJ(WHY);
        Path diagnostics = Files.createTempFile(PrivatePodman.base, "diag", ".log");
        String name = PrivatePodman.name(m, "driver-late-kill");
        withDrivers(diagnostics, () -> {
            Fixtures.Proc p = PrivatePodman.podman(m, run(m, name, FaultDriverJar.annotations("fault-test:stuck",
                    "stuck.fault=stuck", "stuck.mode=non-blocking"), "echo one; sleep 2; exit 8").toArray(String[]::new));
            assertEquals(0, p.status(), p.err());
            try (FaultContainer c = FaultContainer.attach(m, name)) {
                try {
                    c.awaitLog("one", 20_000);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                int monitor = c.monitorPid();
                Path container = Path.of("/proc/" + c.inspect("{{.State.Pid}}"));
                Await.until("the container reaped by the monitor (gone from /proc)", Duration.ofSeconds(20),
                        () -> !Files.exists(container));
                assertEquals(0, Libc.C.kill(monitor, Libc.SIGKILL), "kill " + monitor);
                assertEquals("8", c.waitBounded(30), "podman wait");
                assertTrue(c.psStatus().startsWith("Exited (8)"), c.psStatus());
                String logs = c.podmanLogs();
                assertTrue(logs.contains("the container had exited with status 8"), "the guardian's reason: " + logs);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            return null;
        });
    }
}
