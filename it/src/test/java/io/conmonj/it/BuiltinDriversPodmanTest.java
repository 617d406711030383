package io.conmonj.it;

import static io.conmonj.it.DriverSelection.A;
import static io.conmonj.it.DriverSelection.csvAnnotations;
import static io.conmonj.it.DriverSelection.run;
import static io.conmonj.it.DriverSelection.runArgs;
import static io.conmonj.it.JsonFileRecords.parseJsonFile;
import static io.conmonj.it.PrivatePodman.freshDir;
import static io.conmonj.it.PrivatePodman.name;
import static io.conmonj.it.PrivatePodman.ok;
import static io.conmonj.it.PrivatePodman.podman;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conmonj.it.JsonFileRecords.JRec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue #5 end to end with real containers through Podman: the built-in json-file and k8s-file drivers selected by
 * annotation (docs/logging.md), their rotation and compression under a fast writer, tag templates, and the
 * {@code bin/conmon-logs} reader following and filtering a real container's rotated, gzipped log. Same private store
 * and helpers as {@link PrivatePodman}.
 *
 * <p>conmon-j only: the C conmon has no json-file driver, no k8s-file {@code compress}, no driver selection by
 * annotation and no conmon-logs, so every case skips the reference visibly ({@link MonitorUnderTest#onlyConmonJ}). The
 * journald comparison with the C conmon is in {@link JournaldHarnessTest}.
 */
@ExtendWith(PodmanEnvironment.class)
class BuiltinDriversPodmanTest {
    static final String MONITORS = "io.conmonj.it.MonitorUnderTest#monitors";
    static final String WHY = "built-in drivers selected by io.conmon-j.* annotations (issue 5); the C conmon has no json-file"
            + " driver, no k8s-file compress and ignores the annotations";

    // ---------------------------------------------------------------- helpers

    static Path conmonLogs(MonitorUnderTest m) {
        return m.binary().resolveSibling("conmon-logs");
    }

    /** A driver's file set: {@code PATH}, {@code PATH.N} and {@code PATH.N.gz} (in-progress {@code .gz.tmp} ignored). */
    record FileSet(Path current, TreeMap<Integer, List<Path>> rotated) {
        /** Files as the limit counts them: the current file and each rotated number once (a file being compressed once). */
        int count() { return (Files.exists(current) ? 1 : 0) + rotated.size(); }

        static FileSet of(Path current) {
            TreeMap<Integer, List<Path>> rotated = new TreeMap<>();
            Pattern p = Pattern.compile(Pattern.quote(current.getFileName().toString()) + "\\.(\\d+)(\\.gz)?");
            try (Stream<Path> s = Files.list(current.getParent())) {
                for (Path f : s.toList()) {
                    Matcher mt = p.matcher(f.getFileName().toString());
                    if (mt.matches()) rotated.computeIfAbsent(Integer.parseInt(mt.group(1)), k -> new ArrayList<>()).add(f);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new FileSet(current, rotated);
        }

        /** After the monitor has exited: every rotated file is gzipped (nothing uncompressed, no temp file). */
        void assertAllRotatedCompressed() throws IOException {
            for (Map.Entry<Integer, List<Path>> e : rotated.entrySet()) {
                assertEquals(1, e.getValue().size(), "one file per number: " + e.getValue());
                assertTrue(e.getValue().get(0).toString().endsWith(".gz"), "rotated file compressed: " + e.getValue());
            }
            try (Stream<Path> s = Files.list(current.getParent())) {
                List<Path> tmp = s.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
                assertEquals(List.of(), tmp, "no temporary file left behind");
            }
        }

        /** Contents oldest first (highest number first, the current file last), gzipped files decompressed. */
        List<byte[]> contents() throws IOException {
            List<byte[]> out = new ArrayList<>();
            for (List<Path> fs : rotated.descendingMap().values()) out.add(read(fs.get(0)));
            if (Files.exists(current)) out.add(Files.readAllBytes(current));
            return out;
        }

        static byte[] read(Path f) throws IOException {
            if (!f.toString().endsWith(".gz")) return Files.readAllBytes(f);
            try (InputStream in = new GZIPInputStream(Files.newInputStream(f))) {
                return in.readAllBytes();
            }
        }
    }

    /** Lists the directories of running drivers as fast as it can and keeps, per file, the largest count seen. */
    static final class Sampler implements AutoCloseable {
        final List<Path> watched;
        final Map<Path, Integer> max = new LinkedHashMap<>();
        final AtomicBoolean stop = new AtomicBoolean();
        final Thread thread;
        volatile int samples;
        volatile Throwable failure;

        Sampler(List<Path> watched) {
            this.watched = watched;
            for (Path p : watched) max.put(p, 0);
            thread = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        for (Path p : watched) {
                            int c = FileSet.of(p).count();
                            synchronized (max) {
                                max.merge(p, c, Math::max);
                            }
                        }
                        samples++;
                    }
                } catch (Throwable t) {
                    failure = t;
                }
            }, "rotation-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        int max(Path p) {
            synchronized (max) {
                return max.get(p);
            }
        }

        @Override public void close() throws InterruptedException {
            stop.set(true);
            thread.join(10_000);
        }
    }

    /**
     * The numbers {@code from..to} as lines, each exactly once and in order, from the joined stdout text. A line that a
     * read boundary split is two records (the first partial), possibly in two files: that is documented (the records
     * of one read may end up in two files, each whole); joined, it must give the line back.
     */
    static void assertNumberedLines(String text, int from, int to, String what) {
        List<String> lines = text.lines().toList();
        assertTrue(text.endsWith("\n"), what + ": ends with a whole line");
        int expected = from;
        for (String l : lines) {
            assertEquals(Integer.toString(expected), l, what + ": line " + (expected - from + 1) + " of " + (to - from + 1));
            expected++;
        }
        assertEquals(to + 1, expected, what + ": last line");
    }

    // ---------------------------------------------------------------- (a) tag templates

    /**
     * {@code tag} templates expanded with the real container's name and id into json-file's {@code attrs.tag}, next to
     * a selected label and env variable; an invalid template is a {@code podman run} error naming the instance.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void jsonFileTagTemplateLabelsAndEnv(MonitorUnderTest m) throws IOException {
        m.onlyConmonJ(WHY);
        String n = name(m, "tagtpl");
        Path dir = freshDir("tagtpl");
        Path out = dir.resolve("c.json");
        try {
            List<String> a = new ArrayList<>(csvAnnotations("json-file:j", "j.path=" + out,
                    "j.tag=name={{.Name}} id={{ .ID }} full={{.FullID}} by {{.DaemonName}}", "j.labels=app,absent", "j.env=COLOR",
                    "j.labels-regex=^team\\.", "j.env-regex=^SIZE_"));
            a.addAll(List.of("--annotation", "app=shop", "--env", "COLOR=blue", "--annotation", "team.owner=ops",
                    "--annotation", "myteam.x=no", "--env", "SIZE_MB=5", "--env", "MY_SIZE_MB=no"));
            Fixtures.Proc p = run(m, n, a, "sh", "-c", "echo tagged; echo e >&2");
            assertEquals(0, p.status(), p.err());
            String id = ok(podman(m, "inspect", "-f", "{{.Id}}", n), "inspect").out().strip();
            assertEquals(64, id.length(), id);
            List<JRec> recs = parseJsonFile(Files.readAllBytes(out), out.toString());
            assertEquals(2, recs.size(), recs.toString());
            Map<String, String> attrs = Map.of("tag", "name=" + n + " id=" + id.substring(0, 12) + " full=" + id + " by conmon-j",
                    "app", "shop", "COLOR", "blue", "team.owner", "ops", "SIZE_MB", "5"); // by name, and by regex
            for (JRec r : recs) assertEquals(new TreeMap<>(attrs), r.attrs(), r.toString());
            assertEquals("tagged\n", recs.stream().filter(r -> r.stream().equals("stdout")).findFirst().orElseThrow().log());
            assertEquals("e\n", recs.stream().filter(r -> r.stream().equals("stderr")).findFirst().orElseThrow().log());
        } finally {
            podman(m, "rm", "-f", "-t", "0", n);
            Fixtures.rmrf(dir);
        }
        // invalid templates: the monitor cannot start, podman run says why, the container never runs
        String bad = name(m, "badtag");
        record Bad(String template, String message) {}
        List<String> failures = new ArrayList<>();
        for (Bad b : List.of(new Bad("x-{{.Name", "log driver j: invalid tag template 'x-{{.Name': unclosed '{{' at offset 2"),
                new Bad("{{.Nme}}", "log driver j: invalid tag template '{{.Nme}}'"))) {
            try {
                Fixtures.Proc p = run(m, bad, csvAnnotations("json-file:j", "j.path=" + PrivatePodman.base.resolve("bad.json"),
                        "j.tag=" + b.template()), "echo", "must-not-run");
                System.out.println("[" + m + "] tag " + b.template() + ": status " + p.status() + ", stderr " + Json.quote(p.err()));
                if (p.status() == 0 || !p.err().contains(b.message()) || p.out().contains("must-not-run"))
                    failures.add(b.template() + ": status " + p.status() + ", out " + Json.quote(p.out()) + ", err " + Json.quote(p.err())
                            + " (expected to contain " + Json.quote(b.message()) + ")");
            } finally {
                podman(m, "rm", "-f", "-t", "0", bad);
                Files.deleteIfExists(PrivatePodman.base.resolve("bad.json"));
            }
        }
        assertEquals(List.of(), failures);
    }

    // ---------------------------------------------------------------- (b, c) rotation and compression under a fast writer

    static final int FAST_N = 60000;

    /** The stdout text of a json-file log (every file, oldest first), partial records joined; checks each file is whole. */
    static List<JRec> jsonRecords(FileSet fs) throws IOException {
        List<JRec> recs = new ArrayList<>();
        int i = 0;
        for (byte[] c : fs.contents()) recs.addAll(parseJsonFile(c, fs.current() + " file " + i++));
        return recs;
    }

    static String stdoutOf(List<JRec> recs) {
        StringBuilder sb = new StringBuilder();
        for (JRec r : recs) {
            assertEquals("stdout", r.stream(), r.toString());
            sb.append(r.log());
        }
        return sb.toString();
    }

    static String k8sStdoutOf(FileSet fs) throws IOException {
        List<K8sLog.Rec> recs = new ArrayList<>();
        for (byte[] c : fs.contents()) recs.addAll(K8sLog.parse(c)); // each file whole records, ending with \n
        assertTrue(recs.stream().allMatch(r -> r.stream().equals("stdout")), "stdout only");
        return K8sLog.text(recs, "stdout");
    }

    /** The first number of a kept suffix of 1..FAST_N (the text must be whole lines "k\n...FAST_N\n"). */
    static int firstNumber(String text) {
        return Integer.parseInt(text.substring(0, text.indexOf('\n')));
    }

    /**
     * {@code seq 1 60000} as fast as the container can write, logged at once by four rotating, compressing drivers:
     * json-file and k8s-file with room for everything (every number exactly once, in order, across ≥ 5 gzipped
     * files), and json-file {@code max-file=3} / k8s-file {@code max-file=2} that must drop the oldest files (what is
     * kept is a gap-free suffix ending at 60000). While the container runs, a thread lists the directories as fast as
     * it can: no driver ever has more files than its limit. After the monitor exits every rotated file is
     * {@code .gz} and each file ends with a whole record. Then {@code conmon-logs --tail}, {@code --since} and
     * {@code --until} read the rotated, gzipped json-file log.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void fastWriterRotationCompressionAndReader(MonitorUnderTest m) throws Exception {
        m.onlyConmonJ(WHY);
        String n = name(m, "fastrot");
        Path ja = freshDir("fast-ja").resolve("c.json"), ka = freshDir("fast-ka").resolve("c.log");
        Path jf = freshDir("fast-jf").resolve("c.json"), kf = freshDir("fast-kf").resolve("c.log");
        // limits as files counted by FileSet: json-file max-file counts the current file; k8s-file keeps max(N, 2)
        // backups next to it (conmon's numbering, docs/logging.md)
        Map<Path, Integer> limit = Map.of(ja, 30, ka, 21, jf, 3, kf, 3);
        try {
            List<String> a = csvAnnotations("json-file:ja,k8s-file:ka,json-file:jf,k8s-file:kf",
                    "ja.path=" + ja, "ja.max-size=200k", "ja.max-file=30", "ja.compress=true",
                    "ka.path=" + ka, "ka.max-size=200k", "ka.max-file=20", "ka.compress=true",
                    "jf.path=" + jf, "jf.max-size=20k", "jf.max-file=3", "jf.compress=true",
                    "kf.path=" + kf,
                    "kf.max-size=20k", "kf.max-file=2", "kf.compress=true");
            Fixtures.Proc p;
            int samples;
            try (Sampler s = new Sampler(List.of(ja, ka, jf, kf))) {
                p = run(m, n, a, "seq", "1", Integer.toString(FAST_N));
                s.close();
                assertEquals(null, s.failure, "sampler");
                samples = s.samples;
                for (Path f : limit.keySet())
                    assertTrue(s.max(f) <= limit.get(f), f + ": " + s.max(f) + " files at once, limit " + limit.get(f));
                System.out.println("[" + m + "] fast writer: " + samples + " directory samples, most files seen at once: "
                        + s.max);
            }
            assertEquals(0, p.status(), p.err());
            String all = numbers(1, FAST_N);
            assertEquals(all, p.out(), "attached stdout");
            assertTrue(samples > 0, "the sampler ran");

            Map<Path, FileSet> sets = new LinkedHashMap<>();
            for (Path f : List.of(ja, ka, jf, kf)) {
                FileSet fs = FileSet.of(f);
                sets.put(f, fs);
                assertTrue(fs.count() <= limit.get(f), f + ": " + fs.count() + " files at the end, limit " + limit.get(f));
                fs.assertAllRotatedCompressed();
            }
            FileSet jaSet = sets.get(ja), kaSet = sets.get(ka);
            assertTrue(jaSet.rotated().size() >= 5, "json-file rotated at least 5 times: " + jaSet);
            assertTrue(kaSet.rotated().size() >= 5, "k8s-file rotated at least 5 times: " + kaSet);
            // rotated files are numbered without gaps from 1
            assertEquals(jaSet.rotated().size(), (int) jaSet.rotated().lastKey(), jaSet.rotated().keySet().toString());
            assertEquals(kaSet.rotated().size(), (int) kaSet.rotated().lastKey(), kaSet.rotated().keySet().toString());

            List<JRec> jaRecs = jsonRecords(jaSet);
            assertNumberedLines(stdoutOf(jaRecs), 1, FAST_N, "json-file, every file");
            assertNumberedLines(k8sStdoutOf(kaSet), 1, FAST_N, "k8s-file, every file");
            String jfText = stdoutOf(jsonRecords(sets.get(jf)));
            assertTrue(firstNumber(jfText) > 1, "json-file max-file=3 dropped the oldest files");
            assertNumberedLines(jfText, firstNumber(jfText), FAST_N, "json-file max-file=3, kept files");
            String kfText = k8sStdoutOf(sets.get(kf));
            assertTrue(firstNumber(kfText) > 1, "k8s-file max-file=2 dropped the oldest files");
            assertNumberedLines(kfText, firstNumber(kfText), FAST_N, "k8s-file max-file=2, kept files");
            // each json-file file is at most max-size (ours never exceeds it: rotation before the write that would)
            for (byte[] c : jaSet.contents()) assertTrue(c.length <= 200_000, "json-file file of " + c.length + " bytes");

            // conmon-logs on the rotated, gzipped json-file log
            Fixtures.Proc tail = Fixtures.run(List.of(conmonLogs(m).toString(), "--tail", "3", ja.toString()), 60);
            assertEquals(0, tail.status(), tail.err());
            assertEquals((FAST_N - 2) + "\n" + (FAST_N - 1) + "\n" + FAST_N + "\n", tail.out(), "--tail 3");
            assertEquals("", tail.err());
            // lines as the reader joins them: the time of a line is its first record's
            List<String> lineTimes = new ArrayList<>();
            List<String> lines = new ArrayList<>();
            StringBuilder cur = new StringBuilder();
            String curTime = null;
            for (JRec r : jaRecs) {
                if (cur.isEmpty()) curTime = r.time();
                cur.append(r.log());
                if (!r.partial()) {
                    lines.add(cur.toString());
                    lineTimes.add(curTime);
                    cur.setLength(0);
                }
            }
            assertEquals(FAST_N, lines.size());
            String t = lineTimes.get(FAST_N / 2);
            Instant ti = Instant.parse(t);
            StringBuilder since = new StringBuilder(), until = new StringBuilder();
            for (int i = 0; i < lines.size(); i++) {
                Instant li = Instant.parse(lineTimes.get(i));
                if (!li.isBefore(ti)) since.append(lines.get(i));
                if (!li.isAfter(ti)) until.append(lines.get(i));
            }
            Fixtures.Proc s = Fixtures.run(List.of(conmonLogs(m).toString(), "--since", t, ja.toString()), 60);
            assertEquals(0, s.status(), s.err());
            assertEquals(since.toString(), s.out(), "--since " + t);
            Fixtures.Proc u = Fixtures.run(List.of(conmonLogs(m).toString(), "--until", t, "--tail", "2", ja.toString()), 60);
            assertEquals(0, u.status(), u.err());
            List<String> untilLines = until.toString().lines().toList();
            assertEquals(String.join("\n", untilLines.subList(untilLines.size() - 2, untilLines.size())) + "\n", u.out(),
                    "--until " + t + " --tail 2");
        } finally {
            podman(m, "rm", "-f", "-t", "0", n);
            for (Path f : List.of(ja, ka, jf, kf)) Fixtures.rmrf(f.getParent());
        }
    }

    /** "from\n...to\n". */
    static String numbers(int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i <= to; i++) sb.append(i).append('\n');
        return sb.toString();
    }

    // ---------------------------------------------------------------- (d) conmon-logs --follow across rotations

    static final int FOLLOW_N = 500;

    /**
     * {@code conmon-logs --follow} started on a json-file log before its container, which then writes 500 numbered
     * lines ~3 ms apart with {@code max-size=4k max-file=3 compress=true}: at least 5 rotations (below), each rotated file
     * gzipped and all but the last two removed while the reader follows. The follower prints every line exactly once,
     * in order. Pace and size respect docs/logging.md's limits for {@code --follow}: it polls every 100 ms, and a file
     * holds ~50 lines (≥ 150 ms of writing), so at most one rotation happens between two polls and no file is removed
     * before it was read. The container starts once the follower holds the log open: a follower still starting (a JVM
     * on a loaded machine) would find the first files rotated out already, the loss docs/logging.md names.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void conmonLogsFollowsAcrossRotations(MonitorUnderTest m) throws Exception {
        m.onlyConmonJ("conmon-logs and the json-file driver are conmon-j's");
        String n = name(m, "follow");
        Path dir = freshDir("follow");
        Path log = dir.resolve("c.json");
        Files.createFile(log); // the reader needs the file to exist; the driver appends to it
        Path out = dir.resolve("follower.out"), err = dir.resolve("follower.err");
        Process follower = new ProcessBuilder(conmonLogs(m).toString(), "--format", "json-file", "--follow", log.toString())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        try (Sampler s = new Sampler(List.of(log))) {
            awaitOpened(follower, log);
            String script = "i=1; while [ $i -le " + FOLLOW_N + " ]; do echo line-$i; i=$((i+1)); usleep 3000; done";
            ok(podman(m, runArgs(n, true, csvAnnotations("json-file:j", "j.path=" + log, "j.max-size=4k", "j.max-file=3",
                    "j.compress=true"), "sh", "-c", script).toArray(String[]::new)), "run -d");
            assertEquals("0\n", ok(podman(m, "wait", n), "wait").out());
            String last = "line-" + FOLLOW_N + "\n";
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!Files.readString(out).endsWith(last) && System.nanoTime() < deadline && follower.isAlive()) ConmonRun.sleep(100);
            s.close();
            assertEquals(null, s.failure, "sampler");
            assertTrue(s.max(log) <= 3, "files at once: " + s.max(log) + ", max-file 3");
            assertTrue(follower.isAlive(), "--follow keeps running after the container exited: " + Files.readString(err));
            follower.destroy(); // SIGTERM
            assertTrue(follower.waitFor(10, TimeUnit.SECONDS), "the follower stops on SIGTERM");
            assertEquals(143, follower.exitValue(), "status after SIGTERM: " + Files.readString(err));
            StringBuilder expected = new StringBuilder();
            for (int i = 1; i <= FOLLOW_N; i++) expected.append("line-").append(i).append('\n');
            assertEquals(expected.toString(), Files.readString(out), "the follower printed every line exactly once, in order");
            assertEquals("", Files.readString(err), "nothing on the follower's stderr");
            // at least 5 rotations: every record is at least as long as with a whole-second time, and no file holds
            // more than max-size (4000) bytes, so the 500 records needed that many files
            long minBytes = 0;
            for (int i = 1; i <= FOLLOW_N; i++)
                minBytes += ("{\"log\":\"line-" + i + "\\n\",\"stream\":\"stdout\",\"time\":\"2026-11-30T05:22:01Z\"}\n").length();
            long minFiles = (minBytes + 3999) / 4000;
            assertTrue(minFiles - 1 >= 5, "at least 5 rotations: " + minBytes + " bytes, " + minFiles + " files");
            FileSet fs = FileSet.of(log);
            fs.assertAllRotatedCompressed();
            assertEquals(3, fs.count(), "max-file=3 kept: " + fs);
            for (byte[] c : fs.contents()) assertTrue(c.length <= 4000, "a file of " + c.length + " bytes");
        } finally {
            if (follower.isAlive()) {
                follower.destroyForcibly();
                follower.waitFor(10, TimeUnit.SECONDS);
            }
            podman(m, "rm", "-f", "-t", "0", n);
            Fixtures.rmrf(dir);
        }
    }

    /** Waits until {@code p} holds {@code file} open (a link in its /proc/PID/fd); fails if it exits or 60 s pass. */
    static void awaitOpened(Process p, Path file) throws IOException {
        Path target = file.toRealPath();
        Path fds = Path.of("/proc", Long.toString(p.pid()), "fd");
        Await.until("the follower holding " + target + " open", java.time.Duration.ofSeconds(60), () -> {
            if (!p.isAlive()) throw new AssertionError("the follower exited (" + p.exitValue() + ") before it opened " + file);
            try (var links = Files.newDirectoryStream(fds)) {
                for (Path fd : links) {
                    try {
                        if (Files.readSymbolicLink(fd).equals(target)) return true;
                    } catch (IOException closed) {
                        // closed meanwhile
                    }
                }
            }
            return false;
        });
    }
}
