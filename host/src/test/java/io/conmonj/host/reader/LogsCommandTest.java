package io.conmonj.host.reader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogsCommandTest {
    @TempDir
    Path dir;

    static final Instant NOW = Instant.parse("2026-11-30T06:00:00Z");

    record Result(int status, String out, String err, byte[] outBytes) {}

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = LogsCommand.run(args, out, err, NOW);
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                out.toByteArray());
    }

    static String k8s(String time, String stream, String tag, String content) {
        return time + " " + stream + " " + tag + " " + content + "\n";
    }

    static String t(int second) {
        return String.format("2026-11-30T05:00:%02d.000000001+00:00", second);
    }

    static String json(String log, String stream, String time) {
        return "{\"log\":\"" + log + "\",\"stream\":\"" + stream + "\",\"time\":\"" + time + "\"}\n";
    }

    Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    Path gzip(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(p))) {
            o.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return p;
    }

    @Test
    void k8sFileStreamsAndPartialJoining() throws IOException {
        Path log = write("ctr.log",
                k8s(t(1), "stdout", "F", "hello")
                + k8s(t(2), "stdout", "P", "par")
                + k8s(t(2), "stderr", "P", "err ")
                + k8s(t(3), "stdout", "F", "tial")
                + k8s(t(3), "stderr", "F", " one")   // two spaces in the file: content starts with a space
                + k8s(t(4), "stdout", "F", ""));
        Result r = run(log.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("hello\npartial\n\n", r.out());
        assertEquals("err  one\n", r.err());
    }

    @Test
    void jsonFileStreamsPartialsAndEscapes() throws IOException {
        Path log = write("ctr.json",
                "{\"log\":\"a\\u003cb\\u0026\\\"q\\\"\\n\",\"stream\":\"stdout\",\"attrs\":{\"tag\":\"web\",\"x\":{\"y\":[1]}},\"time\":\"2026-11-30T05:22:01.1Z\"}\n"
                + json("tab\\u0009x", "stdout", "2026-11-30T05:22:02Z")
                + json("E\\n", "stderr", "2026-11-30T05:22:02Z")
                + json("-end\\r\\n", "stdout", "2026-11-30T05:22:03Z")
                + json("\\ufffdé€\\n", "stdout", "2026-11-30T05:22:04Z"));
        Result r = run(log.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("a<b&\"q\"\ntab\tx-end\r\n\ufffdé€\n", r.out());
        assertEquals("E\n", r.err());
    }

    @Test
    void formatOptionAndDetection() throws IOException {
        Path log = write("x.log", json("j\\n", "stdout", "2026-11-30T05:22:01Z"));
        assertEquals("j\n", run("--format", "json-file", log.toString()).out());
        assertEquals("j\n", run("--format=json-file", log.toString()).out());
        Result wrong = run("--format", "k8s-file", log.toString());
        assertEquals(0, wrong.status());
        assertEquals("", wrong.out());
        assertTrue(wrong.err().contains("not a k8s-file record"), wrong.err());
    }

    @Test
    void rotatedAndGzippedFilesOldestFirst() throws IOException {
        write("c.log", k8s(t(6), "stdout", "F", "six"));
        write("c.log.1", k8s(t(5), "stdout", "F", "five"));
        gzip("c.log.1.gz", k8s(t(5), "stdout", "F", "DUPLICATE"));  // compression not finished: .1 wins
        gzip("c.log.2.gz", k8s(t(4), "stdout", "F", "four"));
        write("c.log.3", k8s(t(2), "stdout", "P", "tw") + k8s(t(3), "stdout", "F", "o-three"));
        gzip("c.log.10.gz", k8s(t(1), "stdout", "F", "one"));
        write("c.log.bak", "junk\n");
        write("c.log.2x", "junk\n");
        Result r = run(dir.resolve("c.log").toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("one\ntwo-three\nfour\nfive\nsix\n", r.out());
    }

    @Test
    void jsonRotatedGzip() throws IOException {
        write("j.log", json("3\\n", "stdout", "2026-11-30T05:00:03Z"));
        gzip("j.log.1.gz", json("2\\n", "stderr", "2026-11-30T05:00:02Z"));
        gzip("j.log.2.gz", json("1\\n", "stdout", "2026-11-30T05:00:01Z"));
        Result r = run(dir.resolve("j.log").toString());
        assertEquals("1\n3\n", r.out());
        assertEquals("2\n", r.err());
    }

    @Test
    void onlyRotatedFilesLeft() throws IOException {
        write("gone.log.1", k8s(t(1), "stdout", "F", "old"));
        Result r = run(dir.resolve("gone.log").toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("old\n", r.out());
    }

    @Test
    void sinceUntilTail() throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 10; i++) b.append(k8s(t(i), "stdout", "F", "l" + i));
        Path log = write("s.log", b.toString());
        assertEquals("l3\nl4\nl5\n", run("--since", "2026-11-30T05:00:03Z", "--until", "2026-11-30T05:00:05.5Z", log.toString()).out());
        assertEquals("l8\nl9\n", run("--tail", "2", log.toString()).out());
        assertEquals("", run("--tail", "0", log.toString()).out());
        assertEquals("l4\nl5\n", run("--until", "2026-11-30T06:00:06+01:00", "--tail=2", log.toString()).out());
        // durations are relative to now (06:00:00): 55m = 05:05 -> nothing; 1h = 05:00:00 -> all
        assertEquals("", run("--since", "55m", log.toString()).out());
        assertEquals(10, run("--since", "1h", log.toString()).out().lines().count());
        assertEquals("l7\nl8\nl9\n", run("--since", "59m53s", log.toString()).out());
        assertEquals(t(8) + " l8\n" + t(9) + " l9\n", run("-t", "--tail", "2", log.toString()).out());
    }

    @Test
    void partialLineTimeIsItsFirstRecords() throws IOException {
        Path log = write("p.log", k8s(t(1), "stdout", "P", "a") + k8s(t(5), "stdout", "F", "b"));
        assertEquals("ab\n", run("--until", "2026-11-30T05:00:02Z", log.toString()).out());
        assertEquals("", run("--since", "2026-11-30T05:00:02Z", log.toString()).out());
        // a dangling partial at the end is printed as it is
        Path dangling = write("d.log", k8s(t(1), "stdout", "P", "no newline"));
        assertEquals("no newline", run(dangling.toString()).out());
    }

    @Test
    void binaryBytesExactlyAsLogged() throws IOException {
        byte[] content = new byte[256 - 1];
        int n = 0;
        for (int b = 0; b < 256; b++) if (b != '\n') content[n++] = (byte) b;
        byte[] prefix = (t(1) + " stdout F ").getBytes(StandardCharsets.US_ASCII);
        Path log = dir.resolve("bin.log");
        try (OutputStream o = Files.newOutputStream(log)) {
            o.write(prefix);
            o.write(content);
            o.write('\n');
        }
        Result r = run(log.toString());
        byte[] expected = new byte[content.length + 1];
        System.arraycopy(content, 0, expected, 0, content.length);
        expected[content.length] = '\n';
        assertArrayEquals(expected, r.outBytes());
    }

    @Test
    void errors() throws IOException {
        Result missing = run(dir.resolve("nope.log").toString());
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains("nope.log: no such log file"), missing.err());
        assertEquals("", missing.out());

        Path log = write("ok.log", k8s(t(1), "stdout", "F", "x"));
        Result fmt = run("--format", "syslog", log.toString());
        assertEquals(1, fmt.status());
        assertTrue(fmt.err().contains("unknown log format \"syslog\" (known: k8s-file, json-file)"), fmt.err());

        Result time = run("--since", "yesterday", log.toString());
        assertEquals(1, time.status());
        assertTrue(time.err().contains("invalid time \"yesterday\""), time.err());
        assertEquals(1, run("--until", "10x", log.toString()).status());
        assertEquals(1, run("--tail", "-3", log.toString()).status());
        assertEquals(1, run("--bogus", log.toString()).status());
        assertEquals(1, run().status());
        assertEquals(1, run("--since").status());
        assertEquals(1, run(log.toString(), log.toString()).status());

        Result undetectable = run(write("text.log", "just text\n").toString());
        assertEquals(1, undetectable.status());
        assertTrue(undetectable.err().contains("cannot detect the log format"), undetectable.err());

        Result help = run("--help");
        assertEquals(0, help.status());
        assertTrue(help.out().startsWith("Usage: conmon-logs"));
    }

    /** A writer thread rotates the log 5 times, as conmon's --log-rotate does, while the reader follows. */
    @Test
    void followAcrossFiveRotations() throws Exception {
        Path log = dir.resolve("f.log");
        int perFile = 300, files = 6;
        List<String> expected = new ArrayList<>();
        Files.writeString(log, k8s(t(0), "stdout", "F", "first"));
        expected.add("first");
        Thread writer = new Thread(() -> {
            try {
                int i = 0;
                for (int f = 0; f < files; f++) {
                    if (f > 0) {
                        // shift PATH.(i-1) -> PATH.i, PATH -> PATH.1, new PATH
                        for (int k = f; k >= 2; k--) {
                            Files.move(dir.resolve("f.log." + (k - 1)), dir.resolve("f.log." + k));
                        }
                        Path fresh = dir.resolve("f.log.new");
                        Files.createFile(fresh);
                        Files.move(log, dir.resolve("f.log.1"));
                        Files.move(fresh, log);
                    }
                    for (int j = 0; j < perFile; j++, i++) {
                        String rec = (j % 7 == 3)
                                ? k8s(t(1), "stdout", "P", "rec-" + i + "-") + k8s(t(1), "stdout", "F", "tail")
                                : k8s(t(1), "stdout", "F", "rec-" + i);
                        Files.writeString(log, rec, StandardOpenOption.APPEND);
                        if (j % 25 == 0) Thread.sleep(3);
                    }
                    Thread.sleep(120);
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        for (int i = 0; i < perFile * files; i++) expected.add(i % perFile % 7 == 3 ? "rec-" + i + "-tail" : "rec-" + i);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int[] status = new int[1];
        Thread reader = new Thread(() -> status[0] = LogsCommand.run(
                new String[] {"--follow-until-idle", "1500", log.toString()}, out, err, NOW));
        reader.start();
        Thread.sleep(200);
        writer.start();
        writer.join();
        reader.join(30_000);
        assertEquals(0, status[0], err.toString(StandardCharsets.UTF_8));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
        List<String> got = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(expected.size(), got.size());
        assertEquals(expected, got);
        assertTrue(Files.exists(dir.resolve("f.log.5")));
    }

    @Test
    void followWithTailPrintsLastLinesThenNewOnes() throws Exception {
        Path log = write("ft.log", k8s(t(1), "stdout", "F", "a") + k8s(t(2), "stdout", "F", "b"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> LogsCommand.run(
                new String[] {"--tail", "1", "--follow-until-idle", "800", log.toString()}, out, err, NOW));
        reader.start();
        Thread.sleep(300);
        Files.writeString(log, k8s(t(3), "stdout", "P", "c") + k8s(t(3), "stdout", "F", "d"), StandardOpenOption.APPEND);
        reader.join(10_000);
        assertEquals("b\ncd\n", out.toString(StandardCharsets.UTF_8));
    }

    /** Several rotations between two polls, then a truncation in place: nothing lost, nothing twice. */
    @Test
    void followBurstOfRotationsAndTruncation() throws Exception {
        Path log = write("b.log", k8s(t(1), "stdout", "F", "0"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> LogsCommand.run(
                new String[] {"--follow-until-idle", "700", log.toString()}, out, err, NOW));
        reader.start();
        Thread.sleep(300);
        // three rotations well within one 100 ms poll
        for (int r = 1; r <= 3; r++) {
            Files.writeString(log, k8s(t(1), "stdout", "F", r + "a"), StandardOpenOption.APPEND);
            for (int k = r; k >= 2; k--) Files.move(dir.resolve("b.log." + (k - 1)), dir.resolve("b.log." + k));
            Files.move(log, dir.resolve("b.log.1"));
            Files.writeString(log, k8s(t(1), "stdout", "F", r + "b"));
        }
        Thread.sleep(300);
        try (var ch = java.nio.channels.FileChannel.open(log, StandardOpenOption.WRITE)) {
            ch.truncate(0);
        }
        Thread.sleep(300); // seen short by a poll (as tail -F, a truncation hidden by a longer write is not seen)
        Files.writeString(log, k8s(t(1), "stdout", "F", "after-truncate"), StandardOpenOption.APPEND);
        reader.join(10_000);
        assertEquals("0\n1a\n1b\n2a\n2b\n3a\n3b\nafter-truncate\n", out.toString(StandardCharsets.UTF_8));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    /**
     * A writer that rotates continuously (no file removed, so the documented loss cannot happen) while the
     * reader follows: its polls land at every stage of a rotation, PATH missing between a rename and the new
     * file included. Every line must come out exactly once, in order.
     */
    @Test
    void followWhileAWriterRotatesContinuously() throws Exception {
        Path log = write("c.log", "");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> LogsCommand.run(
                new String[] {"--follow-until-idle", "700", log.toString()}, out, err, NOW));
        reader.start();
        Thread.sleep(200);
        StringBuilder expected = new StringBuilder();
        java.util.Random random = new java.util.Random(42);
        int line = 0;
        for (int r = 1; r <= 150; r++) {
            for (int i = 0; i < 3; i++, line++) {
                Files.writeString(log, k8s(t(1), "stdout", "F", "line-" + line), StandardOpenOption.APPEND);
                expected.append("line-").append(line).append('\n');
            }
            for (int k = r; k >= 2; k--) Files.move(dir.resolve("c.log." + (k - 1)), dir.resolve("c.log." + k));
            Files.move(log, dir.resolve("c.log.1"));
            if (random.nextInt(4) == 0) Thread.sleep(random.nextInt(3)); // PATH missing for a while
            Files.writeString(log, "");
            if (random.nextInt(3) == 0) Thread.sleep(random.nextInt(5));
        }
        reader.join(20_000);
        assertEquals(expected.toString(), out.toString(StandardCharsets.UTF_8));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void damagedGzipIsSkippedWithAWarning() throws IOException {
        write("g.log", k8s(t(2), "stdout", "F", "current"));
        byte[] gz = Files.readAllBytes(gzip("g.log.1.gz", k8s(t(1), "stdout", "F", "old")));
        Files.write(dir.resolve("g.log.1.gz"), java.util.Arrays.copyOf(gz, gz.length / 2));
        Files.write(dir.resolve("g.log.2.gz"), "not gzip".getBytes(StandardCharsets.US_ASCII));
        Result r = run(dir.resolve("g.log").toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("current\n", r.out());
        assertTrue(r.err().contains("g.log.1.gz") && r.err().contains("g.log.2.gz"), r.err());
    }
}
