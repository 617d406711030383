package io.conmonj.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The monitor's own exit status at the very end of its exit path (conmon-behaviour.md §10.8), seen through
 * {@code --sync}, where the process Podman started relays it: the container's, whatever the exit command's
 * status (conmon clears the exit command's failing status while it reaps). conmon-j's guardian exits with the status the monitor sends in its last record instead of waiting
 * for the JVM's exit (docs/reliability.md, record {@code X}); this pins that the status survives the shortcut.
 */
class ExitStatusHarnessTest {
    static final Duration T = Duration.ofSeconds(30);

    @ParameterizedTest(name = "{0}")
    @MethodSource(ConmonHarnessTest.MONITORS)
    void aFailingExitCommandLeavesTheContainersStatus(MonitorUnderTest m) throws IOException {
        try (ConmonRun r = ConmonHarnessTest.shRun(m, "exit 5").k8sLog()) {
            Path script = r.dir.resolve("failing-exit-command.sh");
            Files.writeString(script, "#!/bin/sh\nexit 4\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
            r.args("--sync", "--exit-command", script.toString());
            r.spawn().sendStart();
            Json.SyncMessage msg = r.readSync(T);
            assertTrue(msg.value() > 0, msg.raw());
            assertEquals(0, Fixtures.runc("start", r.cid).status());
            assertEquals(5, r.waitLauncher(T), "the container's status, not the exit command's 4");
            assertEquals("5", r.awaitExitFile(Duration.ofSeconds(5)), "the container's status in the exit file");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ConmonHarnessTest.MONITORS)
    void aSucceedingExitCommandLeavesTheContainersStatus(MonitorUnderTest m) throws IOException {
        try (ConmonRun r = ConmonHarnessTest.shRun(m, "exit 6").k8sLog()) {
            r.args("--sync", "--exit-command", "/bin/true");
            r.spawn().sendStart();
            Json.SyncMessage msg = r.readSync(T);
            assertTrue(msg.value() > 0, msg.raw());
            assertEquals(0, Fixtures.runc("start", r.cid).status());
            assertEquals(6, r.waitLauncher(T), "the container's status");
            assertEquals("6", r.awaitExitFile(Duration.ofSeconds(5)));
        }
    }
}
