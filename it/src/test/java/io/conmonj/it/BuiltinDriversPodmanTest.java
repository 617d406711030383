package io.conmonj.it;

import static io.conmonj.it.PodmanTest.IMG;
import static io.conmonj.it.PodmanTest.name;
import static io.conmonj.it.PodmanTest.ok;
import static io.conmonj.it.PodmanTest.podman;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue #5 end to end with real containers through Podman: the built-in json-file and k8s-file drivers selected by
 * annotation (docs/logging.md), their rotation and compression under a fast writer, tag templates, and the
 * {@code bin/conmon-logs} reader following and filtering a real container's rotated, gzipped log. Same private store
 * and helpers as {@link PodmanTest}.
 *
 * <p>conmon-j only: the C conmon has no json-file driver, no k8s-file {@code compress}, no driver selection by
 * annotation and no conmon-logs, so every case skips the reference visibly ({@link Monitor#onlyConmonJ}). The
 * journald comparison with the C conmon is in {@link JournaldHarnessTest}.
 */
class BuiltinDriversPodmanTest {
    static final String MONITORS = "io.conmonj.it.Monitor#monitors";
    static final String WHY = "built-in drivers selected by io.conmon-j.* annotations (issue 5); the C conmon has no json-file"
            + " driver, no k8s-file compress and ignores the annotations";
    static final String A = "io.conmon-j.";

    @BeforeAll
    static void setUp() throws IOException {
        PodmanTest.setUp();
    }

    @AfterAll
    static void tearDown() {
        PodmanTest.tearDown();
    }

    // ---------------------------------------------------------------- helpers

    /** {@code --annotation} pairs: the driver list, then {@code INSTANCE.KEY=VALUE} options. */
    static List<String> annotations(String drivers, String... opts) {
        List<String> a = new ArrayList<>(List.of("--annotation", csv(A + "log-driver=" + drivers)));
        for (String o : opts) a.addAll(List.of("--annotation", csv(A + "log-opt." + o)));
        return a;
    }

    /**
     * Podman's {@code --annotation} is a pflag string slice: each argument is read as CSV, so a value with a comma
     * (a driver list, {@code labels=a,b}) must be one quoted CSV field, or Podman splits it and fails with
     * "annotations must be formatted KEY=VALUE".
     */
    static String csv(String annotation) {
        return annotation.contains(",") || annotation.contains("\"") ? "\"" + annotation.replace("\"", "\"\"") + "\"" : annotation;
    }

    static List<String> runArgs(String n, boolean detach, List<String> annotations, String... command) {
        List<String> args = new ArrayList<>(List.of("run"));
        if (detach) args.add("-d");
        args.addAll(List.of("--name", n, "--network", "none"));
        args.addAll(annotations);
        args.add(IMG);
        args.addAll(List.of(command));
        return args;
    }

    static Fixtures.Proc run(Monitor m, String n, List<String> annotations, String... command) {
        return podman(m, runArgs(n, false, annotations, command).toArray(String[]::new));
    }

    /** A fresh, empty directory under the store's base (0755, so rotation's directory checks pass). */
    static Path freshDir(String name) throws IOException {
        Path d = PodmanTest.base.resolve(name);
        Fixtures.rmrf(d);
        return Files.createDirectories(d);
    }

    static Path conmonLogs(Monitor m) {
        return m.binary().resolveSibling("conmon-logs");
    }

    /** One json-file line decoded with a real JSON parser; fails on anything else (unknown field, bad order). */
    record JRec(String log, String stream, Map<String, String> attrs, String time) {
        boolean partial() { return !log.endsWith("\n"); }

        Instant instant() { return Instant.parse(time); }
    }

    static final JsonFactory JSON = new JsonFactory();
    static final Pattern RFC3339_NANO_UTC = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{0,8}[1-9])?Z");

    static JRec parseJsonLine(String line) {
        try (JsonParser p = JSON.createParser(line)) {
            assertEquals(JsonToken.START_OBJECT, p.nextToken(), line);
            List<String> order = new ArrayList<>();
            String log = null, stream = null, time = null;
            Map<String, String> attrs = new TreeMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                order.add(f);
                JsonToken v = p.nextToken();
                switch (f) {
                    case "log" -> log = p.getText();
                    case "stream" -> stream = p.getText();
                    case "time" -> time = p.getText();
                    case "attrs" -> {
                        assertEquals(JsonToken.START_OBJECT, v, line);
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String k = p.currentName();
                            p.nextToken();
                            attrs.put(k, p.getText());
                        }
                    }
                    default -> throw new AssertionError("unexpected field " + f + " in " + line);
                }
            }
            assertEquals(null, p.nextToken(), "one object per line: " + line);
            assertEquals(attrs.isEmpty() ? List.of("log", "stream", "time") : List.of("log", "stream", "attrs", "time"), order,
                    "Docker's field order: " + line);
            assertTrue(RFC3339_NANO_UTC.matcher(time).matches(), "RFC 3339 UTC, trailing zeros removed: " + line);
            return new JRec(log, stream, attrs, time);
        } catch (IOException e) {
            throw new AssertionError("not a JSON line: " + line, e);
        }
    }

    /** The whole file's records; the file must end with a complete line (no record split across files). */
    static List<JRec> parseJsonFile(byte[] content, String what) {
        String s = new String(content, StandardCharsets.UTF_8);
        assertTrue(s.isEmpty() || s.endsWith("\n"), what + " ends in the middle of a record: ..."
                + s.substring(Math.max(0, s.length() - 100)));
        List<JRec> out = new ArrayList<>();
        for (String l : s.split("\n", -1)) {
            if (!l.isEmpty()) out.add(parseJsonLine(l));
        }
        return out;
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
    void jsonFileTagTemplateLabelsAndEnv(Monitor m) throws IOException {
        m.onlyConmonJ(WHY);
        String n = name(m, "tagtpl");
        Path dir = freshDir("tagtpl");
        Path out = dir.resolve("c.json");
        try {
            List<String> a = new ArrayList<>(annotations("json-file:j", "j.path=" + out,
                    "j.tag=name={{.Name}} id={{ .ID }} full={{.FullID}} by {{.DaemonName}}", "j.labels=app,absent", "j.env=COLOR"));
            a.addAll(List.of("--annotation", "app=shop", "--env", "COLOR=blue"));
            Fixtures.Proc p = run(m, n, a, "sh", "-c", "echo tagged; echo e >&2");
            assertEquals(0, p.status(), p.err());
            String id = ok(podman(m, "inspect", "-f", "{{.Id}}", n), "inspect").out().strip();
            assertEquals(64, id.length(), id);
            List<JRec> recs = parseJsonFile(Files.readAllBytes(out), out.toString());
            assertEquals(2, recs.size(), recs.toString());
            Map<String, String> attrs = Map.of("tag", "name=" + n + " id=" + id.substring(0, 12) + " full=" + id + " by conmon-j",
                    "app", "shop", "COLOR", "blue");
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
                Fixtures.Proc p = run(m, bad, annotations("json-file:j", "j.path=" + PodmanTest.base.resolve("bad.json"),
                        "j.tag=" + b.template()), "echo", "must-not-run");
                System.out.println("[" + m + "] tag " + b.template() + ": status " + p.status() + ", stderr " + Json.quote(p.err()));
                if (p.status() == 0 || !p.err().contains(b.message()) || p.out().contains("must-not-run"))
                    failures.add(b.template() + ": status " + p.status() + ", out " + Json.quote(p.out()) + ", err " + Json.quote(p.err())
                            + " (expected to contain " + Json.quote(b.message()) + ")");
            } finally {
                podman(m, "rm", "-f", "-t", "0", bad);
                Files.deleteIfExists(PodmanTest.base.resolve("bad.json"));
            }
        }
        assertEquals(List.of(), failures);
    }
}
