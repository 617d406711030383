package io.conmonj.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 11's fault matrix, the log's storage: the file system holding the k8s-file log fills up (a 64 KiB tmpfs,
 * mounted and always unmounted here), and the log's directory is deleted while the container runs. Both monitors:
 * the container's real status reaches `podman wait` and `podman ps`, and what was logged stays (ENOSPC: the full
 * file is a prefix of the output; deleted: the unlinked file the monitor still holds has every line).
 */
@ExtendWith(PodmanEnvironment.class)
class LogStorageFaultPodmanTest {
    static final String MONITORS = "io.conmonj.it.MonitorUnderTest#monitors";

    private static void sh(String... cmd) {
        Fixtures.Proc p = PrivatePodman.exec(List.of(cmd), 30);
        assertEquals(0, p.status(), String.join(" ", cmd) + ": " + p.err());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void aFullLogFileSystemKeepsTheStatusAndThePrefix(MonitorUnderTest m) throws IOException {
        m.requirePresent();
        Path mount = Files.createDirectories(PrivatePodman.base.resolve("small-" + m.name()));
        Path diagnostics = Files.createTempFile(PrivatePodman.base, "diag", ".log");
        sh("mount", "-t", "tmpfs", "-o", "size=64k,mode=0755", "tmpfs", mount.toString());
        try {
            Path log = mount.resolve("ctr.log");
            PrivatePodman.withConmonEnv(List.of("CONMONJ_DIAGNOSTICS_FILE=" + diagnostics), () -> {
                try (FaultContainer c = FaultContainer.run(m, "enospc", List.of("--log-opt", "path=" + log),
                        "echo first; head -c 100000 /dev/zero | tr '\\0' x; echo; echo last; exit 3")) {
                    assertEquals("3", c.waitBounded(30), "podman wait");
                    assertTrue(c.psStatus().startsWith("Exited (3)"), c.psStatus());
                    byte[] bytes = Files.readAllBytes(log);
                    assertEquals(64 * 1024, bytes.length, "the file system is full");
                    // every complete record is a prefix of the output, in order
                    int end = lastNewline(bytes);
                    String kept = new String(K8sLog.reassemble(K8sLog.parse(Arrays.copyOf(bytes, end + 1)), "stdout"),
                            StandardCharsets.ISO_8859_1);
                    String expected = "first\n" + "x".repeat(100_000) + "\nlast\n";
                    assertTrue(kept.length() > 50_000 && expected.startsWith(kept),
                            "the log holds a prefix of the output: " + kept.length() + " bytes");
                    if (m.isConmonJ()) {
                        String diag = Files.readString(diagnostics);
                        assertTrue(diag.contains("failed to flush buffer to log"), "the reason: " + diag);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return null;
            });
        } finally {
            PrivatePodman.exec(List.of("umount", "-l", mount.toString()), 30);
        }
    }

    private static int lastNewline(byte[] b) {
        for (int i = b.length - 1; i >= 0; i--) if (b[i] == '\n') return i;
        throw new AssertionError("no complete record in the log");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void theLogDirectoryDeletedWhileRunning(MonitorUnderTest m) throws Exception {
        m.requirePresent();
        Path dir = Files.createDirectories(PrivatePodman.base.resolve("logdir-" + m.name()));
        try (FaultContainer c = FaultContainer.run(m, "logdir-deleted", List.of("--log-opt", "path=" + dir.resolve("ctr.log")),
                "echo first; sleep 2; echo second; sleep 1; exit 5")) {
            c.awaitLog("first", 20_000);
            int monitor = c.monitorPid();
            Fixtures.rmrf(dir);
            // the container writes "second" into the unlinked file, which the monitor still holds open
            String held = Await.value("\"second\" in the log the monitor holds", Duration.ofSeconds(20),
                    () -> heldLog(monitor), h -> h.contains(" stdout F second\n"));
            assertTrue(held.contains(" stdout F first\n") && held.contains(" stdout F second\n"),
                    "the monitor still writes the unlinked log: " + held);
            assertEquals("5", c.waitBounded(30), "podman wait");
            assertTrue(c.psStatus().startsWith("Exited (5)"), c.psStatus());
        }
    }

    /** The content of the deleted log, through the monitor's open descriptor. */
    private static String heldLog(int pid) throws IOException {
        Path fds = Path.of("/proc/" + pid + "/fd");
        try (var s = Files.list(fds)) {
            for (Path fd : s.toList()) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException gone) {
                    continue;
                }
                if (target.endsWith("ctr.log (deleted)")) return Files.readString(fd, StandardCharsets.ISO_8859_1);
            }
        }
        throw new AssertionError("monitor " + pid + " holds no deleted ctr.log");
    }
}
