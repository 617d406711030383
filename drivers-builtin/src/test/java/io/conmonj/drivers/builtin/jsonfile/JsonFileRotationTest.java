package io.conmonj.drivers.builtin.jsonfile;

import static io.conmonj.drivers.builtin.jsonfile.JsonTestSupport.T0_NANOS;
import static io.conmonj.drivers.builtin.jsonfile.JsonTestSupport.cat;
import static io.conmonj.drivers.builtin.jsonfile.JsonTestSupport.record;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conmonj.plugin.LogStream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** max-size / max-file / compress as Docker's loggerutils, under a fast writer. */
class JsonFileRotationTest {
    @TempDir
    Path dir;
    final List<String> warnings = new ArrayList<>();

    private Path path() {
        return dir.resolve("ctr.json");
    }

    private static final Pattern NAME = Pattern.compile("ctr\\.json(?:\\.(\\d+))?(\\.gz)?");

    /** The log files by index (0 = current): a file being compressed counts once, whichever form exists. */
    private TreeSet<Integer> indices() throws IOException {
        TreeSet<Integer> r = new TreeSet<>();
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches()) {
                    r.add(m.group(1) == null ? 0 : Integer.parseInt(m.group(1)));
                }
            }
        }
        return r;
    }

    private TreeSet<String> names() throws IOException {
        try (var s = Files.list(dir)) {
            return new TreeSet<>(s.map(p -> p.getFileName().toString()).toList());
        }
    }

    /** The content of file index i (plain or gzipped, decoded with java.util.zip). */
    private byte[] content(int i) throws IOException {
        if (i == 0) {
            return Files.readAllBytes(path());
        }
        Path plain = Path.of(path() + "." + i);
        if (Files.exists(plain)) {
            return Files.readAllBytes(plain);
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(Files.readAllBytes(Path.of(path() + "." + i + ".gz"))))) {
            return in.readAllBytes();
        }
    }

    private static String line(String log) {
        return "{\"log\":\"" + log + "\\n\",\"stream\":\"stdout\",\"time\":\"" + JsonTestSupport.TIME + "\"}\n";
    }

    /** "lN\n" records: each line is line("lN").length() bytes (47 for one digit). */
    private void writeL(JsonFileLog log, int from, int to) throws IOException {
        for (int i = from; i <= to; i++) {
            log.write(record(LogStream.STDOUT, T0_NANOS, cat("l" + i + "\n"), false));
            log.flush();
        }
    }

    @Test
    void rotatesBeforeTheRecordThatWouldOverflow() throws IOException {
        int len = line("l1").length();
        JsonFileOptions o = JsonFileOptions.of(path()).withRotation(2L * len, 3, false);
        try (JsonFileLog log = new JsonFileLog(o, warnings::add)) {
            writeL(log, 1, 7);
        }
        assertEquals(new TreeSet<>(List.of("ctr.json", "ctr.json.1", "ctr.json.2")), names());
        assertEquals(line("l7"), Files.readString(path()));
        assertEquals(line("l5") + line("l6"), Files.readString(Path.of(path() + ".1")));
        assertEquals(line("l3") + line("l4"), Files.readString(Path.of(path() + ".2")));
        assertEquals(List.of(), warnings);
    }

    @Test
    void maxFileOneStartsTheFileAgain() throws IOException {
        int len = line("l1").length();
        JsonFileOptions o = JsonFileOptions.of(path()).withRotation(2L * len + 1, 1, false);
        try (JsonFileLog log = new JsonFileLog(o, warnings::add)) {
            writeL(log, 1, 5);
        }
        assertEquals(new TreeSet<>(List.of("ctr.json")), names());
        assertEquals(line("l5"), Files.readString(path()));
    }

    @Test
    void aRecordLargerThanMaxSizeGetsAFileOfItsOwn() throws IOException {
        JsonFileOptions o = JsonFileOptions.of(path()).withRotation(30, 3, false);
        try (JsonFileLog log = new JsonFileLog(o, warnings::add)) {
            writeL(log, 1, 3);
        }
        assertEquals(line("l3"), Files.readString(path()));
        assertEquals(line("l2"), Files.readString(Path.of(path() + ".1")));
        assertEquals(line("l1"), Files.readString(Path.of(path() + ".2")));
    }

    @Test
    void recordsOfOneReadAreSplitAtTheRotationPoint() throws IOException {
        int len = line("l1").length();
        JsonFileOptions o = JsonFileOptions.of(path()).withRotation(2L * len, 5, false);
        try (JsonFileLog log = new JsonFileLog(o, warnings::add)) {
            for (int i = 1; i <= 5; i++) { // one read, one flush
                log.write(record(LogStream.STDOUT, T0_NANOS, cat("l" + i + "\n"), false));
            }
            log.flush();
        }
        assertEquals(line("l5"), Files.readString(path()));
        assertEquals(line("l3") + line("l4"), Files.readString(Path.of(path() + ".1")));
        assertEquals(line("l1") + line("l2"), Files.readString(Path.of(path() + ".2")));
    }

    @Test
    void reopeningCountsTheExistingFile() throws IOException {
        int len = line("l1").length();
        JsonFileOptions o = JsonFileOptions.of(path()).withRotation(2L * len, 3, false);
        try (JsonFileLog log = new JsonFileLog(o, warnings::add)) {
            writeL(log, 1, 1);
        }
        try (JsonFileLog log = new JsonFileLog(o, warnings::add)) {
            assertEquals(len, log.size());
            writeL(log, 2, 3);
        }
        assertEquals(line("l3"), Files.readString(path()));
        assertEquals(line("l1") + line("l2"), Files.readString(Path.of(path() + ".1")));
    }

    @Test
    void ctlReopenFollowsAnOutsideRename() throws IOException {
        try (JsonFileLog log = new JsonFileLog(JsonFileOptions.of(path()), warnings::add)) {
            writeL(log, 1, 1);
            Files.move(path(), Path.of(path() + ".old"));
            log.reopen();
            writeL(log, 2, 2);
        }
        assertEquals(line("l1"), Files.readString(Path.of(path() + ".old")));
        assertEquals(line("l2"), Files.readString(path()));
    }

    /**
     * Many records of varying size from one fast writer; after every flush the file count is checked; at the end the
     * files, oldest first, hold a gap-free, ordered run of records that ends with the last one, every file made of
     * whole lines and no larger than max-size.
     */
    private void fastWriter(int records, long maxSize, int maxFiles, boolean compress) throws Exception {
        JsonFileOptions o = JsonFileOptions.of(path()).withRotation(maxSize, maxFiles, compress);
        Random rnd = new Random(7);
        int maxSeen = 0;
        try (JsonFileLog log = new JsonFileLog(o, warnings::add)) {
            int i = 0;
            while (i < records) {
                int perRead = 1 + rnd.nextInt(20);
                for (int k = 0; k < perRead && i < records; k++, i++) {
                    String pad = "x".repeat(rnd.nextInt(120));
                    log.write(record(i % 3 == 0 ? LogStream.STDERR : LogStream.STDOUT, T0_NANOS + i,
                            cat(i + " " + pad + "\n"), false));
                }
                log.flush();
                TreeSet<Integer> idx = indices();
                maxSeen = Math.max(maxSeen, idx.size());
                assertTrue(idx.size() <= maxFiles, "files " + names());
                assertTrue(idx.last() < maxFiles, "files " + names());
            }
        }
        assertTrue(maxSeen <= maxFiles);
        TreeSet<Integer> idx = indices();
        assertFalse(names().contains("ctr.json.gz.tmp"));
        int expect = -1;
        for (int f : idx.descendingSet()) {
            byte[] c = content(f);
            assertTrue(c.length <= maxSize, "file " + f + " has " + c.length + " bytes");
            for (byte[] l : JsonTestSupport.lines(c)) {
                JsonTestSupport.Line line = JsonTestSupport.parse(l);
                int seq = Integer.parseInt(line.log().substring(0, line.log().indexOf(' ')));
                if (expect >= 0) {
                    assertEquals(expect, seq, "gap or reordering in file " + f);
                }
                assertTrue(line.log().endsWith("\n"));
                assertEquals(DockerJson.timeString(T0_NANOS + seq), line.time());
                assertEquals(seq % 3 == 0 ? "stderr" : "stdout", line.stream());
                expect = seq + 1;
            }
        }
        assertEquals(records, expect, "the last record is in the current file");
    }

    @Test
    void fastWriterKeepsEveryRecordWhenThereIsRoom() throws Exception {
        fastWriter(3000, 4096, 1000, false);
        assertTrue(indices().size() > 50);
        // with room for everything, the run starts at record 0
        List<byte[]> oldest = JsonTestSupport.lines(content(indices().last()));
        assertTrue(JsonTestSupport.parse(oldest.getFirst()).log().startsWith("0 "));
        assertEquals(List.of(), warnings);
    }

    @Test
    void fastWriterNeverKeepsMoreThanMaxFile() throws Exception {
        fastWriter(20_000, 4096, 5, false);
        assertEquals(new TreeSet<>(List.of(0, 1, 2, 3, 4)), indices());
        assertEquals(List.of(), warnings);
    }

    @Test
    void compressedRotationUnderAFastWriter() throws Exception {
        fastWriter(20_000, 4096, 5, true);
        assertEquals(new TreeSet<>(List.of("ctr.json", "ctr.json.1.gz", "ctr.json.2.gz", "ctr.json.3.gz", "ctr.json.4.gz")),
                names());
        assertEquals(List.of(), warnings);
    }

    @Test
    void compressedFilesAreGzipWithDockersHeader() throws Exception {
        int len = line("l1").length();
        JsonFileOptions o = JsonFileOptions.of(path()).withRotation(2L * len, 4, true);
        try (JsonFileLog log = new JsonFileLog(o, warnings::add)) {
            for (int i = 1; i <= 7; i++) {
                log.write(record(LogStream.STDOUT, T0_NANOS + i, cat("l" + i + "\n"), false));
                log.flush();
            }
        }
        assertEquals(new TreeSet<>(List.of("ctr.json", "ctr.json.1.gz", "ctr.json.2.gz", "ctr.json.3.gz")), names());
        for (int f = 1; f <= 3; f++) {
            byte[] gz = Files.readAllBytes(Path.of(path() + "." + f + ".gz"));
            // Go's gzip.Writer header with Header.Extra: FLG = FEXTRA, MTIME 0, OS 255, then XLEN and the bytes
            assertEquals(0x1f, gz[0] & 0xff);
            assertEquals(0x8b, gz[1] & 0xff);
            assertEquals(0x04, gz[3]);
            int last = 8 - 2 * f; // .1 holds l5 l6, .2 l3 l4, .3 l1 l2
            byte[] extra = ("{\"lastTime\":\"" + DockerJson.timeString(T0_NANOS + last) + "\"}")
                    .getBytes(StandardCharsets.US_ASCII);
            int xlen = (gz[10] & 0xff) | (gz[11] & 0xff) << 8;
            assertEquals(extra.length, xlen);
            assertArrayEquals(extra, java.util.Arrays.copyOfRange(gz, 12, 12 + xlen));
            String text = new String(content(f), StandardCharsets.UTF_8);
            List<String> logs = new ArrayList<>();
            for (byte[] l : JsonTestSupport.lines(content(f))) {
                logs.add(JsonTestSupport.parse(l).log());
            }
            assertEquals(List.of("l" + (last - 1) + "\n", "l" + last + "\n"), logs, text);
        }
        assertEquals(List.of(), warnings);
    }

    @Test
    void aFileBeingCompressedIsShiftedAndLandsUnderItsNewNumber() throws Exception {
        // Rotations faster than compression: the queue lags; every result must land at the file's current number.
        int len = line("l10").length(); // two records of one or two digits fit, a third does not
        JsonFileOptions o = JsonFileOptions.of(path()).withRotation(2L * len, 6, true);
        TreeMap<Integer, List<String>> expected = new TreeMap<>();
        try (JsonFileLog log = new JsonFileLog(o, warnings::add)) {
            for (int i = 1; i <= 11; i++) { // no flush between records: rotations back to back
                log.write(record(LogStream.STDOUT, T0_NANOS, cat("l" + i + "\n"), false));
            }
        }
        // files: current l11; .1 l9 l10; .2 l7 l8; .3 l5 l6; .4 l3 l4; .5 l1 l2
        expected.put(0, List.of("l11\n"));
        for (int f = 1; f <= 5; f++) {
            int hi = 11 - 2 * f + 1;
            expected.put(f, List.of("l" + (hi - 1) + "\n", "l" + hi + "\n"));
        }
        for (var e : expected.entrySet()) {
            List<String> logs = new ArrayList<>();
            for (byte[] l : JsonTestSupport.lines(content(e.getKey()))) {
                logs.add(JsonTestSupport.parse(l).log());
            }
            assertEquals(e.getValue(), logs, "file " + e.getKey());
        }
        assertEquals(new TreeSet<>(List.of("ctr.json", "ctr.json.1.gz", "ctr.json.2.gz", "ctr.json.3.gz", "ctr.json.4.gz",
                "ctr.json.5.gz")), names());
        assertEquals(List.of(), warnings);
    }

    @Test
    void aStalledCompressionDoesNotHoldRotationsUpAndItsResultFollowsTheFile() throws Exception {
        int len = line("l10").length();
        JsonFileOptions o = JsonFileOptions.of(path()).withRotation(2L * len, 4, true);
        try (JsonFileLog log = new JsonFileLog(o, warnings::add)) {
            StalledCompression compression = new StalledCompression(log);
            writeL(log, 1, 3); // rotation 1: l1 l2 -> .1, being compressed and stalled before it is put in place
            compression.awaitStalled();
            writeL(log, 4, 5); // rotation 2 shifts the stalled file to .2 without waiting for it
            assertTrue(Files.exists(Path.of(path() + ".2")));
            assertFalse(Files.exists(Path.of(path() + ".2.gz")));
            compression.release();
        }
        // l1 l2's result landed at .2.gz (its number when it finished), l3 l4 at .1.gz
        assertEquals(new TreeSet<>(List.of("ctr.json", "ctr.json.1.gz", "ctr.json.2.gz")), names());
        assertEquals(line("l1") + line("l2"), new String(content(2), StandardCharsets.UTF_8));
        assertEquals(line("l3") + line("l4"), new String(content(1), StandardCharsets.UTF_8));
        assertEquals(line("l5"), Files.readString(path()));
        assertEquals(List.of(), warnings);
    }

    @Test
    void aFileRotatedOutWhileBeingCompressedIsNotKept() throws Exception {
        int len = line("l10").length();
        JsonFileOptions o = JsonFileOptions.of(path()).withRotation(2L * len, 2, true);
        try (JsonFileLog log = new JsonFileLog(o, warnings::add)) {
            StalledCompression compression = new StalledCompression(log);
            writeL(log, 1, 3);
            compression.awaitStalled();
            writeL(log, 4, 5); // max-file 2: l1 l2 is rotated out, l3 l4 becomes .1
            assertTrue(indices().size() <= 2, names().toString());
            compression.release();
        }
        assertEquals(new TreeSet<>(List.of("ctr.json", "ctr.json.1.gz")), names());
        assertEquals(line("l3") + line("l4"), new String(content(1), StandardCharsets.UTF_8));
        assertEquals(List.of(), warnings);
    }

    /** Holds the log's compression back before it puts its result in place, until released. */
    private static final class StalledCompression {
        private final JsonFileLog log;
        private final java.util.concurrent.CountDownLatch stalled = new java.util.concurrent.CountDownLatch(1);
        private final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);

        StalledCompression(JsonFileLog log) {
            this.log = log;
            log.compressor().beforeFinish = () -> {
                stalled.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
        }

        void awaitStalled() throws InterruptedException {
            assertTrue(stalled.await(10, java.util.concurrent.TimeUnit.SECONDS), "the compression reached its finish");
        }

        /** Later compressions run through; the held one finishes. */
        void release() {
            log.compressor().beforeFinish = null;
            release.countDown();
        }
    }
}
