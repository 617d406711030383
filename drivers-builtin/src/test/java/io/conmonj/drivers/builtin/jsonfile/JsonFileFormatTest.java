package io.conmonj.drivers.builtin.jsonfile;

import static io.conmonj.drivers.builtin.jsonfile.JsonTestSupport.T0_NANOS;
import static io.conmonj.drivers.builtin.jsonfile.JsonTestSupport.TIME;
import static io.conmonj.drivers.builtin.jsonfile.JsonTestSupport.b;
import static io.conmonj.drivers.builtin.jsonfile.JsonTestSupport.cat;
import static io.conmonj.drivers.builtin.jsonfile.JsonTestSupport.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogStream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exact bytes of json-file lines, and what a real JSON parser reads back from them. */
class JsonFileFormatTest {
    @TempDir
    Path dir;

    private Path path() {
        return dir.resolve("ctr.json");
    }

    /** Writes the records (data, partial) on stdout with T0 and returns the file. */
    private byte[] writeAll(List<byte[]> data, List<Boolean> partial) throws IOException {
        try (JsonFileLog log = new JsonFileLog(JsonFileOptions.of(path()), w -> { throw new AssertionError(w); })) {
            for (int i = 0; i < data.size(); i++) {
                log.write(record(LogStream.STDOUT, T0_NANOS, data.get(i), partial.get(i)));
            }
            log.flush();
        }
        return Files.readAllBytes(path());
    }

    /** One complete record: the file's exact text, and jackson reads "log" back as Go's decoding of the bytes. */
    private void assertLine(byte[] data, String escaped) throws IOException {
        byte[] file = writeAll(List.of(data), List.of(false));
        String expected = "{\"log\":\"" + escaped + "\",\"stream\":\"stdout\",\"time\":\"" + TIME + "\"}\n";
        assertEquals(expected, new String(file, StandardCharsets.UTF_8));
        JsonTestSupport.Line line = JsonTestSupport.parse(JsonTestSupport.lines(file).getFirst());
        assertEquals(JsonTestSupport.goString(data), line.log());
        assertEquals(List.of("log", "stream", "time"), line.order());
        Files.delete(path());
    }

    @Test
    void ascii() throws IOException {
        assertLine(cat("hello world 123 ~!@#$%^*()_+{}|:?/'\n"), "hello world 123 ~!@#$%^*()_+{}|:?/'\\n");
    }

    @Test
    void quoteBackslashAndControlBytes() throws IOException {
        // Docker's ffjson writer: only \n and \r have short forms; tab, \b, \f and the rest are \\u00XX; DEL is raw.
        assertLine(cat("a\"b\\c", b(0, 1, 8, 9, 12, 13, 0x1b, 0x1f, 0x7f), "\n"),
                "a\\\"b\\\\c\\u0000\\u0001\\u0008\\u0009\\u000c\\r\\u001b\\u001f\u007f\\n");
    }

    @Test
    void htmlCharacters() throws IOException {
        assertLine(cat("<a href=\"x\">&amp;</a>\n"), "\\u003ca href=\\\"x\\\"\\u003e\\u0026amp;\\u003c/a\\u003e\\n");
    }

    @Test
    void lineAndParagraphSeparators() throws IOException {
        assertLine(cat("a\u2028b\u2029c\u2027d\n"), "a\\u2028b\\u2029c\u2027d\\n");
    }

    @Test
    void validUtf8IsVerbatim() throws IOException {
        assertLine(cat("é ü 日本 \uD83D\uDE00 \uFFFD\n"), "é ü 日本 \uD83D\uDE00 \uFFFD\\n");
    }

    @Test
    void invalidUtf8BecomesOneReplacementPerByte() throws IOException {
        // lone 0xff; overlong C0 80; truncated E2 82 before 'x'; surrogate ED A0 80; F4 90 80 80 > U+10FFFF;
        // lone continuation 0x80; a 4-byte sequence cut by the end of the record.
        byte[] data = cat(b(0xff), "|", b(0xc0, 0x80), "|", b(0xe2, 0x82), "x|", b(0xed, 0xa0, 0x80), "|",
                b(0xf4, 0x90, 0x80, 0x80), "|", b(0x80), "|", b(0xf0, 0x9f, 0x98));
        String r = "\\ufffd";
        byte[] file = writeAll(List.of(data), List.of(true));
        String expected = "{\"log\":\"" + r + "|" + r + r + "|" + r + r + "x|" + r + r + r + "|" + r + r + r + r + "|"
                + r + "|" + r + r + r + "\",\"stream\":\"stdout\",\"time\":\"" + TIME + "\"}\n";
        assertEquals(expected, new String(file, StandardCharsets.UTF_8));
        assertEquals(JsonTestSupport.goString(data), JsonTestSupport.parse(JsonTestSupport.lines(file).getFirst()).log());
    }

