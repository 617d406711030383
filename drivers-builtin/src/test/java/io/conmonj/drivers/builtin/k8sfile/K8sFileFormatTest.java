package io.conmonj.drivers.builtin.k8sfile;

import io.conmonj.plugin.LogStream;
import static io.conmonj.drivers.builtin.k8sfile.LogTestSupport.CLOCK;
import static io.conmonj.drivers.builtin.k8sfile.LogTestSupport.TS;
import static io.conmonj.drivers.builtin.k8sfile.LogTestSupport.bytes;
import static io.conmonj.drivers.builtin.k8sfile.LogTestSupport.concat;
import static io.conmonj.drivers.builtin.k8sfile.LogTestSupport.read;
import static io.conmonj.drivers.builtin.k8sfile.LogTestSupport.rec;
import static io.conmonj.drivers.builtin.k8sfile.LogTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Record format of conmon-behaviour.md §7.1.2, byte for byte. */
class K8sFileFormatTest {
    @TempDir
    Path dir;
    Path logPath;
    LogTestSupport.Warnings warnings = new LogTestSupport.Warnings();

    @BeforeEach
    void setUp() {
        logPath = dir.resolve("ctr.log");
    }

    private K8sFileLog open() throws IOException {
        return new K8sFileLog(K8sFileOptions.of(logPath), CLOCK, warnings);
    }

    @Test
    void fullLine() throws IOException {
        try (K8sFileLog log = open()) {
            write(log, LogStream.STDOUT, "hello world\n");
        }
        assertEquals(TS + " stdout F hello world\n", read(logPath));
        assertEquals(List.of(), warnings.list);
    }

    @Test
    void prefixIs43BytesAndStderrIsLabelled() throws IOException {
        try (K8sFileLog log = open()) {
            write(log, LogStream.STDERR, "oops\n");
        }
        String s = read(logPath);
        assertEquals("2026-11-30T02:05:46.309194498+00:00 stderr F oops\n", s);
        assertEquals("2026-11-30T02:05:46.309194498+00:00 stderr ".length(), 43);
    }

    @Test
    void severalLinesInOneChunkShareTheTimestamp() throws IOException {
        try (K8sFileLog log = open()) {
            write(log, LogStream.STDOUT, "a\nbb\nccc\n");
        }
        assertEquals(rec("stdout", 'F', "a\n") + rec("stdout", 'F', "bb\n") + rec("stdout", 'F', "ccc\n"), read(logPath));
    }

    @Test
    void trailingPartialBecomesPRecord() throws IOException {
        try (K8sFileLog log = open()) {
            write(log, LogStream.STDOUT, "one\ntw");
        }
        assertEquals(TS + " stdout F one\n" + TS + " stdout P tw\n", read(logPath));
    }

    @Test
    void partialThenContinuationStartingWithSpaceHasTwoSpaces() throws IOException {
        try (K8sFileLog log = open()) {
            write(log, LogStream.STDOUT, "partial");
            write(log, LogStream.STDOUT, " more\n");
        }
        assertEquals(TS + " stdout P partial\n" + TS + " stdout F  more\n", read(logPath));
    }

    @Test
    void chunkOfOnlyNewline() throws IOException {
        try (K8sFileLog log = open()) {
            write(log, LogStream.STDOUT, "\n");
            write(log, LogStream.STDERR, "\n\n");
        }
        assertEquals(TS + " stdout F \n" + TS + " stderr F \n" + TS + " stderr F \n", read(logPath));
    }

    @Test
    void emptyChunkWritesNothing() throws IOException {
        try (K8sFileLog log = open()) {
            write(log, LogStream.STDOUT, new byte[10], 3, 0);
            assertEquals(0, log.bytesWritten());
        }
        assertEquals(0, Files.size(logPath));
    }

    @Test
    void binaryAndInvalidUtf8AreCopiedVerbatim() throws IOException {
        byte[] payload = {0, 1, (byte) 0xff, (byte) 0xfe, (byte) 0xc3, 0x28, (byte) 0xe2, (byte) 0x82, 0x1b, '[', 'm', '\n',
            (byte) 0x80, (byte) 0xc0};
        try (K8sFileLog log = open()) {
            // Offset into a larger array, to check off/len handling.
            byte[] buf = concat(bytes("XXX"), payload, bytes("YYY"));
            write(log, LogStream.STDOUT, buf, 3, payload.length);
        }
        byte[] expected = concat(bytes(TS + " stdout F "), Arrays.copyOfRange(payload, 0, 12),
                bytes(TS + " stdout P "), Arrays.copyOfRange(payload, 12, 14), bytes("\n"));
        assertArrayEquals(expected, Files.readAllBytes(logPath));
    }

