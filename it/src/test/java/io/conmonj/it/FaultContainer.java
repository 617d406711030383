package io.conmonj.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One container of a fault test (issue 11's matrix), in {@link PrivatePodman}'s private store: started detached,
 * inspected, faulted, waited for with a bound, and always removed ({@link #close()}).
 */
final class FaultContainer implements AutoCloseable {
    final MonitorUnderTest monitor;
    final String name;
    private FaultContainer(MonitorUnderTest monitor, String name) {
        this.monitor = monitor;
        this.name = name;
    }

    /** {@code podman run -d} of {@code script} under {@code sh -c}, with extra run options before the image. */
    static FaultContainer run(MonitorUnderTest m, String what, List<String> runOptions, String script) {
        FaultContainer c = new FaultContainer(m, PrivatePodman.name(m, what));
        PrivatePodman.podman(m, "rm", "-f", "-t", "0", c.name);
        List<String> args = new ArrayList<>(List.of("run", "-d", "--name", c.name, "--network", "none"));
        args.addAll(runOptions);
        args.addAll(List.of(PrivatePodman.IMG, "sh", "-c", script));
        Fixtures.Proc p = PrivatePodman.podman(m, args.toArray(String[]::new));
        assertEquals(0, p.status(), "podman run: " + p.err());
        return c;
    }

    /** A container started by the caller (podman run already returned): removed on {@link #close()}. */
    static FaultContainer attach(MonitorUnderTest m, String name) {
        return new FaultContainer(m, name);
    }

    String inspect(String format) {
        Fixtures.Proc p = PrivatePodman.podman(monitor, "container", "inspect", "--format", format, name);
        assertEquals(0, p.status(), "podman inspect: " + p.err());
        return p.out().strip();
    }

    Path logPath() {
        return Path.of(inspect("{{.HostConfig.LogConfig.Path}}"));
    }

    /** The pid Podman knows as conmon's (-P): conmon-j's guardian, or the C conmon itself. */
    int conmonPid() {
        return Integer.parseInt(inspect("{{.State.ConmonPid}}"));
    }

    /** The process that does the monitoring: conmon-j's JVM (the guardian's child running java), or the C conmon. */
    int monitorPid() {
        int conmon = conmonPid();
        if (!monitor.isConmonJ()) return conmon;
        List<Long> jvms = MonitorProcesses.childrenRunning(conmon, "java");
        if (jvms.isEmpty()) {
            throw new AssertionError("no monitor JVM under the guardian " + conmon + ": children " + MonitorProcesses.children(conmon));
        }
        return jvms.get(0).intValue();
    }

    /** Waits (bounded) until the k8s-file log holds {@code text}; returns the log's bytes at that moment. */
    byte[] awaitLog(String text, int timeoutMs) throws IOException, InterruptedException {
        Path log = logPath();
        String seen = Await.value("\"" + text + "\" in the log " + log, Duration.ofMillis(timeoutMs),
                () -> Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "", s -> s.contains(text));
        return seen.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** {@code podman wait} bounded by {@code seconds}: its output, or null if it did not return in time. */
    String waitBounded(int seconds) {
        List<String> cmd = new ArrayList<>(List.of("timeout", Integer.toString(seconds)));
        cmd.addAll(PrivatePodman.cmd(monitor, "wait", name));
        Fixtures.Proc p = PrivatePodman.exec(cmd, seconds + 30);
        if (p.status() == 124) return null;
        assertEquals(0, p.status(), "podman wait: " + p.err());
        return p.out().strip();
    }

    /** {@code podman ps -a} status column of this container, e.g. "Exited (7) 1 second ago". */
    String psStatus() {
        Fixtures.Proc p = PrivatePodman.podman(monitor, "ps", "-a", "--filter", "name=^" + name + "$", "--format", "{{.Status}}");
        assertEquals(0, p.status(), "podman ps: " + p.err());
        return p.out().strip();
    }

    /** stdout and stderr of {@code podman logs}, concatenated. */
    String podmanLogs() {
        Fixtures.Proc p = PrivatePodman.podman(monitor, "logs", name);
        assertEquals(0, p.status(), "podman logs: " + p.err());
        return p.out() + p.err();
    }

    /** The log now starts with every byte it held before the fault. */
    void assertLogKeeps(byte[] before) throws IOException {
        byte[] now = Files.readAllBytes(logPath());
        assertTrue(now.length >= before.length, "the log shrank: " + before.length + " -> " + now.length);
        assertEquals(new String(before, StandardCharsets.ISO_8859_1),
                new String(Arrays.copyOf(now, before.length), StandardCharsets.ISO_8859_1),
                "bytes logged before the fault changed");
    }

    @Override
    public void close() {
        // a ghost left by the reference may need its monitor gone first: rm -f kills the container via the runtime
        PrivatePodman.exec(PrivatePodman.cmd(monitor, "rm", "-f", "-t", "0", name), 60);
    }
}