    @Test
    void binaryRoundTripsThroughAJsonParser() throws IOException {
        Random rnd = new Random(42);
        List<byte[]> recs = new ArrayList<>();
        List<Boolean> partial = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            byte[] d = new byte[1 + rnd.nextInt(300)];
            rnd.nextBytes(d);
            for (int k = 0; k < d.length; k++) {
                if (d[k] == '\n') {
                    d[k] = 'n';
                }
            }
            boolean p = rnd.nextInt(4) == 0;
            if (!p) {
                d[d.length - 1] = '\n';
            }
            recs.add(d);
            partial.add(p);
        }
        List<byte[]> lines = JsonTestSupport.lines(writeAll(recs, partial));
        assertEquals(recs.size(), lines.size());
        for (int i = 0; i < lines.size(); i++) {
            JsonTestSupport.Line l = JsonTestSupport.parse(lines.get(i));
            assertEquals(JsonTestSupport.goString(recs.get(i)), l.log(), "record " + i);
            assertEquals("stdout", l.stream());
            assertEquals(TIME, l.time());
        }
    }

    @Test
    void partialRecordsAreLinesWithoutNewline() throws IOException {
        byte[] file = writeAll(List.of(cat("abc"), cat("def"), cat("ghi\n")), List.of(true, true, false));
        String t = "\",\"stream\":\"stdout\",\"time\":\"" + TIME + "\"}\n";
        assertEquals("{\"log\":\"abc" + t + "{\"log\":\"def" + t + "{\"log\":\"ghi\\n" + t,
                new String(file, StandardCharsets.UTF_8));
        // a reader joins lines until "log" ends with \n
        StringBuilder joined = new StringBuilder();
        for (byte[] l : JsonTestSupport.lines(file)) {
            joined.append(JsonTestSupport.parse(l).log());
        }
        assertEquals("abcdefghi\n", joined.toString());
    }

    @Test
    void streamsAndTimestamps() throws IOException {
        long sec = JsonTestSupport.T0.getEpochSecond() * 1_000_000_000L;
        try (JsonFileLog log = new JsonFileLog(JsonFileOptions.of(path()), w -> { })) {
            log.write(record(LogStream.STDERR, sec, cat("a\n"), false));
            log.write(record(LogStream.STDOUT, sec + 120_000_000, cat("b\n"), false));
            log.write(record(LogStream.STDOUT, sec + 1, cat("c\n"), false));
            log.write(record(LogStream.STDOUT, 0, cat("d\n"), false));
            log.write(record(LogStream.STDOUT, -1, cat("e\n"), false));
            log.write(record(LogStream.STDOUT, Long.MAX_VALUE, cat("f\n"), false));
            log.write(record(LogStream.STDOUT, Long.MIN_VALUE, cat("g\n"), false));
        }
        List<String> times = new ArrayList<>();
        List<String> streams = new ArrayList<>();
        for (byte[] l : JsonTestSupport.lines(Files.readAllBytes(path()))) {
            JsonTestSupport.Line line = JsonTestSupport.parse(l);
            times.add(line.time());
            streams.add(line.stream());
        }
        assertEquals(List.of("2026-11-30T02:05:46Z", "2026-11-30T02:05:46.12Z", "2026-11-30T02:05:46.000000001Z",
                "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999999999Z", "2262-04-11T23:47:16.854775807Z",
                "1677-09-21T00:12:43.145224192Z"), times);
        assertEquals(List.of("stderr", "stdout", "stdout", "stdout", "stdout", "stdout", "stdout"), streams);
    }

    @Test
    void rfc3339YearsOnly() {
        // Nanosecond longs only reach 1677..2262; the formatter itself keeps Docker's 0..9999 rule.
        byte[] b = new byte[40];
        int n = DockerJson.formatTime(253_402_300_799L, 999_999_999, b, 0);
        assertEquals("9999-12-31T23:59:59.999999999Z", new String(b, 0, n, StandardCharsets.US_ASCII));
        n = DockerJson.formatTime(-62_167_219_200L, 0, b, 0);
        assertEquals("0000-01-01T00:00:00Z", new String(b, 0, n, StandardCharsets.US_ASCII));
        assertEquals(-1, DockerJson.formatTime(253_402_300_800L, 0, b, 0));
        assertEquals(-1, DockerJson.formatTime(-62_167_219_201L, 0, b, 0));
        n = DockerJson.formatTime(-62_135_596_800L, 0, b, 0); // Go's zero time
        assertEquals("0001-01-01T00:00:00Z", new String(b, 0, n, StandardCharsets.US_ASCII));
    }

    @Test
    void attrsFromLabelsEnvAndTag() throws Exception {
        ContainerMetadata meta = new ContainerMetadata("0123456789abcdef0123", "web", "web-tag",
                Map.of("app", "shop", "tier", "<front>&", "unused", "x", "z\u2028", "tab\tnl\n"),
                Map.of("LANG", "C.UTF-8", "SECRET", "s", "app", "from-env"), null);
        Map<String, String> opts = Map.of("path", path().toString(), "labels", "tier,app,missing,z\u2028",
                "env", "LANG,app");
        try (LogDriver d = new JsonFileProvider().open(meta, opts, w -> { })) {
            d.write(record(LogStream.STDERR, T0_NANOS, cat("x\n"), false));
        }
        String expected = "{\"log\":\"x\\n\",\"stream\":\"stderr\",\"attrs\":{\"LANG\":\"C.UTF-8\",\"app\":\"from-env\","
                + "\"tag\":\"web-tag\",\"tier\":\"\\u003cfront\\u003e\\u0026\",\"z\\u2028\":\"tab\\tnl\\n\"},\"time\":\""
                + TIME + "\"}\n";
        assertEquals(expected, Files.readString(path()));
        JsonTestSupport.Line l = JsonTestSupport.parse(JsonTestSupport.lines(Files.readAllBytes(path())).getFirst());
        assertEquals(List.of("log", "stream", "attrs", "time"), l.order());
        assertEquals(Map.of("LANG", "C.UTF-8", "app", "from-env", "tag", "web-tag", "tier", "<front>&",
                "z\u2028", "tab\tnl\n"), l.attrs());
    }

    @Test
    void metadataSelectedByTheHostGoesToAttrs() throws Exception {
        ContainerMetadata meta = new ContainerMetadata("0123456789abcdef", "web", null, Map.of("a", "1"),
                Map.of("A", "2", "a", "env"), null);
        try (LogDriver d = new JsonFileProvider().open(meta, Map.of("path", path().toString()), w -> { })) {
            d.write(record(LogStream.STDOUT, T0_NANOS, cat("x\n"), false));
        }
        assertEquals("{\"log\":\"x\\n\",\"stream\":\"stdout\",\"attrs\":{\"A\":\"2\",\"a\":\"env\"},\"time\":\"" + TIME
                + "\"}\n", Files.readString(path()));
    }

    @Test
    void noAttrsWithoutSelectionAndTagOptionWins() throws Exception {
        ContainerMetadata meta = new ContainerMetadata("0123456789abcdef", "web", null, Map.of(), Map.of(), null);
        try (LogDriver d = new JsonFileProvider().open(meta, Map.of("path", path().toString()), w -> { })) {
            d.write(record(LogStream.STDOUT, T0_NANOS, cat("x\n"), false));
        }
        assertNull(JsonTestSupport.parse(JsonTestSupport.lines(Files.readAllBytes(path())).getFirst()).attrs());
        Files.delete(path());
        try (LogDriver d = new JsonFileProvider().open(meta, Map.of("path", path().toString(), "tag", "t1"), w -> { })) {
            d.write(record(LogStream.STDOUT, T0_NANOS, cat("x\n"), false));
        }
        assertEquals("{\"log\":\"x\\n\",\"stream\":\"stdout\",\"attrs\":{\"tag\":\"t1\"},\"time\":\"" + TIME + "\"}\n",
                Files.readString(path()));
    }
}
