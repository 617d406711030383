package io.conmonj.host.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.conmonj.drivers.builtin.logfile.LogDirectory;
import io.conmonj.drivers.builtin.logfile.LogFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code conmon-logs} reading a log while it rotates and its rotated files are compressed, in every order the two
 * can interleave: the writer's steps run at the reader's checkpoints ({@link LogsCommand.Checkpoint}: between the
 * opens of a listing, after each rotated file, after opening {@code PATH}, at each poll), in the reader's own thread,
 * so a run is one interleaving, chosen by a seeded random and the same every time (a failure names its seed). No
 * timing is involved: {@code --follow-until-idle 0} stops at the first poll with nothing new, and the schedule makes
 * sure a poll sees something new while the writer has steps left.
 *
 * <p>Two writers: the real log-file engine of the json-file driver ({@link LogFile} with compression; its
 * compression thread is held at its hook and released at a step, so a compression may land several rotations after
 * its file was rotated, as under load), and one made of single renames, so that the reader also meets every state in
 * between: {@code PATH} missing between the rename to {@code PATH.1} and the new file, a shift half done, {@code .1}
 * and {@code .1.gz} both present.
 */
class FollowInterleavingsTest {
    private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");
    /** Interleavings per case and writer (1500 were explored once, 2026-12-07; these run in about 10 s). */
    private static final int SEEDS = 50;

    @TempDir
    Path root;

