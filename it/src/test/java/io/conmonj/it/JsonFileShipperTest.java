package io.conmonj.it;

import static io.conmonj.it.JsonFileRecords.RFC3339_NANO_UTC;
import static io.conmonj.it.DriverSelection.csvAnnotations;
import static io.conmonj.it.PrivatePodman.freshDir;
import static io.conmonj.it.JsonFileRecords.parseJsonFile;
import static io.conmonj.it.DriverSelection.run;
import static io.conmonj.it.PrivatePodman.name;
import static io.conmonj.it.PrivatePodman.podman;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conmonj.it.JsonFileRecords.JRec;
import io.conmonj.it.SyslogReceivers.JsonFileTail;
import io.conmonj.it.SyslogReceivers.RsyslogJsonFile;
import io.conmonj.it.SyslogReceivers.Shipped;
import io.conmonj.it.SyslogReceivers.SyslogNgJsonFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue #5's json-file log read by real log shippers: a real container run through Podman with conmon-j's json-file
 * driver (selected by annotation) writes tricky output, and rsyslogd ({@code imfile} + {@code mmjsonparse}) and
 * syslog-ng ({@code file()} + {@code json-parser()}), each started privately ({@link SyslogReceivers}) and tailing
 * the log while the container runs, decode every line. Their decoded {@code log} must be what the container wrote,
 * with Docker's rules: each byte that does not begin valid UTF-8 is U+FFFD, a line is one record per read (a line
 * longer than a read, 8192 bytes, or written in two pieces is several records, all but the last without {@code \n},
 * which a Docker reader joins: a shipper sees them as separate messages). Their {@code stream}, {@code time} (RFC 3339,
 * within the run) and {@code attrs.tag} must be the file's, record by record, as Jackson decodes it.
 *
 * <p>One thing both shippers lose: a NUL ({@code \u0000} in the file) ends the value they store (C strings), so for
 * the one record with a NUL the expected shipped value is the record up to the NUL; Jackson reads the whole record.
 */
@ExtendWith(PodmanEnvironment.class)
class JsonFileShipperTest {
    static final String MONITORS = "io.conmonj.it.MonitorUnderTest#monitors";
    static final String WHY = "the C conmon has no json-file driver";

    /** A 42-byte ASCII piece with JSON's and HTML's special characters, repeated 1024 times: one 43008-byte line. */
    static final String PIECE = "L0123456789 <\"\\&>\tabcdefghijklmnopqrstuvw-";
    static final int PIECES = 1024;

    /**
     * busybox sh: printf's octal escapes make the bytes. stdout: quotes, backslash, tab, C0 controls, ESC, DEL,
     * {@code <>&}, UTF-8 (2, 3 and 4 bytes, U+2028, U+2029, a real U+FFFD), invalid UTF-8 (a bad lead byte, a bad
     * continuation, a truncated sequence, an overlong form, a surrogate), a line written in two pieces, the long line,
     * an unterminated last line; stderr: escapes and a NUL. Sleeps keep the short lines within one read each.
     */
    static final String SCRIPT = "printf 'q\"uote b\\\\slash tab\\there ctl\\001\\002\\033[1m\\037\\177"
            + " <b a=\"1\">&amp;</b> \\303\\251 ls\\342\\200\\250ps\\342\\200\\251 \\360\\237\\230\\200\\n'; sleep 0.2;"
            + " printf 'err \"1\"\\t\\\\n \\001\\r\\n' >&2; sleep 0.2;"
            + " printf 'bad \\377 \\303( \\342\\202x \\300\\257 \\355\\240\\200 real \\357\\277\\275 end\\n'; sleep 0.2;"
            + " printf 'nul\\000after\\n' >&2; sleep 0.2;"
            + " printf 'part-a'; sleep 0.3; printf 'part-b\\n'; sleep 0.2;"
            + " s='" + PIECE + "'; i=0; while [ $i -lt 10 ]; do s=\"$s$s\"; i=$((i+1)); done; printf '%s\\n' \"$s\";"
            + " sleep 0.2; printf 'no-newline-end'";

