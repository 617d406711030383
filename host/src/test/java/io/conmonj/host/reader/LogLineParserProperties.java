package io.conmonj.host.reader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Property tests of conmon-logs' line parsers (a log file's bytes are the container's: hostile). For every input of
 * up to 4 KiB: the k8s-file and json-file parsers give a record or "not a record" (null) and never throw; the
 * command gives the record's bytes or exactly one documented warning ("FILE:LINE: not a k8s-file record
 * (skipped)"); the bound: it prints at most the input's bytes plus the one newline an F record gets back, and at
 * most one warning line per input line, so a line costs work and output proportional to its length.
 */
class LogLineParserProperties {
    private static final String TIME = "2026-01-01T00:00:00.000000000+00:00";

    @Property
    void anyBytesGiveAK8sRecordOrNull(@ForAll @Size(max = 4096) byte[] line) {
        Entry e = LogFormat.K8S_FILE.parse(line, line.length);
        if (e == null) return;
        assertTrue(e.content().length <= line.length + 1);
        int start = LogFormat.k8sContentStart(line, line.length, true);
        assertTrue(start > 0 && start <= line.length);
        byte[] rest = Arrays.copyOfRange(line, start, line.length);
        if (e.partial()) {
            assertArrayEquals(rest, e.content());
        } else {
            assertArrayEquals(rest, Arrays.copyOf(e.content(), rest.length));
            assertEquals('\n', e.content()[e.content().length - 1]);
        }
    }

    @Property
    void anyBytesGiveAJsonRecordOrNull(@ForAll @Size(max = 4096) byte[] line) {
        Entry e = LogFormat.JSON_FILE.parse(line, line.length);
        if (e != null) assertTrue(e.content().length <= line.length);
    }

    @Provide
    Arbitrary<byte[]> contentBytes() {
        return Arbitraries.bytes().filter(b -> b != '\n').array(byte[].class).ofMaxSize(4000);
    }

    @Property
    void wellFormedK8sRecordsRoundTrip(@ForAll("contentBytes") byte[] content, @ForAll boolean stderr,
                                       @ForAll boolean partial) {
        byte[] line = concat((TIME + (stderr ? " stderr " : " stdout ") + (partial ? "P " : "F "))
                .getBytes(StandardCharsets.US_ASCII), content);
        Entry e = LogFormat.K8S_FILE.parse(line, line.length);
        assertNotNull(e);
        assertEquals(stderr, e.stderr());
        assertEquals(partial, e.partial());
        assertEquals(TIME, e.time());
        assertArrayEquals(partial ? content : concat(content, new byte[] {'\n'}), e.content());
    }

    @Property
    void wellFormedJsonRecordsRoundTrip(@ForAll @Size(max = 1000) String log, @ForAll boolean stderr) {
        String line = "{\"log\":\"" + escape(log) + "\",\"stream\":\"" + (stderr ? "stderr" : "stdout")
                + "\",\"time\":\"" + TIME + "\"}";
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        Entry e = LogFormat.JSON_FILE.parse(b, b.length);
        assertNotNull(e, line);
        assertEquals(stderr, e.stderr());
        assertArrayEquals(log.getBytes(StandardCharsets.UTF_8), e.content());
    }

    /** The streaming reader agrees with the whole-line parser on every line, and its output is bounded. */
    @Property(tries = 300)
    void theStreamingReaderPrintsTheRecordOrOneWarning(@ForAll @Size(max = 4096) byte[] raw) throws IOException {
        byte[] line = Arrays.copyOf(raw, raw.length);
        for (int i = 0; i < line.length; i++) if (line[i] == '\n') line[i] = ' ';
        Path file = Files.createTempFile("conmon-logs-prop", ".log");
        try {
            Files.write(file, concat(line, new byte[] {'\n'}));
            ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
            int status = LogsCommand.run(new String[] {"--format", "k8s-file", file.toString()}, out, err, Instant.now());
            assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
            Entry e = LogFormat.K8S_FILE.parse(line, line.length);
            String warnings = err.toString(StandardCharsets.UTF_8);
            if (line.length == 0) {
                assertEquals(0, out.size() + err.size());
            } else if (e == null) {
                assertEquals(0, out.size());
                assertEquals("conmon-logs: " + file + ":1: not a k8s-file record (skipped)\n", warnings);
            } else {
                byte[] printed = (e.stderr() ? err : out).toByteArray();
                assertArrayEquals(e.content(), printed);
                assertTrue(printed.length <= line.length + 1);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') sb.append('\\').append(c);
            else if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        return sb.toString();
    }
}