    /** One change of the log directory, done at once. {@code progress}: a poll after it has something new. */
    private record Step(String name, boolean progress, IoAction action) {}

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException, InterruptedException;
    }

    @Test
    void followerPrintsEveryLineOnceWithTheEngine() throws Exception {
        for (int seed = 0; seed < SEEDS; seed++) runFollow(seed, true, 100);
    }

    @Test
    void followerPrintsEveryLineOnceWithRenamesOneByOne() throws Exception {
        for (int seed = 0; seed < SEEDS; seed++) runFollow(seed, false, 100);
    }

    /** max-file 3: files are removed, so lines may be lost, but never printed twice or out of order. */
    @Test
    void followerNeverRepeatsWhenFilesAreRemoved() throws Exception {
        for (int seed = 0; seed < SEEDS; seed++) {
            runFollow(seed, true, 3);
            runFollow(seed, false, 3);
        }
    }

    /** Without --follow: a prefix of the log, at least what was there at the start, each line once. */
    @Test
    void readerPrintsAPrefixWhileTheLogRotates() throws Exception {
        for (int seed = 0; seed < SEEDS; seed++) {
            runOnce(seed, true);
            runOnce(seed, false);
        }
    }

    private void runFollow(int seed, boolean engine, int maxFiles) throws Exception {
        String what = "seed " + seed + (engine ? ", engine" : ", renames") + ", max-file " + maxFiles;
        Path dir = Files.createDirectory(root.resolve((engine ? "e" : "r") + maxFiles + "-" + seed));
        Path log = dir.resolve("c.json");
        Random random = new Random(seed);
        try (Writer w = engine ? new EngineWriter(log, maxFiles) : new RenameWriter(log, maxFiles)) {
            ArrayDeque<Step> script = new ArrayDeque<>(w.script(random, 40 + random.nextInt(40)));
            for (int i = random.nextInt(script.size() / 2); i > 0; i--) script.poll().action().run(); // before the reader
            List<String> trace = new ArrayList<>();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = LogsCommand.run(new String[] {"--format", "json-file", "--follow-until-idle", "0", log.toString()},
                    out, err, NOW, schedule(script, random, trace));
            String context = what + "; trace: " + String.join(", ", trace.subList(Math.max(0, trace.size() - 60), trace.size()));
            assertEquals(0, status, context + "; " + err.toString(StandardCharsets.UTF_8));
            assertEquals("", err.toString(StandardCharsets.UTF_8), context);
            assertTrue(script.isEmpty(), context);
            List<Integer> got = numbers(out);
            if (maxFiles >= 100) {
                assertEquals(range(1, w.lines()), got, "every line exactly once, in order; " + context);
            } else {
                for (int i = 1; i < got.size(); i++) {
                    if (got.get(i) <= got.get(i - 1)) fail("line " + got.get(i) + " after line " + got.get(i - 1) + "; " + context);
                }
                // what is still on disk at the end was printed, up to the last line
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                assertEquals(0, LogsCommand.run(new String[] {log.toString()}, all, OutputStream.nullOutputStream(), NOW));
                List<Integer> kept = numbers(all);
                assertEquals(kept, got.subList(Math.max(0, got.size() - kept.size()), got.size()), context);
                assertEquals(w.lines(), got.getLast(), context);
            }
        }
    }

    private void runOnce(int seed, boolean engine) throws Exception {
        String what = "seed " + seed + (engine ? ", engine" : ", renames") + ", no --follow";
        Path dir = Files.createDirectory(root.resolve((engine ? "oe" : "or") + seed));
        Path log = dir.resolve("c.json");
        Random random = new Random(seed);
        try (Writer w = engine ? new EngineWriter(log, 100) : new RenameWriter(log, 100)) {
            ArrayDeque<Step> script = new ArrayDeque<>(w.script(random, 40 + random.nextInt(40)));
            for (int i = random.nextInt(script.size() / 2) + 1; i > 0; i--) script.poll().action().run();
            int before = w.lines();
            List<String> trace = new ArrayList<>();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = LogsCommand.run(new String[] {"--format", "json-file", log.toString()}, out, err, NOW,
                    schedule(script, random, trace));
            String context = what + "; trace: " + String.join(", ", trace.subList(Math.max(0, trace.size() - 60), trace.size()));
            assertEquals(0, status, context + "; " + err.toString(StandardCharsets.UTF_8));
            assertEquals("", err.toString(StandardCharsets.UTF_8), context);
            List<Integer> got = numbers(out);
            assertTrue(got.size() >= before, "at least the " + before + " lines there at the start: " + got + "; " + context);
            assertEquals(range(1, got.size()), got, "a prefix of the log, each line once; " + context);
        }
    }

    /**
     * At each checkpoint: 0 to 2 of the writer's steps; at a poll, steps up to one after which the poll finds
     * something new (else the reader, following until idle for 0 ms, would stop before the writer is done).
     */
    private static LogsCommand.Checkpoint schedule(ArrayDeque<Step> script, Random random, List<String> trace) {
        int[] count = {0};
        return where -> {
            if (++count[0] > 200_000) throw new IOException("the reader does not finish (" + where + ")");
            trace.add("@" + where);
            boolean poll = where.equals("poll");
            int n = random.nextInt(3);
            boolean progressed = false;
            while (!script.isEmpty() && (n-- > 0 || poll && !progressed)) {
                Step s = script.poll();
                trace.add(s.name());
                try {
                    s.action().run();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                progressed |= s.progress();
            }
        };
    }

    private static List<Integer> numbers(ByteArrayOutputStream out) {
        List<Integer> got = new ArrayList<>();
        for (String l : out.toString(StandardCharsets.UTF_8).lines().toList()) {
            if (!l.startsWith("line-")) fail("unexpected output line: " + l);
            got.add(Integer.parseInt(l.substring(5)));
        }
        return got;
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> r = new ArrayList<>();
        for (int i = from; i <= to; i++) r.add(i);
        return r;
    }

    private static byte[] record(int n) {
        return ("{\"log\":\"line-" + n + "\\n\",\"stream\":\"stdout\",\"time\":\"2026-11-30T05:00:00." + String.format("%09d", n)
                + "Z\"}\n").getBytes(StandardCharsets.UTF_8);
    }

    private abstract static class Writer implements AutoCloseable {
        int lines;

        int lines() {
            return lines;
        }

        /** {@code appends} lines with rotations and compressions among them; the last step is an append. */
        abstract List<Step> script(Random random, int appends);

        @Override
        public void close() throws IOException {}
    }

    /** The json-file driver's engine: append, rotate ({@link LogFile#rotate}), release the compression thread. */
    private static final class EngineWriter extends Writer {
        private final LogFile file;
        private final int maxFiles;
        private final Semaphore gate = new Semaphore(0);
        private final List<String> warnings = java.util.Collections.synchronizedList(new ArrayList<>());

        EngineWriter(Path log, int maxFiles) throws IOException {
            this.maxFiles = maxFiles;
            file = new LogFile(LogDirectory.locate(log), false, "json-file", true, true, null, warnings::add);
            file.compressor().beforeFinish = gate::acquireUninterruptibly;
        }

        @Override
        List<Step> script(Random random, int appends) {
            List<Step> steps = new ArrayList<>();
            for (int i = 0; i < appends; i++) {
                steps.add(new Step("append", true, this::append));
                if (random.nextInt(4) == 0) steps.add(new Step("rotate", true, () -> file.rotate(maxFiles, 0)));
                if (random.nextInt(5) == 0) steps.add(new Step("compress", false, this::compress));
            }
            steps.add(new Step("append", true, this::append));
            return steps;
        }

        private void append() throws IOException {
            byte[] rec = record(++lines);
            byte[] b = file.reserve(rec.length);
            int at = file.position();
            System.arraycopy(rec, 0, b, at, rec.length);
            file.commit(at + rec.length);
            file.writePending();
        }

        /** Lets the compression thread finish every file it has (each waits at the hook), and waits for it. */
        private void compress() throws InterruptedException {
            gate.release(1000);
            file.compressor().awaitIdle();
            gate.drainPermits(); // the permits of files rotated out before their turn
        }

        @Override
        public void close() throws IOException {
            gate.release(1000);
            file.close();
            file.directory().close();
            assertEquals(List.of(), warnings, "the engine's warnings");
        }
    }

    /**
     * Rotation and compression as json-file does them (remove the oldest, shift, {@code PATH} to {@code PATH.1}, new
     * {@code PATH}; {@code PATH.1.gz} put in place, then {@code PATH.1} removed), each rename its own step.
     */
    private static final class RenameWriter extends Writer {
        private final Path log;
        private final int maxFiles;

        RenameWriter(Path log, int maxFiles) throws IOException {
            this.log = log;
            this.maxFiles = maxFiles;
            Files.createFile(log);
        }

        private Path n(int i, boolean gz) {
            return log.resolveSibling(log.getFileName() + "." + i + (gz ? ".gz" : ""));
        }

        @Override
        List<Step> script(Random random, int appends) {
            List<Step> steps = new ArrayList<>();
            for (int i = 0; i < appends; i++) {
                steps.add(new Step("append", true, () -> Files.write(log, record(++lines), java.nio.file.StandardOpenOption.APPEND)));
                if (random.nextInt(4) != 0) continue;
                steps.add(new Step("remove ." + (maxFiles - 1), false, () -> {
                    Files.deleteIfExists(n(maxFiles - 1, true));
                    Files.deleteIfExists(n(maxFiles - 1, false));
                }));
                for (int k = maxFiles - 1; k > 1; k--) {
                    int from = k - 1, to = k;
                    if (from > appends) continue; // never there: fewer rotations than that
                    for (boolean gz : new boolean[] {true, false}) {
                        steps.add(new Step("shift ." + from + (gz ? ".gz" : ""), false, () -> {
                            if (Files.exists(n(from, gz))) Files.move(n(from, gz), n(to, gz), StandardCopyOption.ATOMIC_MOVE);
                        }));
                    }
                }
                steps.add(new Step("PATH to .1", false, () -> Files.move(log, n(1, false), StandardCopyOption.ATOMIC_MOVE)));
                steps.add(new Step("new PATH", true, () -> Files.createFile(log)));
                if (random.nextBoolean()) {
                    // compressed before the next rotation, with appends in between or not
                    for (int a = random.nextInt(3); a > 0 && i < appends - 1; a--, i++) {
                        steps.add(new Step("append", true, () -> Files.write(log, record(++lines), java.nio.file.StandardOpenOption.APPEND)));
                    }
                    steps.add(new Step(".1.gz in place", false, () -> {
                        Path tmp = log.resolveSibling(log.getFileName() + ".gz.tmp");
                        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(tmp))) {
                            o.write(Files.readAllBytes(n(1, false)));
                        }
                        Files.move(tmp, n(1, true), StandardCopyOption.ATOMIC_MOVE);
                    }));
                    steps.add(new Step("remove .1", false, () -> Files.delete(n(1, false))));
                }
            }
            steps.add(new Step("append", true, () -> Files.write(log, record(++lines), java.nio.file.StandardOpenOption.APPEND)));
            return steps;
        }
    }
}
