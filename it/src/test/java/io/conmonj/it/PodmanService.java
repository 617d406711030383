package io.conmonj.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code podman system service} on a private socket, over {@link PrivatePodman}'s private store, with {@code m} as the
 * monitor of every container it starts ({@code --conmon}): the Docker-compatible API the docker CLI and
 * Testcontainers talk to. Stopped (SIGTERM, then SIGKILL) by {@link #close()}.
 */
final class PodmanService implements AutoCloseable {
    final MonitorUnderTest monitor;
    final Path socket;
    private final PrivatePodman.Running process;

    private PodmanService(MonitorUnderTest monitor, Path socket, PrivatePodman.Running process) {
        this.monitor = monitor;
        this.socket = socket;
        this.process = process;
    }

    static PodmanService start(MonitorUnderTest m) throws IOException {
        m.requirePresent();
        Path socket = PrivatePodman.base.resolve("api-" + m.name() + ".sock");
        Files.deleteIfExists(socket);
        PrivatePodman.Running p = PrivatePodman.start(PrivatePodman.cmd(m, "system", "service", "--time", "0", "unix://" + socket));
        PodmanService service = new PodmanService(m, socket, p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(socket)) {
            if (!p.process().isAlive() || System.nanoTime() > deadline) {
                service.close();
                throw new AssertionError("podman system service did not create " + socket + ": "
                        + Files.readString(p.err()));
            }
            pause(50);
        }
        return service;
    }

    /** The value of DOCKER_HOST for clients. */
    String dockerHost() {
        return "unix://" + socket;
    }

    /** The command lines of the monitor of container {@code name} and its children ({@link MonitorProcesses}). */
    List<String> monitorCommandLines(String name) {
        List<String> cmd = new ArrayList<>(PrivatePodman.cmd(monitor, "inspect", "--format", "{{.State.ConmonPid}}", name));
        Fixtures.Proc p = PrivatePodman.exec(cmd, 60);
        if (p.status() != 0) throw new AssertionError("podman inspect " + name + ": " + p.err());
        return MonitorProcesses.commandLines(Long.parseLong(p.out().strip()));
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() throws IOException {
        Process p = process.process();
        p.destroy();
        try {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(socket);
    }
}
