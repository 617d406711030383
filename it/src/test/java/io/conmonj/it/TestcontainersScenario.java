package io.conmonj.it;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * What a Java developer's test does with Testcontainers, run by {@link DockerApiTest} in a child JVM whose environment
 * points Testcontainers at one {@code podman system service} ({@code DOCKER_HOST}, Ryuk and the start-up checks off:
 * both would start extra containers from images that are not here). Prints one line per step, {@code STEP value},
 * for the test to check; exits 0 when every step ran.
 *
 * Arguments: IMAGE PODMAN_GLOBALS... (the podman command that reads the service's store, for the monitor's pid).
 */
public final class TestcontainersScenario {
    private TestcontainersScenario() {}

    public static void main(String[] args) throws Exception {
        String image = args[0];
        List<String> podman = List.of(args).subList(1, args.length);
        List<String> frames = Collections.synchronizedList(new ArrayList<>());
        try (GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(image))
                .withCommand("sh", "-c", "echo starting; sleep 1; echo ready; echo to-stderr >&2; exec sleep 300")
                .withNetworkMode("none")
                .withLogConsumer(f -> frames.add(f.getType() + " " + f.getUtf8StringWithoutLineEnding()))
                .waitingFor(Wait.forLogMessage(".*ready.*\\n", 1).withStartupTimeout(Duration.ofSeconds(60)))) {
            c.start();
            step("started", String.valueOf(c.isRunning()));
            ExecResult r = c.execInContainer("sh", "-c", "echo exec-out; echo exec-err >&2; exit 7");
            step("exec", r.getExitCode() + "|" + r.getStdout().strip() + "|" + r.getStderr().strip());
            step("monitor", monitorCommandLine(podman, c.getContainerId()));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!frames.contains("STDERR to-stderr") && System.nanoTime() < deadline) Thread.sleep(50);
            step("logs", String.join("|", frames));
            step("getLogs", c.getLogs().strip().replace('\n', '|'));
            c.stop();
            step("stopped", String.valueOf(c.getContainerId() == null || !c.isRunning()));
        }
        System.exit(0); // docker-java's threads must not keep the JVM
    }

    private static String monitorCommandLine(List<String> podman, String id) throws Exception {
        List<String> cmd = new ArrayList<>(podman);
        cmd.addAll(List.of("inspect", "--format", "{{.State.ConmonPid}}", id));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException("podman inspect: " + out);
        return String.join(" || ", MonitorProcesses.commandLines(Long.parseLong(out))); // the pid, then its children
    }

    private static void step(String name, String value) {
        System.out.println("STEP " + name + " " + value);
        System.out.flush();
    }
}
