package io.conmonj.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hibernation, the guardian's side (docs/reliability.md, "Hibernation"): an idle monitor JVM hands its container to
 * the guardian and exits; the guardian holds the fds, forwards signals, reaps the container and starts a resumed JVM
 * at the first event. What the user sees must not change: every line reaches the log, the exit code is the
 * container's, {@code podman stop} works, and a resumed monitor that dies is taken over like the first one. The same
 * scripts run under the C conmon (which ignores CONMONJ_HIBERNATE) as the reference for what the user sees; the
 * process-tree checks (no JVM while asleep) are conmon-j's alone.
 */
@ExtendWith(PodmanEnvironment.class)
class GuardianHibernationPodmanTest {
    static final String MONITORS = "io.conmonj.it.MonitorUnderTest#monitors";
    /** Seconds of idleness before a monitor hibernates; the scripts sleep several periods. */
    static final List<String> ENV = List.of("CONMONJ_HIBERNATE=2");
    static final Duration ASLEEP_WITHIN = Duration.ofSeconds(7);
    static final String WHY = "hibernation is conmon-j's (issue 12)";
    static final String TAKE_OVER = "conmon-j: the monitor";

    @FunctionalInterface
    interface Case {
        void run(FaultContainer c) throws Exception;
    }

    private static void withContainer(MonitorUnderTest m, String what, List<String> runOptions, String script, Case check)
            throws IOException {
        PrivatePodman.withConmonEnv(ENV, () -> {
            try (FaultContainer c = FaultContainer.run(m, what, runOptions, script)) {
                check.run(c);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return null;
        });
    }

    /** conmon-j: the guardian alone watches the container (no JVM under it) while the container runs. */
    private static void awaitAsleep(FaultContainer c) {
        if (!c.monitor.isConmonJ()) return;
        int guardian = c.conmonPid();
        Await.until("no monitor JVM under the guardian " + guardian + " (hibernated)", ASLEEP_WITHIN,
                () -> MonitorProcesses.childrenRunning(guardian, "java").isEmpty());
        assertTrue(c.psStatus().startsWith("Up"), "the container runs on while its monitor sleeps: " + c.psStatus());
    }

    /** Output written while the monitor sleeps wakes it: every line reaches the log, in order; the status is the container's. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void outputWakesTheMonitorAndNothingIsLost(MonitorUnderTest m) throws IOException {
        withContainer(m, "hib-output", List.of(),
                "echo start; sleep 8; echo tick; echo tick-err >&2; sleep 8; echo tock; exit 7", c -> {
                    c.awaitLog("start", 20_000);
                    awaitAsleep(c);
                    c.awaitLog("tick-err", 15_000);
                    awaitAsleep(c); // asleep again after the wake
                    assertEquals("7", c.waitBounded(30), "podman wait");
                    assertTrue(c.psStatus().startsWith("Exited (7)"), "podman ps: " + c.psStatus());
                    String logs = c.podmanLogs();
                    assertTrue(logs.contains("start\ntick\n") && logs.contains("tick-err\n") && logs.contains("tock\n"), logs);
                    assertFalse(logs.contains(TAKE_OVER), "no take-over: " + logs);
                });
    }

    /** The container exits while its monitor sleeps: the guardian reaps it and the resumed monitor records its status. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void aContainerThatExitsWhileAsleepKeepsItsStatus(MonitorUnderTest m) throws IOException {
        withContainer(m, "hib-exit", List.of(), "echo start; sleep 8; exit 3", c -> {
            c.awaitLog("start", 20_000);
            awaitAsleep(c);
            assertEquals("3", c.waitBounded(30), "podman wait");
            assertTrue(c.psStatus().startsWith("Exited (3)"), "podman ps: " + c.psStatus());
            assertFalse(c.podmanLogs().contains(TAKE_OVER), "no take-over: " + c.podmanLogs());
        });
    }

    /** {@code podman stop} of a sleeping container: the signal arrives, what the container says on its way out is logged. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void aSleepingContainerStops(MonitorUnderTest m) throws IOException {
        withContainer(m, "hib-stop", List.of("--stop-signal", "USR1"),
                "trap 'echo got-usr1; exit 5' USR1; echo ready; while :; do sleep 0.2; done", c -> {
                    c.awaitLog("ready", 20_000);
                    awaitAsleep(c);
                    Fixtures.Proc stop = PrivatePodman.podman(m, "stop", "-t", "10", c.name);
                    assertEquals(0, stop.status(), "podman stop: " + stop.err());
                    assertEquals("5", c.waitBounded(30), "podman wait");
                    assertTrue(c.podmanLogs().contains("got-usr1\n"), c.podmanLogs());
                });
    }

    /** A resumed monitor that dies (SIGKILL) is taken over as the first would be: the output goes on, the status is kept. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void aResumedMonitorThatDiesIsTakenOver(MonitorUnderTest m) throws IOException {
        m.onlyConmonJ(WHY);
        withContainer(m, "hib-kill", List.of(), "echo start; sleep 8; echo wake; sleep 3; echo after; exit 9", c -> {
            c.awaitLog("start", 20_000);
            awaitAsleep(c);
            c.awaitLog("wake", 15_000);
            int resumed = c.monitorPid(); // it stays awake for a hibernation period after the output
            assertEquals(0, Libc.C.kill(resumed, Libc.SIGKILL), "kill " + resumed);
            assertEquals("9", c.waitBounded(30), "podman wait");
            String logs = c.podmanLogs();
            assertTrue(logs.contains("killed by signal 9") && logs.contains("after\n"), logs);
        });
    }
}
