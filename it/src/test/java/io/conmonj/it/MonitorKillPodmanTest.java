package io.conmonj.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 11's fault matrix, "SIGKILL of the monitor": what kills a monitor JVM (the OOM killer, an operator) must
 * not cost the user the container's status. conmon-j's guardian (host/src/main/c/guardian.c) keeps the container,
 * drains its output into the k8s-file log and records its real exit; the C conmon 2.1.6 loses it: `podman wait`
 * does not return and `podman ps` shows the container `Up` for ever (asserted as the reference's behaviour).
 * The rows are in docs/reliability.md.
 */
@ExtendWith(PodmanEnvironment.class)
class MonitorKillPodmanTest {
    static final String MONITORS = "io.conmonj.it.MonitorUnderTest#monitors";
    /** From the container's exit to `podman wait` returning, for conmon-j (docs/reliability.md). */
    static final int EXIT_BOUND_S = 10;

    /** The monitor dies while the container runs; the container goes on writing and then exits by itself. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void containerExitsAfterTheMonitorWasKilled(MonitorUnderTest m) throws Exception {
        try (FaultContainer c = FaultContainer.run(m, "kill-exits-after", List.of(),
                "echo before; echo partial-before | tr -d '\\n'; sleep 3; head -c 300000 /dev/zero | tr '\\0' y; echo;"
                        + " echo after; echo err-after >&2; exit 7")) {
            byte[] before = c.awaitLog("partial-before", 20_000);
            int monitor = c.monitorPid();
            assertEquals(0, Libc.C.kill(monitor, Libc.SIGKILL), "kill " + monitor);
            String status = c.waitBounded(3 + EXIT_BOUND_S);
            if (!m.isConmonJ()) {
                // the reference: the status is lost, the container stays a ghost
                assertNull(status, "podman wait returned " + status + " though the C conmon was killed");
                assertTrue(c.psStatus().startsWith("Up"), "reference: " + c.psStatus());
                return;
            }
            assertEquals("7", status, "podman wait");
            assertTrue(c.psStatus().startsWith("Exited (7)"), "podman ps: " + c.psStatus());
            c.assertLogKeeps(before);
            String logs = c.podmanLogs();
            assertTrue(logs.contains("killed by signal 9"), "the reason is visible in podman logs: " + logs);
            assertTrue(logs.contains("partial-before" + "y".repeat(300_000) + "\nafter\n") && logs.contains("err-after\n"),
                    "what the container wrote after the monitor died is in the log, a long line as partial records");
        }
    }

    /** The monitor dies; the container keeps running (the guardian holds its output) until `podman stop`. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void runningContainerIsKeptAndStoppable(MonitorUnderTest m) throws Exception {
        try (FaultContainer c = FaultContainer.run(m, "kill-running", List.of("--stop-signal", "USR1"),
                "trap 'echo got-usr1; exit 5' USR1; echo ready; while :; do echo tick; sleep 0.2; done")) {
            byte[] before = c.awaitLog("ready", 20_000);
            int monitor = c.monitorPid();
            assertEquals(0, Libc.C.kill(monitor, Libc.SIGKILL), "kill " + monitor);
            if (!m.isConmonJ()) {
                // the reference: nothing reads the output any more; the container dies of SIGPIPE, unseen
                assertNull(c.waitBounded(5), "podman wait returned though the C conmon was killed");
                assertTrue(c.psStatus().startsWith("Up"), "reference: " + c.psStatus());
                return;
            }
            // the container outlives its monitor: ticks written after the kill (one every 0.2 s) still reach the log
            int count = c.podmanLogs().split("tick\n", -1).length;
            Await.until("three more ticks in podman logs after the monitor was killed", Duration.ofSeconds(20),
                    () -> c.podmanLogs().split("tick\n", -1).length >= count + 3);
            assertTrue(c.psStatus().startsWith("Up"), "the container still runs: " + c.psStatus());
            Fixtures.Proc stop = PrivatePodman.podman(m, "stop", "-t", "5", c.name);
            assertEquals(0, stop.status(), "podman stop: " + stop.err());
            assertEquals("5", c.waitBounded(EXIT_BOUND_S), "podman wait");
            assertTrue(c.psStatus().startsWith("Exited (5)"), "podman ps: " + c.psStatus());
            c.assertLogKeeps(before);
            String logs = c.podmanLogs();
            assertTrue(logs.contains("got-usr1\n"), logs);
            assertTrue(logs.contains("killed by signal 9"), "the reason is visible in podman logs: " + logs);
        }
    }

    /**
     * The monitor crashes (SIGSEGV, as a native plugin's bug would cause): no hs_err or core file in Podman's working
     * directory (the monitor's), and the guardian records the container's exit as after SIGKILL.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void aCrashOfTheMonitorLeavesNoFilesAndKeepsTheStatus(MonitorUnderTest m) throws Exception {
        try (FaultContainer c = FaultContainer.run(m, "crash", List.of(), "echo before; sleep 3; echo after; exit 7")) {
            byte[] before = c.awaitLog("before", 20_000);
            int monitor = c.monitorPid();
            assertEquals(0, Libc.C.kill(monitor, 11), "kill -SEGV " + monitor);
            String status = c.waitBounded(3 + EXIT_BOUND_S);
            if (!m.isConmonJ()) {
                assertNull(status, "podman wait returned " + status + " though the C conmon crashed");
                assertTrue(c.psStatus().startsWith("Up"), "reference: " + c.psStatus());
                return;
            }
            assertEquals("7", status, "podman wait");
            assertTrue(c.psStatus().startsWith("Exited (7)"), "podman ps: " + c.psStatus());
            c.assertLogKeeps(before);
            String logs = c.podmanLogs();
            assertTrue(logs.contains("conmon-j: the monitor") && logs.contains("after\n"), logs);
            try (var files = java.nio.file.Files.list(PrivatePodman.base.resolve("cwd"))) {
                assertEquals(List.of(), files.map(p -> p.getFileName().toString())
                        .filter(n -> n.startsWith("hs_err") || n.startsWith("core")).toList(),
                        "crash files in the caller's working directory");
            }
        }
    }
}