    static final String LONG = PIECE.repeat(PIECES) + "\n";
    /** What a Docker reader gives back: the container's bytes, each invalid byte as U+FFFD, partial records joined. */
    static final String STDOUT = "q\"uote b\\slash tab\there ctl\u0001\u0002\u001b[1m\u001f\u007f <b a=\"1\">&amp;</b> \u00e9"
            + " ls\u2028ps\u2029 \uD83D\uDE00\n"
            + "bad \uFFFD \uFFFD( \uFFFD\uFFFDx \uFFFD\uFFFD \uFFFD\uFFFD\uFFFD real \uFFFD end\n"
            + "part-a" + "part-b\n" + LONG + "no-newline-end";
    static final String STDERR = "err \"1\"\t\\n \u0001\r\n" + "nul\u0000after\n";

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void rsyslogImfileMmjsonparse(MonitorUnderTest m) throws Exception {
        m.onlyConmonJ(WHY);
        SyslogReceivers.Rsyslog.requireInstalled();
        shipAndCheck(m, "ship-rs", RsyslogJsonFile::new);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void syslogNgFileJsonParser(MonitorUnderTest m) throws Exception {
        m.onlyConmonJ(WHY);
        SyslogReceivers.SyslogNg.requireInstalled();
        shipAndCheck(m, "ship-ng", SyslogNgJsonFile::new);
    }

    private static void shipAndCheck(MonitorUnderTest m, String what, BiFunction<Path, Path, JsonFileTail> shipper) throws Exception {
        String n = name(m, what);
        Path logDir = freshDir(what);
        Path log = logDir.resolve("c.json");
        Files.createFile(log); // the shipper tails it from its first line; the driver appends to it
        Path dir = Files.createTempDirectory("conmonj-" + what + "-");
        try (JsonFileTail d = shipper.apply(dir, log)) {
            d.start();
            Instant before = Instant.now();
            Fixtures.Proc p = run(m, n, csvAnnotations("json-file:j", "j.path=" + log, "j.tag=ship \"{{.Name}}\" <&>"),
                    "sh", "-c", SCRIPT);
            Instant after = Instant.now();
            assertEquals(0, p.status(), p.err());
            List<JRec> recs = parseJsonFile(Files.readAllBytes(log), log.toString());
            List<Shipped> got = d.awaitShipped(recs.size());
            System.out.println("[" + m + "] " + d.name() + ": " + recs.size() + " json-file records, " + got.size()
                    + " shipped");
            assertFalse(Files.exists(d.rejected) && Files.size(d.rejected) > 0,
                    () -> d.name() + " rejected lines: " + read(d.rejected));
            assertEquals(recs.size(), got.size(), d.name() + " shipped every line once: " + got);

            // Jackson's decoding of the file is what the container wrote (Docker's rules)
            assertEquals(STDOUT, joined(recs, "stdout"), "stdout, Jackson");
            assertEquals(STDERR, joined(recs, "stderr"), "stderr, Jackson");

            // the shipper's, record by record: the same values (up to a NUL, which ends a C string)
            String tag = "ship \"" + n + "\" <&>";
            List<JRec> shippedAsRecs = new ArrayList<>();
            for (int i = 0; i < recs.size(); i++) {
                JRec r = recs.get(i);
                Shipped s = got.get(i);
                String where = d.name() + " record " + i + ": " + Json.quote(s.log());
                assertEquals(new Shipped(upToNul(r.log()), r.stream(), r.time(), tag), s, where);
                assertTrue(RFC3339_NANO_UTC.matcher(s.time()).matches(), "RFC 3339: " + where);
                Instant t = Instant.parse(s.time());
                assertTrue(!t.isBefore(before) && !t.isAfter(after), before + " <= " + t + " <= " + after + ": " + where);
                shippedAsRecs.add(new JRec(s.log(), s.stream(), r.attrs(), s.time()));
            }
            assertEquals(STDOUT, joined(shippedAsRecs, "stdout"), d.name() + ": stdout, partial records joined");
            assertEquals(upToNulPerLine(STDERR), joined(shippedAsRecs, "stderr"), d.name() + ": stderr");

            // what the shipper sees of the split lines: separate messages, all but the last without the newline
            List<String> out = shippedAsRecs.stream().filter(r -> r.stream().equals("stdout")).map(JRec::log).toList();
            int a = out.indexOf("part-a");
            assertTrue(a >= 0 && out.get(a + 1).equals("part-b\n"), "two messages for the line written in two pieces: " + out);
            int first = a + 2, last = first;
            while (!out.get(last).endsWith("\n")) last++;
            int parts = last - first + 1;
            assertTrue(parts >= (LONG.length() + 8191) / 8192, "the long line is " + parts + " messages");
            for (int i = first; i <= last; i++)
                assertTrue(out.get(i).length() <= 8192, "message " + i + " is at most one read: " + out.get(i).length());
            assertEquals(LONG, String.join("", out.subList(first, last + 1)), "the long line, joined");
            assertEquals("no-newline-end", out.getLast(), "the unterminated last line is a partial record");
            System.out.println("[" + m + "] " + d.name() + ": the " + LONG.length() + "-byte line in " + parts + " messages");
        } finally {
            podman(m, "rm", "-f", "-t", "0", n);
            Fixtures.rmrf(dir);
            Fixtures.rmrf(logDir);
        }
    }

    static String joined(List<JRec> recs, String stream) {
        StringBuilder sb = new StringBuilder();
        for (JRec r : recs) if (r.stream().equals(stream)) sb.append(r.log());
        return sb.toString();
    }

    static String upToNul(String s) {
        int i = s.indexOf('\u0000');
        return i < 0 ? s : s.substring(0, i);
    }

    /** Each line (record) cut at its first NUL. */
    static String upToNulPerLine(String text) {
        StringBuilder sb = new StringBuilder();
        for (String l : text.split("(?<=\n)")) sb.append(upToNul(l));
        return sb.toString();
    }

    static String read(Path p) {
        try {
            return Files.readString(p, java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