    @Test
    void carriageReturnIsKept() throws IOException {
        try (K8sFileLog log = open()) {
            write(log, LogStream.STDOUT, "tty line\r\n\rprogress\r");
        }
        assertEquals(TS + " stdout F tty line\r\n" + TS + " stdout P \rprogress\r\n", read(logPath));
    }

    @Test
    void longLineFedAs8192ByteChunksGivesPRecordsThenF() throws IOException {
        byte[] line = new byte[200 * 1024 + 1];
        for (int i = 0; i < line.length - 1; i++) {
            line[i] = (byte) ('a' + i % 26);
        }
        line[line.length - 1] = '\n';
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (K8sFileLog log = open()) {
            for (int off = 0; off < line.length; off += 8192) {
                int n = Math.min(8192, line.length - off);
                write(log, LogStream.STDOUT, line, off, n);
                boolean last = off + n == line.length;
                expected.writeBytes(bytes(TS + " stdout " + (last ? "F " : "P ")));
                expected.write(line, off, n);
                if (!last) {
                    expected.write('\n');
                }
            }
        }
        byte[] actual = Files.readAllBytes(logPath);
        assertArrayEquals(expected.toByteArray(), actual);
        // 200 KiB + "\n" = 25 full chunks of P and one F chunk holding only the newline.
        String s = read(logPath);
        assertEquals(25, s.split(" stdout P ", -1).length - 1);
        assertEquals(1, s.split(" stdout F ", -1).length - 1);
        assertTrue(s.endsWith(TS + " stdout F \n"));
    }

    @Test
    void chunkLargerThanTheInternalBufferIsWrittenCompletely() throws IOException {
        // Many tiny lines: the formatted chunk (46 bytes per 1-byte line) exceeds the 64 KiB buffer.
        byte[] chunk = new byte[8192];
        Arrays.fill(chunk, (byte) '\n');
        byte[] big = new byte[100_000]; // a single record larger than the buffer
        Arrays.fill(big, (byte) 'z');
        try (K8sFileLog log = open()) {
            write(log, LogStream.STDOUT, chunk, 0, chunk.length);
            write(log, LogStream.STDOUT, big, 0, big.length);
        }
        String s = read(logPath);
        assertEquals((TS + " stdout F \n").repeat(8192) + TS + " stdout P " + "z".repeat(100_000) + "\n", s);
    }

    @Test
    void appendsToExistingFile() throws IOException {
        Files.writeString(logPath, "previous content\n");
        try (K8sFileLog log = open()) {
            write(log, LogStream.STDOUT, "new\n");
            assertEquals(17 + 45 + 4, log.bytesWritten());
        }
        assertEquals("previous content\n" + TS + " stdout F new\n", read(logPath));
    }

    @Test
    void eachChunkTakesAFreshTimestamp() throws IOException {
        long[] now = {LogTestSupport.T0.getEpochSecond() * 1_000_000_000L + 5};
        LogClock clock = new LogClock() {
            @Override
            public long epochNanos() {
                return now[0];
            }

            @Override
            public int offsetSeconds(long epochSecond) {
                return 0;
            }
        };
        try (K8sFileLog log = new K8sFileLog(K8sFileOptions.of(logPath), clock, warnings)) {
            write(log, LogStream.STDOUT, "x\ny\n");
            now[0] += 1_000_000_000L - 6; // same second, later nanos
            write(log, LogStream.STDOUT, "z\n");
            now[0] += 2; // next second
            write(log, LogStream.STDOUT, "w\n");
        }
        assertEquals("2026-11-30T02:05:46.000000005+00:00 stdout F x\n"
                + "2026-11-30T02:05:46.000000005+00:00 stdout F y\n"
                + "2026-11-30T02:05:46.999999999+00:00 stdout F z\n"
                + "2026-11-30T02:05:47.000000001+00:00 stdout F w\n", read(logPath));
    }
}
