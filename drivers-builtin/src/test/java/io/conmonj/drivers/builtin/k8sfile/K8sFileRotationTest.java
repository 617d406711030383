package io.conmonj.drivers.builtin.k8sfile;

import io.conmonj.plugin.LogStream;
import static io.conmonj.drivers.builtin.k8sfile.LogTestSupport.CLOCK;
import static io.conmonj.drivers.builtin.k8sfile.LogTestSupport.out;
import static io.conmonj.drivers.builtin.k8sfile.LogTestSupport.read;
import static io.conmonj.drivers.builtin.k8sfile.LogTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** --log-rotate / --log-max-files (7.1.5), the path checks and the failure modes. */
class K8sFileRotationTest {
    @TempDir
    Path dir;
    Path logDir;
    Path logPath;
    LogTestSupport.Warnings warnings = new LogTestSupport.Warnings();

    @BeforeEach
    void setUp() throws IOException {
        logDir = Files.createDirectory(dir.resolve("logs"));
        Files.setPosixFilePermissions(logDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        logPath = logDir.resolve("ctr.log");
    }

    /** Size limit 50: every record "lN\n" (48 bytes) after the first in a file triggers a rotation. */
    private K8sFileLog open(int maxFiles, List<String> allowlist) throws IOException {
        K8sFileOptions o = K8sFileOptions.of(logPath).withSizeMax(50).withRotate(true, maxFiles).withAllowlistDirs(allowlist);
        return new K8sFileLog(o, CLOCK, warnings);
    }

    private Path sibling(String suffix) {
        return Path.of(logPath + suffix);
    }

    private TreeSet<String> files() throws IOException {
        try (var s = Files.list(logDir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private Object inode(Path p) throws IOException {
        return Files.readAttributes(p, "unix:ino").get("ino");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void maxFilesOneAndTwoKeepTwoBackups(int maxFiles) throws IOException {
        // conmon-behaviour.md §16.8: the shift loop starts at max(N, 2), so N = 1 behaves like N = 2.
        try (K8sFileLog log = open(maxFiles, List.of())) {
            for (int i = 1; i <= 5; i++) {
                write(log, LogStream.STDOUT, "l" + i + "\n");
            }
        }
        assertEquals(new TreeSet<>(List.of("ctr.log", "ctr.log.1", "ctr.log.2")), files());
        assertEquals(out("l5"), read(logPath));
        assertEquals(out("l4"), read(sibling(".1")));
        assertEquals(out("l3"), read(sibling(".2")));
        assertEquals(List.of(), warnings.list);
    }

    @Test
    void maxFilesThreeKeepsThreeBackups() throws IOException {
        try (K8sFileLog log = open(3, List.of())) {
            for (int i = 1; i <= 6; i++) {
                write(log, LogStream.STDOUT, "l" + i + "\n");
            }
            assertEquals(48, log.bytesWritten());
            assertEquals(6 * 48, log.totalBytesWritten());
        }
        assertEquals(new TreeSet<>(List.of("ctr.log", "ctr.log.1", "ctr.log.2", "ctr.log.3")), files());
        assertEquals(out("l6"), read(logPath));
        assertEquals(out("l5"), read(sibling(".1")));
        assertEquals(out("l4"), read(sibling(".2")));
        assertEquals(out("l3"), read(sibling(".3")));
    }

    @Test
    void recordsBeforeTheRotationPointStayInTheOldFile() throws IOException {
        K8sFileOptions o = K8sFileOptions.of(logPath).withSizeMax(100).withRotate(true, 3);
        try (K8sFileLog log = new K8sFileLog(o, CLOCK, warnings)) {
            write(log, LogStream.STDOUT, "l1\nl2\nl3\nl4\nl5\n"); // two per file
        }
        assertEquals(out("l5"), read(logPath));
        assertEquals(out("l3") + out("l4"), read(sibling(".1")));
        assertEquals(out("l1") + out("l2"), read(sibling(".2")));
        assertFalse(Files.exists(sibling(".3")));
    }

    @Test
    void rotatedFilesHaveMode0640() throws IOException {
        try (K8sFileLog log = open(1, List.of())) {
            write(log, LogStream.STDOUT, "l1\nl2\n");
        }
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(logPath)));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(sibling(".1"))));
    }

    @Test
    void reopenInRotateModeRotates() throws IOException {
        K8sFileOptions o = K8sFileOptions.of(logPath).withRotate(true, 1);
        try (K8sFileLog log = new K8sFileLog(o, CLOCK, warnings)) {
            write(log, LogStream.STDOUT, "before\n");
            Object ino = inode(logPath);
            log.reopen();
            assertEquals(0, Files.size(logPath));
            assertNotEquals(ino, inode(logPath));
            assertEquals(ino, inode(sibling(".1")));
            assertEquals(0, log.bytesWritten());
            write(log, LogStream.STDOUT, "after\n");
        }
        assertEquals(out("after"), read(logPath));
        assertEquals(out("before"), read(sibling(".1")));
        assertEquals(List.of(), warnings.list);
    }

    @Test
    void symlinkedLogPathIsNotRotatedButWritingContinues() throws IOException {
        Path target = logDir.resolve("real.log");
        Files.createSymbolicLink(logPath, target);
        try (K8sFileLog log = open(1, List.of())) {
            write(log, LogStream.STDOUT, "l1\nl2\n");
            write(log, LogStream.STDOUT, "l3\n");
        }
        assertEquals(out("l1") + out("l2") + out("l3"), read(target));
        assertEquals(new TreeSet<>(List.of("ctr.log", "real.log")), files());
        assertEquals(List.of("Log path is a symbolic link", "Cannot rotate: invalid log path",
                "Log path is a symbolic link", "Cannot rotate: invalid log path"), warnings.list);
    }

    @Test
    void allowlistIsIgnoredWhileTheLogFileExists() throws IOException {
        // conmon-behaviour.md §16.7: the allowlist is only consulted when PATH does not exist at rotation time.
        Path elsewhere = Files.createDirectory(dir.resolve("allowed"));
        try (K8sFileLog log = open(1, List.of(elsewhere.toString()))) {
            write(log, LogStream.STDOUT, "l1\nl2\n");
        }
        assertEquals(out("l2"), read(logPath));
        assertEquals(out("l1"), read(sibling(".1")));
        assertEquals(List.of(), warnings.list);
    }

    @Test
    void parentOutsideTheAllowlistIsRefusedWhenTheFileIsGone() throws IOException {
        Path elsewhere = Files.createDirectory(dir.resolve("allowed"));
        Path moved = logDir.resolve("moved.log");
        try (K8sFileLog log = open(1, List.of("", elsewhere.toString()))) {
            write(log, LogStream.STDOUT, "l1\n");
            Files.move(logPath, moved);
            log.reopen();
            write(log, LogStream.STDOUT, "l2\n"); // 96 > 50: tries again, refused again
        }
        assertEquals(out("l1") + out("l2"), read(moved));
        assertEquals(new TreeSet<>(List.of("moved.log")), files());
        assertEquals(List.of("Parent directory not in allowlist", "Cannot rotate: invalid log path",
                "Parent directory not in allowlist", "Cannot rotate: invalid log path"), warnings.list);
    }

    @Test
    void allowlistedParentButMissingFileFailsTheDescriptorCheck() throws IOException {
        Path moved = logDir.resolve("moved.log");
        try (K8sFileLog log = open(1, List.of(dir.resolve("nonexistent").toString(), logDir.toString()))) {
            write(log, LogStream.STDOUT, "l1\n");
            Files.move(logPath, moved);
            log.reopen();
            write(log, LogStream.STDOUT, "l2\n");
        }
        assertEquals(out("l1") + out("l2"), read(moved));
        assertFalse(Files.exists(sibling(".new")));
        assertEquals("Invalid allowlist directory", warnings.list.get(0));
        assertEquals("Failed to canonicalize expected path " + logPath + ": No such file or directory",
                warnings.list.get(1));
        assertEquals("File descriptor security validation failed", warnings.list.get(2));
    }

    @Test
    void worldWritableParentIsRefusedWhenTheFileIsGone() throws IOException {
        Files.setPosixFilePermissions(logDir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path moved = logDir.resolve("moved.log");
        try (K8sFileLog log = open(1, List.of())) {
            write(log, LogStream.STDOUT, "l1\n");
            Files.move(logPath, moved);
            log.reopen();
        }
        assertEquals(List.of("Parent directory is world-writable, security risk: " + logDir,
                "Cannot rotate: invalid log path"), warnings.list);
    }

    @Test
    void replacedFileIsNotRotated() throws IOException {
        try (K8sFileLog log = open(1, List.of())) {
            write(log, LogStream.STDOUT, "l1\n");
            Files.move(logPath, logDir.resolve("moved.log"));
            Files.writeString(logPath, "someone else's file\n");
            log.reopen();
            write(log, LogStream.STDOUT, "l2\n");
        }
        assertEquals("someone else's file\n", read(logPath));
        assertEquals(out("l1") + out("l2"), read(logDir.resolve("moved.log")));
        assertTrue(warnings.list.contains("File descriptor and path point to different files"), warnings.list::toString);
    }

    @Test
    void dotDotInPathIsRefused() throws IOException {
        Files.createDirectory(logDir.resolve("sub"));
        logPath = logDir.resolve("sub/../ctr.log");
        try (K8sFileLog log = open(1, List.of())) {
            write(log, LogStream.STDOUT, "l1\nl2\n");
        }
        assertEquals(out("l1") + out("l2"), read(logDir.resolve("ctr.log")));
        assertEquals(List.of("Cannot rotate: invalid log path"), warnings.list);
    }

    @Test
    void lockedFileIsNotRotatedUntilTheLockIsGone() throws IOException {
        try (K8sFileLog log = open(1, List.of())) {
            write(log, LogStream.STDOUT, "l1\n");
            try (FileChannel other = FileChannel.open(logPath, StandardOpenOption.WRITE);
                 FileLock lock = other.lock()) {
                write(log, LogStream.STDOUT, "l2\n");
                assertTrue(lock.isValid());
            }
            assertEquals(List.of("Log file locked by another process, skipping rotation"), warnings.list);
            write(log, LogStream.STDOUT, "l3\n"); // lock gone: rotates now
        }
        assertEquals(out("l3"), read(logPath));
        assertEquals(out("l1") + out("l2"), read(sibling(".1")));
    }

    @Test
    void leftoverNewFileMakesRotationFail() throws IOException {
        Files.writeString(sibling(".new"), "stale\n");
        try (K8sFileLog log = open(1, List.of())) {
            write(log, LogStream.STDOUT, "l1\nl2\n");
        }
        assertEquals(out("l1") + out("l2"), read(logPath));
        assertEquals("stale\n", read(sibling(".new")));
        assertEquals(List.of("Failed to create new log file: File exists"), warnings.list);
    }

    @Test
    void maxFilesZeroMakesEveryRotationFailAndCleansUp() throws IOException {
        try (K8sFileLog log = open(0, List.of())) {
            write(log, LogStream.STDOUT, "l1\nl2\n");
        }
        assertEquals(out("l1") + out("l2"), read(logPath));
        assertEquals(new TreeSet<>(List.of("ctr.log")), files());
        assertEquals(List.of("Invalid log_max_files value: 0"), warnings.list);
    }

    @Test
    void backupThatCannotBeShiftedIsReportedButRotationGoesOn() throws IOException {
        // ctr.log.1 -> ctr.log.2 fails when .2 is a non-empty directory.
        Files.writeString(sibling(".1"), "old backup\n");
        Files.createDirectory(sibling(".2"));
        Files.writeString(sibling(".2").resolve("x"), "x");
        try (K8sFileLog log = open(1, List.of())) {
            write(log, LogStream.STDOUT, "l1\nl2\n");
        }
        assertEquals(out("l2"), read(logPath));
        assertEquals(out("l1"), read(sibling(".1"))); // rename(2) replaced the old .1
        assertEquals(2, warnings.list.size(), warnings.list::toString);
        assertTrue(warnings.list.get(0).startsWith("Failed to shift backup file " + logPath + ".1 to " + logPath + ".2: "),
                warnings.list::toString);
        assertEquals("Backup file shifting completed with some errors", warnings.list.get(1));
    }
}
