package io.conmonj.it;

import static io.conmonj.it.DriverSelection.annotations;
import static io.conmonj.it.PrivatePodman.IMG;
import static io.conmonj.it.PrivatePodman.name;
import static io.conmonj.it.PrivatePodman.ok;
import static io.conmonj.it.PrivatePodman.podman;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conmonj.drivers.contrib.gelf.GelfReceiver;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 11 item 3, in real containers: a remote driver in a long back-off sleep (a minute) for a collector that is not
 * there does not hold the container's exit status back. The sleep began before the container exited and ends at the
 * exit deadline (LogDriver.EXIT_GRACE_MILLIS, 2 s): {@code podman wait} returns the status within
 * {@link #BOUND_MILLIS} (the grace, Podman's own polling and a loaded machine), where it took the rest of the minute
 * before. Podman's k8s-file log has every line. conmon-j only.
 */
@ExtendWith(PodmanEnvironment.class)
class RemoteDriverExitBoundPodmanTest {
    static final String MONITORS = "io.conmonj.it.MonitorUnderTest#monitors";
    static final String WHY = "the C conmon has no remote drivers";
    /** Far below the one-minute back-off, far above the 2 s grace plus Podman's overhead. */
    static final long BOUND_MILLIS = 20_000;
    static final String SCRIPT = "echo first; sleep 1; echo second; exit 4";

    /** fluentd-async with nothing on its port and fluentd-retry-wait=1m (the largest it takes). */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void fluentdWithAMinuteOfBackoffAndNoCollector(MonitorUnderTest m) throws Exception {
        m.onlyConmonJ(WHY);
        int port = LoopbackPorts.freePort();
        runAndWait(m, name(m, "exit-bound-fluentd"), annotations("fluentd", "fluentd",
                "fluentd-address=127.0.0.1:" + port, "fluentd-async=true", "fluentd-retry-wait=1m"));
    }

    /** gelf over TCP with a 60 s reconnect delay, the collector gone for good after the start. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void gelfWithAMinuteOfReconnectDelayAndTheCollectorGone(MonitorUnderTest m) throws Exception {
        m.onlyConmonJ(WHY);
        String n = name(m, "exit-bound-gelf");
        GelfReceiver rx = GelfReceiver.tcp(0);
        List<String> a = annotations("gelf", "gelf", "gelf-address=" + rx.address(), "gelf-tcp-reconnect-delay=60");
        try {
            runAndWait(m, n, a, rx);
        } finally {
            rx.close();
        }
    }

    private static void runAndWait(MonitorUnderTest m, String n, List<String> annotations) throws Exception {
        runAndWait(m, n, annotations, null);
    }

    private static void runAndWait(MonitorUnderTest m, String n, List<String> annotations, GelfReceiver closeAfterStart)
            throws Exception {
        try {
            ok(podman(m, List.of(List.of("run", "-d", "--name", n, "--network", "none"), annotations,
                    List.of(IMG, "sh", "-c", SCRIPT)).stream().flatMap(List::stream).toArray(String[]::new)), "run -d");
            if (closeAfterStart != null) {
                closeAfterStart.close(); // nobody listens on its port again: the driver backs off for a minute
            }
            long start = System.nanoTime();
            Fixtures.Proc w = podman(m, "wait", n);
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.println("[" + m + "] " + n + ": podman wait returned after " + took + " ms");
            assertEquals("4", w.out().strip(), "podman wait returns the exit status: " + w.err());
            assertTrue(took <= BOUND_MILLIS, "podman wait took " + took + " ms");
            assertEquals("first\nsecond\n", ok(podman(m, "logs", n), "logs").out());
        } finally {
            podman(m, "rm", "-f", "-t", "0", n);
        }
    }
}
