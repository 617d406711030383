package io.conmonj.host.reader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conmonj.plugin.property.ForAll;
import io.conmonj.plugin.property.Gen;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

/**
 * Property tests of conmon-logs' line parsers (a log file's bytes are the container's: hostile). For every input of
 * up to 4 KiB, within 1 s each: the k8s-file and json-file parsers give a record or "not a record" (null) and never
 * throw; the command gives the record's bytes or exactly one documented warning ("FILE:LINE: not a k8s-file record
 * (skipped)"), printing at most the input's bytes plus the one newline an F record gets back.
 */
class LogLineParserPropertiesTest {
    private static final String TIME = "2026-01-01T00:00:00.000000000+00:00";
    private static final Duration BOUND = Duration.ofSeconds(1);

    /** Raw bytes, and bytes that start like a record so the parser gets past the prefix often. */
    private static final Gen<byte[]> LINES = Gen.oneOf(Gen.bytes(4096),
            r -> concat(Gen.of(TIME + " stdout F ", TIME + " stderr P ", TIME + " stdout", "x stderr ", " stdout F ",
                    TIME + " stdin F ", TIME + " stdout X ", TIME + " stdout FF").next(r)
                    .getBytes(StandardCharsets.US_ASCII), Gen.bytes(4000).next(r)));

    private record K8sCase(byte[] content, boolean stderr, boolean partial) {}

    @Test
    void anyBytesGiveAK8sRecordOrNull() {
        ForAll.of(LINES).tries(2000).within(BOUND).check(line -> {
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
        });
    }

    @Test
    void anyBytesGiveAJsonRecordOrNull() {
        Gen<byte[]> json = Gen.oneOf(Gen.bytes(4096), r -> ("{\"log\":\"" + Gen.strings(2000).next(r) + "\",\"stream\":\""
                + Gen.of("stdout", "stderr", "x", "").next(r) + "\",\"time\":\"" + TIME + "\"}")
                .getBytes(StandardCharsets.UTF_8));
        ForAll.of(json).tries(2000).within(BOUND).check(line -> {
            Entry e = LogFormat.JSON_FILE.parse(line, line.length);
            if (e != null) assertTrue(e.content().length <= line.length);
        });
    }

    @Test
    void wellFormedK8sRecordsRoundTrip() {
        Gen<byte[]> content = Gen.bytes(4000).map(b -> {
            for (int i = 0; i < b.length; i++) if (b[i] == '\n') b[i] = ' ';
            return b;
        });
        ForAll.of(r -> new K8sCase(content.next(r), r.nextBoolean(), r.nextBoolean())).tries(1000).within(BOUND)
                .check(c -> {
                    byte[] line = concat((TIME + (c.stderr() ? " stderr " : " stdout ") + (c.partial() ? "P " : "F "))
                            .getBytes(StandardCharsets.US_ASCII), c.content());
                    Entry e = LogFormat.K8S_FILE.parse(line, line.length);
                    assertNotNull(e);
                    assertEquals(c.stderr(), e.stderr());
                    assertEquals(c.partial(), e.partial());
                    assertEquals(TIME, e.time());
                    assertArrayEquals(c.partial() ? c.content() : concat(c.content(), new byte[] {'\n'}), e.content());
                });
    }

    @Test
    void wellFormedJsonRecordsRoundTrip() {
        ForAll.of(Gen.strings(1000)).tries(1000).within(BOUND).check(log -> {
            for (boolean stderr : new boolean[] {false, true}) {
                String line = "{\"log\":\"" + escape(log) + "\",\"stream\":\"" + (stderr ? "stderr" : "stdout")
                        + "\",\"time\":\"" + TIME + "\"}";
                byte[] b = line.getBytes(StandardCharsets.UTF_8);
                Entry e = LogFormat.JSON_FILE.parse(b, b.length);
                assertNotNull(e, line);
                assertEquals(stderr, e.stderr());
                assertArrayEquals(log.getBytes(StandardCharsets.UTF_8), e.content());
            }
        });
    }

    /** The streaming reader agrees with the whole-line parser on every line, and its output is bounded. */
    @Test
    void theStreamingReaderPrintsTheRecordOrOneWarning() {
        ForAll.of(LINES).tries(300).within(BOUND).check(raw -> {
            byte[] line = Arrays.copyOf(raw, raw.length);
            for (int i = 0; i < line.length; i++) if (line[i] == '\n') line[i] = ' ';
            Path file = Files.createTempFile("conmon-logs-prop", ".log");
            try {
                Files.write(file, concat(line, new byte[] {'\n'}));
                ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
                int status = LogsCommand.run(new String[] {"--format", "k8s-file", file.toString()}, out, err,
                        Instant.now());
                assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
                Entry e = LogFormat.K8S_FILE.parse(line, line.length);
                if (line.length == 0) {
                    assertEquals(0, out.size() + err.size());
                } else if (e == null) {
                    assertEquals(0, out.size());
                    assertEquals("conmon-logs: " + file + ":1: not a k8s-file record (skipped)\n",
                            err.toString(StandardCharsets.UTF_8));
                } else {
                    byte[] printed = (e.stderr() ? err : out).toByteArray();
                    assertArrayEquals(e.content(), printed);
                    assertTrue(printed.length <= line.length + 1);
                }
            } finally {
                Files.deleteIfExists(file);
            }
        });
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
