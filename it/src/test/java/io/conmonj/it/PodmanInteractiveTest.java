package io.conmonj.it;

import static io.conmonj.it.PrivatePodman.IMG;
import static io.conmonj.it.PrivatePodman.cmd;
import static io.conmonj.it.PrivatePodman.exec;
import static io.conmonj.it.PrivatePodman.name;
import static io.conmonj.it.PrivatePodman.ok;
import static io.conmonj.it.PrivatePodman.podman;
import static io.conmonj.it.PrivatePodman.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue #3 at Podman level (attach, exec -d, healthcheck, pods, passthrough), same private store and helpers as
 * {@link PrivatePodman}. Expected texts observed with Podman 4.3.1 + conmon 2.1.6.
 */
@ExtendWith(PodmanEnvironment.class)
class PodmanInteractiveTest {
    static final String MONITORS = "io.conmonj.it.MonitorUnderTest#monitors";

    /**
     * {@code podman attach --no-stdin} to a running (non -i) container: its later stdout/stderr arrive on podman's
     * stdout/stderr through the attach socket. Observed with 2.1.6: podman's stdout is "att-out\n\n" (Podman
     * adds a newline when the attach session ends) and {@code podman attach} exits 0, not with the container's 3.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void attachToRunningContainer(MonitorUnderTest m) {
        String n = name(m, "attach");
        try {
            ok(podman(m, "run", "-d", "--name", n, "--network", "none", IMG, "sh", "-c",
                    "sleep 2; echo att-out; echo att-err >&2; exit 3"), "run -d");
            Fixtures.Proc a = podman(m, "attach", "--no-stdin", n);
            System.out.println("[" + m + "] podman attach: status " + a.status() + " out " + Json.quote(a.out()) + " err " + Json.quote(a.err()));
            assertEquals(0, a.status(), a.err());
            assertEquals("att-out\n\n", a.out(), "attach stdout (the trailing empty line is Podman's own)");
            assertEquals("att-err\n", a.err());
            assertEquals("3\n", ok(podman(m, "wait", n), "wait").out());
            assertEquals("att-out\natt-err\n", ok(podman(m, "logs", n), "logs").out() + ok(podman(m, "logs", n), "logs").err());
        } finally {
            podman(m, "rm", "-f", "-t", "0", n);
        }
    }

    /** {@code run -d -i} then {@code podman attach} with stdin: input reaches cat, stdin EOF ends it. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void attachWithStdinToInteractiveContainer(MonitorUnderTest m) {
        String n = name(m, "attachin");
        try {
            ok(podman(m, "run", "-d", "-i", "--name", n, "--network", "none", IMG, "sh", "-c", "cat; echo cat-done"), "run -d -i");
            Fixtures.Proc a = start(cmd(m, "attach", n), "via-attach\n".getBytes(StandardCharsets.US_ASCII)).await(90);
            assertEquals(0, a.status(), a.err());
            // Observed with both monitors: podman attach ends its stdout with an extra "\n" of its own.
            assertEquals("via-attach\ncat-done\n\n", a.out());
            assertEquals("0\n", ok(podman(m, "wait", n), "wait").out());
        } finally {
            podman(m, "rm", "-f", "-t", "0", n);
        }
    }

    /** {@code podman exec -d}: prints the 64-hex exec session ID at once; the command runs in the container. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void execDetached(MonitorUnderTest m) {
        String n = name(m, "execd");
        try {
            ok(podman(m, "run", "-d", "--name", n, "--network", "none", IMG, "sleep", "100"), "run -d");
            Fixtures.Proc e = ok(podman(m, "exec", "-d", n, "sh", "-c", "sleep 0.5; echo detached > /tmp/marker"), "exec -d");
            assertTrue(e.out().matches("[0-9a-f]{64}\n"), "exec session ID: " + e.out());
            Await.value("the detached exec's marker written", Duration.ofSeconds(30),
                    () -> podman(m, "exec", n, "cat", "/tmp/marker").out(), "detached\n"::equals);
        } finally {
            podman(m, "rm", "-f", "-t", "0", n);
        }
    }

    /** {@code podman exec -t} through a real terminal: the process has a tty, its exit code (7) is Podman's. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void execWithTerminalPropagatesExitCode(MonitorUnderTest m) {
        String n = name(m, "exect");
        try {
            ok(podman(m, "run", "-d", "--name", n, "--network", "none", IMG, "sleep", "100"), "run -d");
            String podman = cmd(m, "exec", "-t", n, "sh", "-c", "[ -t 0 ] && [ -t 1 ] && echo on-a-tty; exit 7").stream()
                    .map(a -> "'" + a.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
            Fixtures.Proc p = exec(List.of("script", "-qec", podman, "/dev/null"), 90);
            assertEquals(7, p.status(), p.err());
            assertEquals("on-a-tty\r\n", p.out());
        } finally {
            podman(m, "rm", "-f", "-t", "0", n);
        }
    }

    /**
     * {@code podman healthcheck run} executes the health command as an exec session. Observed with Podman 4.3.1:
     * failing → exit 1, stdout "unhealthy\n"; passing → exit 0 and no output; inspect then says "healthy".
     * {@code --health-interval disable}: no systemd timers (no systemd here).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void healthcheckRun(MonitorUnderTest m) {
        String n = name(m, "health");
        try {
            ok(podman(m, "run", "-d", "--name", n, "--network", "none", "--health-cmd", "test -e /tmp/ok",
                    "--health-interval", "disable", IMG, "sleep", "100"), "run -d");
            Fixtures.Proc bad = podman(m, "healthcheck", "run", n);
            assertEquals(1, bad.status(), bad.err());
            assertEquals("unhealthy\n", bad.out());
            ok(podman(m, "exec", n, "touch", "/tmp/ok"), "exec touch");
            Fixtures.Proc good = podman(m, "healthcheck", "run", n);
            assertEquals(0, good.status(), good.err());
            assertEquals("", good.out());
            assertEquals("healthy\n", ok(podman(m, "inspect", "-f", "{{.State.Healthcheck.Status}}", n), "inspect").out());
        } finally {
            podman(m, "rm", "-f", "-t", "0", n);
        }
    }

    /**
     * A container in a pod: {@code podman pod create} (infra container from the locally built
     * localhost/podman-pause image, catatonit), then {@code run --pod}. Both the infra container and the member
     * run under the monitor under test.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void containerInPod(MonitorUnderTest m) {
        String pod = name(m, "pod");
        String n = name(m, "inpod");
        try {
            ok(podman(m, "pod", "create", "--name", pod, "--network", "none"), "pod create");
            Fixtures.Proc r = ok(podman(m, "run", "--name", n, "--pod", pod, IMG, "sh", "-c", "echo in-pod; hostname; exit 0"), "run --pod");
            assertTrue(r.out().startsWith("in-pod\n"), r.out());
            String podId = ok(podman(m, "pod", "inspect", "-f", "{{.Id}}", pod), "pod inspect").out();
            assertEquals(podId, ok(podman(m, "container", "inspect", "-f", "{{.Pod}}", n), "inspect").out(), "member of the pod");
            assertEquals("Degraded\n", ok(podman(m, "pod", "inspect", "-f", "{{.State}}", pod), "pod inspect").out(),
                    "member exited, infra still running");
            String infra = ok(podman(m, "pod", "inspect", "-f", "{{.InfraContainerID}}", pod), "pod inspect").out().strip();
            assertEquals("running\n", ok(podman(m, "inspect", "-f", "{{.State.Status}}", infra), "inspect infra").out());
            ok(podman(m, "pod", "stop", "-t", "1", pod), "pod stop");
            assertEquals("Exited\n", ok(podman(m, "pod", "inspect", "-f", "{{.State}}", pod), "pod inspect").out());
        } finally {
            podman(m, "rm", "-f", "-t", "0", n);
            podman(m, "pod", "rm", "-f", "-t", "0", pod);
        }
    }

    /** {@code --log-driver passthrough}: the container writes straight to podman's own stdout/stderr. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void logDriverPassthrough(MonitorUnderTest m) {
        Fixtures.Proc p = podman(m, "run", "--rm", "--log-driver", "passthrough", "--network", "none", IMG, "sh", "-c",
                "echo pt-out; echo pt-err >&2; [ -t 1 ] || echo not-a-tty; exit 2");
        assertEquals(2, p.status(), p.err());
        assertEquals("pt-out\nnot-a-tty\n", p.out());
        assertEquals("pt-err\n", p.err());
    }
}
