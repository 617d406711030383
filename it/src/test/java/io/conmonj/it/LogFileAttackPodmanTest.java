package io.conmonj.it;

import static io.conmonj.it.DriverSelection.csvAnnotations;
import static io.conmonj.it.PrivatePodman.freshDir;
import static io.conmonj.it.DriverSelection.run;
import static io.conmonj.it.PrivatePodman.name;
import static io.conmonj.it.PrivatePodman.podman;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 10 item 6 end to end, with real Podman and runc: someone who can write to the directory of a file driver's
 * {@code path} plants a symbolic link, a hard link to a file they cannot write (mode 0600, outside the directory) or a
 * FIFO at the log path, or symbolic links at the rotated and temporary names. {@code podman run} with k8s-file or
 * json-file selected by annotation then refuses with the reason (the container never runs), or rotates and
 * compresses without writing through anything planted; the victim file is byte-identical with the same mode every
 * time. conmon-j only: the C conmon has no driver selection by annotation.
 */
@ExtendWith(PodmanEnvironment.class)
class LogFileAttackPodmanTest {
    static final String MONITORS = "io.conmonj.it.MonitorUnderTest#monitors";
    static final String WHY = "file drivers selected by io.conmon-j.* annotations are conmon-j's";
    static final byte[] SECRET = "root:$6$secret:19000:0:99999:7:::\n".getBytes(StandardCharsets.US_ASCII);

    static Path victim(Path dir) throws IOException {
        Path v = dir.resolve("shadow");
        Files.write(v, SECRET);
        Files.setPosixFilePermissions(v, PosixFilePermissions.fromString("rw-------"));
        return v;
    }

    static void assertUntouched(Path v) throws IOException {
        assertTrue(Files.isRegularFile(v, LinkOption.NOFOLLOW_LINKS), v + " is still a regular file");
        assertArrayEquals(SECRET, Files.readAllBytes(v), "content of " + v);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(v)), "mode of " + v);
    }

    static void mkfifo(Path at) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mkfifo", at.toString()).inheritIO().start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo " + at);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void plantedAtThePathIsRefusedAtPodmanRun(MonitorUnderTest m) throws Exception {
        m.onlyConmonJ(WHY);
        Path dir = freshDir("attack-path");
        Path etc = freshDir("attack-etc");
        String n = name(m, "attack");
        List<String> failures = new ArrayList<>();
        try {
            Path v = victim(etc);
            for (String driver : List.of("k8s-file", "json-file")) {
                for (String kind : List.of("symlink", "hardlink", "fifo")) {
                    Path log = dir.resolve(kind + "-" + driver + ".log");
                    switch (kind) {
                        case "symlink" -> Files.createSymbolicLink(log, v);
                        case "hardlink" -> Files.createLink(log, v);
                        default -> mkfifo(log);
                    }
                    String reason = switch (kind) {
                        case "symlink" -> "Too many levels of symbolic links";
                        case "hardlink" -> "hard links (refused: a log file has one name)";
                        default -> "not a regular file";
                    };
                    try {
                        Fixtures.Proc p = run(m, n, csvAnnotations(driver + ":x", "x.path=" + log), "echo", "must-not-run");
                        if (p.status() == 0 || !p.err().contains("log driver x (" + driver + "): ")
                                || !p.err().contains(reason) || p.out().contains("must-not-run")) {
                            failures.add(driver + " " + kind + ": status " + p.status() + ", out " + Json.quote(p.out())
                                    + ", err " + Json.quote(p.err()) + " (expected " + Json.quote(reason) + ")");
                        }
                    } finally {
                        podman(m, "rm", "-f", "-t", "0", n);
                    }
                    assertUntouched(v);
                }
            }
        } finally {
            podman(m, "rm", "-f", "-t", "0", n);
            Fixtures.rmrf(dir);
            Fixtures.rmrf(etc);
        }
        assertEquals(List.of(), failures);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void plantedAtRotatedAndTemporaryNamesRedirectsNothing(MonitorUnderTest m) throws Exception {
        m.onlyConmonJ(WHY);
        Path dir = freshDir("attack-rotate");
        Path etc = freshDir("attack-rotate-etc");
        String n = name(m, "attackrot");
        try {
            Path v = victim(etc);
            for (String driver : List.of("k8s-file", "json-file")) {
                Path log = dir.resolve(driver + ".log");
                // (PATH.new is left out here: planted there, k8s-file refuses every rotation, as conmon does; the unit
                // test PlantedFilesTest covers it)
                for (String suffix : List.of(".1", ".2", ".1.gz", ".2.gz", ".gz.tmp", ".tmp")) {
                    Files.createSymbolicLink(Path.of(log + suffix), v);
                }
                // 300 lines of ~100 bytes: several rotations of 4 KiB files, each rotated file compressed
                String script = "i=1; while [ $i -le 300 ]; do echo line-$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx;"
                        + " i=$((i+1)); done";
                try {
                    Fixtures.Proc p = run(m, n, csvAnnotations(driver + ":x", "x.path=" + log, "x.max-size=4k",
                            "x.max-file=3", "x.compress=true"), "sh", "-c", script);
                    assertEquals(0, p.status(), driver + ": " + p.err());
                } finally {
                    podman(m, "rm", "-f", "-t", "0", n);
                }
                assertUntouched(v);
                assertTrue(Files.isRegularFile(log, LinkOption.NOFOLLOW_LINKS), driver + " log is a regular file");
                assertTrue(Files.readString(log, StandardCharsets.ISO_8859_1).contains("line-300-"),
                        driver + ": the last line is in the current file");
                assertTrue(Files.isRegularFile(Path.of(log + ".1.gz"), LinkOption.NOFOLLOW_LINKS),
                        driver + ": the first backup was compressed into a file of its own");
            }
        } finally {
            podman(m, "rm", "-f", "-t", "0", n);
            Fixtures.rmrf(dir);
            Fixtures.rmrf(etc);
        }
    }
}
