package io.conmonj.drivers.builtin.k8sfile;

import io.conmonj.plugin.LogStream;
import static io.conmonj.drivers.builtin.k8sfile.LogTestSupport.CLOCK;
import static io.conmonj.drivers.builtin.k8sfile.LogTestSupport.TS;
import static io.conmonj.drivers.builtin.k8sfile.LogTestSupport.out;
import static io.conmonj.drivers.builtin.k8sfile.LogTestSupport.read;
import static io.conmonj.drivers.builtin.k8sfile.LogTestSupport.rec;
import static io.conmonj.drivers.builtin.k8sfile.LogTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --log-size-max in truncate mode (7.1.3) and --log-global-size-max (7.1.4). */
class K8sFileLimitsTest {
    @TempDir
    Path dir;
    Path logPath;
    LogTestSupport.Warnings warnings = new LogTestSupport.Warnings();

    @BeforeEach
    void setUp() {
        logPath = dir.resolve("ctr.log");
    }

    private K8sFileLog open(long sizeMax, long globalMax) throws IOException {
        return new K8sFileLog(K8sFileOptions.of(logPath).withSizeMax(sizeMax).withGlobalSizeMax(globalMax), CLOCK, warnings);
    }

    private static String lines(int from, int to) {
        StringBuilder b = new StringBuilder();
        for (int i = from; i <= to; i++) {
            b.append(String.format("line%02d\n", i));
        }
        return b.toString();
    }

    private static String records(int from, int to) {
        StringBuilder b = new StringBuilder();
        for (int i = from; i <= to; i++) {
            b.append(out(String.format("line%02d", i)));
        }
        return b.toString();
    }

    private Object inode(Path p) throws IOException {
        return Files.readAttributes(p, "unix:ino").get("ino");
    }

    @Test
    void burstOfThirtyLinesWithMax200KeepsTheLastThree() throws IOException {
        // Each record "line07\n" is accounted 45 + 7 = 52 bytes: three fit in 200, the fourth truncates.
        try (K8sFileLog log = open(200, -1)) {
            write(log, LogStream.STDOUT, lines(1, 30));
            assertEquals(3 * 52, log.bytesWritten());
            assertEquals(30 * 52, log.totalBytesWritten());
        }
        assertEquals(records(28, 30), read(logPath));
        assertFalse(Files.exists(dir.resolve("ctr.log.tmp")));
        assertEquals(List.of(), warnings.list);
    }

    @Test
    void sameResultWhenLinesArriveInSeparateChunks() throws IOException {
        try (K8sFileLog log = open(200, -1)) {
            for (int i = 1; i <= 30; i++) {
                write(log, LogStream.STDOUT, lines(i, i));
            }
        }
        assertEquals(records(28, 30), read(logPath));
    }

    @Test
    void recordsBeforeTheTruncationGoToTheOldFile() throws IOException {
        try (K8sFileLog log = open(200, -1)) {
            write(log, LogStream.STDOUT, lines(1, 1));
            Path oldFile = dir.resolve("old-hardlink");
            Files.createLink(oldFile, logPath); // keeps the pre-truncation inode reachable
            Object before = inode(logPath);
            write(log, LogStream.STDOUT, lines(2, 5)); // 2,3 fit; 4 truncates; 4,5 go to the new file
            assertEquals(records(1, 3), read(oldFile));
            assertEquals(records(4, 5), read(logPath));
            assertNotEquals(before, inode(logPath));
        }
    }

    @Test
    void exactFitDoesNotTruncate() throws IOException {
        // written + bytes > max truncates, == max does not: 52 * 3 = 156.
        try (K8sFileLog log = open(156, -1)) {
            write(log, LogStream.STDOUT, lines(1, 3));
            Object ino = inode(logPath);
            write(log, LogStream.STDOUT, lines(4, 4));
            assertNotEquals(ino, inode(logPath));
        }
        assertEquals(records(4, 4), read(logPath));
    }

    @Test
    void partialRecordsAreAccountedOneByteMore() throws IOException {
        // "abcdef" as P: 45 + 6 + 1 = 52 bytes; with max 103 a second one (104) truncates.
        try (K8sFileLog log = open(103, -1)) {
            write(log, LogStream.STDOUT, "abcdef");
            assertEquals(52, log.bytesWritten());
            write(log, LogStream.STDOUT, "ghijkl");
            assertEquals(52, log.bytesWritten());
        }
        assertEquals(rec("stdout", 'P', "ghijkl"), read(logPath));
    }

    @Test
    void aRecordLargerThanMaxIsStillWrittenWhole() throws IOException {
        String big = "x".repeat(300);
        try (K8sFileLog log = open(100, -1)) {
            write(log, LogStream.STDOUT, "a\n");
            write(log, LogStream.STDOUT, big + "\nb\n");
            // "b" did not fit after the 346-byte record: the big record was replaced in turn.
            assertEquals(47, log.bytesWritten());
        }
        assertEquals(out("b"), read(logPath));

        Files.delete(logPath);
        try (K8sFileLog log = open(100, -1)) {
            write(log, LogStream.STDOUT, big + "\n");
        }
        assertEquals(out(big), read(logPath)); // truncated first (empty file), then written whole
    }

    @Test
    void existingFileSizeCountsTowardSizeMax() throws IOException {
        Files.writeString(logPath, "o".repeat(149) + "\n"); // 150 bytes
        try (K8sFileLog log = open(200, -1)) {
            assertEquals(150, log.bytesWritten());
            write(log, LogStream.STDOUT, lines(1, 1)); // 150 + 52 > 200
        }
        assertEquals(records(1, 1), read(logPath));
    }

    @Test
    void existingFileSizeCountsTowardGlobalMax() throws IOException {
        Files.writeString(logPath, "o".repeat(149) + "\n");
        try (K8sFileLog log = open(-1, 150)) {
            write(log, LogStream.STDOUT, lines(1, 3));
            assertEquals(150, log.totalBytesWritten());
        }
        assertEquals("o".repeat(149) + "\n", read(logPath));
    }

    @Test
    void globalMaxStopsOutputForGood() throws IOException {
        // Checked before each record: 0, 52, 104 are < 120, so three records get in (156 > 120), then nothing.
        try (K8sFileLog log = open(-1, 120)) {
            write(log, LogStream.STDOUT, lines(1, 5));
            write(log, LogStream.STDOUT, lines(6, 6));
            write(log, LogStream.STDERR, "late partial");
            assertEquals(156, log.totalBytesWritten());
        }
        assertEquals(records(1, 3), read(logPath));
    }

    @Test
    void globalTotalIsNotResetByTruncation() throws IOException {
        try (K8sFileLog log = open(110, 200)) {
            for (int i = 1; i <= 10; i++) {
                write(log, LogStream.STDOUT, lines(i, i));
            }
            // Records 1..4 accepted (0, 52, 104, 156 < 200); file truncated before 3; 5.. dropped.
            assertEquals(208, log.totalBytesWritten());
            assertEquals(104, log.bytesWritten());
        }
        assertEquals(records(3, 4), read(logPath));
    }

    @Test
    void zeroAndNegativeLimitsAreDisabled() throws IOException {
        try (K8sFileLog log = open(0, 0)) {
            write(log, LogStream.STDOUT, lines(1, 30));
        }
        assertEquals(records(1, 30), read(logPath));
    }

    @Test
    void truncationUsesTheChunkTimestamp() throws IOException {
        try (K8sFileLog log = open(60, -1)) {
            write(log, LogStream.STDOUT, "aa\nbb\n");
        }
        assertEquals(TS + " stdout F bb\n", read(logPath));
    }
}
