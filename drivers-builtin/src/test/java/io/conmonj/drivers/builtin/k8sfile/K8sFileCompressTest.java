package io.conmonj.drivers.builtin.k8sfile;


import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogDriverException;
import io.conmonj.plugin.LogStream;

import static io.conmonj.drivers.builtin.k8sfile.LogTestSupport.CLOCK;
import static io.conmonj.drivers.builtin.k8sfile.LogTestSupport.out;
import static io.conmonj.drivers.builtin.k8sfile.LogTestSupport.read;
import static io.conmonj.drivers.builtin.k8sfile.LogTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The k8s-file driver option {@code compress} (not in conmon): rotated files gzipped to PATH.N.gz. */
class K8sFileCompressTest {
    static final ContainerMetadata META = new ContainerMetadata("0123456789abcdef", "web", null, Map.of(), Map.of(), null);

    @TempDir
    Path dir;
    Path logDir;
    Path logPath;
    LogTestSupport.Warnings warnings = new LogTestSupport.Warnings();

    @BeforeEach
    void setUp() throws IOException {
        logDir = Files.createDirectory(dir.resolve("logs"));
        Files.setPosixFilePermissions(logDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        logPath = logDir.resolve("ctr.log");
    }

    /** Size limit 50: every record "lN\n" (48 bytes) after the first in a file triggers a rotation. */
    private K8sFileLog open(Path p, int maxFiles, boolean compress) throws IOException {
        K8sFileOptions o = K8sFileOptions.of(p).withSizeMax(50).withRotate(true, maxFiles).withCompress(compress);
        return new K8sFileLog(o, CLOCK, warnings);
    }

    private Path sibling(String suffix) {
        return Path.of(logPath + suffix);
    }

    private TreeSet<String> files(Path d) throws IOException {
        try (var s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    static byte[] gunzip(Path p) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
            return in.readAllBytes();
        }
    }

    static String gunzipString(Path p) throws IOException {
        return new String(gunzip(p), StandardCharsets.ISO_8859_1);
    }

    @Test
    void gzipContentIsExactlyTheRotatedFile() throws Exception {
        // The same writes with and without compress: each .N.gz decompresses to the bytes of .N.
        Path plainDir = Files.createDirectory(dir.resolve("plain"));
        Files.setPosixFilePermissions(plainDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path plainPath = plainDir.resolve("ctr.log");
        K8sFileOptions base = K8sFileOptions.of(logPath).withSizeMax(4000).withRotate(true, 3);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            text.append("line ").append(i).append(" \u00e9\t\u0001 ").append("x".repeat(i % 37)).append('\n');
        }
        text.append("partial tail");
        try (K8sFileLog gz = new K8sFileLog(base.withCompress(true), CLOCK, warnings);
             K8sFileLog plain = new K8sFileLog(new K8sFileOptions(plainPath, 4000, -1, true, 3, List.of()), CLOCK,
                     warnings)) {
            write(gz, LogStream.STDOUT, text.toString());
            write(plain, LogStream.STDOUT, text.toString());
            gz.compressor().awaitIdle();
        }
        assertEquals(new TreeSet<>(List.of("ctr.log", "ctr.log.1.gz", "ctr.log.2.gz", "ctr.log.3.gz")), files(logDir));
        assertEquals(new TreeSet<>(List.of("ctr.log", "ctr.log.1", "ctr.log.2", "ctr.log.3")), files(plainDir));
        assertArrayEquals(Files.readAllBytes(plainPath), Files.readAllBytes(logPath));
        for (int i = 1; i <= 3; i++) {
            byte[] expected = Files.readAllBytes(Path.of(plainPath + "." + i));
            assertTrue(expected.length > 0);
            assertArrayEquals(expected, gunzip(sibling("." + i + ".gz")), "file " + i);
        }
        // a plain RFC 1952 header: no extra field, MTIME 0, mode 0640
        byte[] head = Files.readAllBytes(sibling(".1.gz"));
        assertArrayEquals(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff},
                java.util.Arrays.copyOf(head, 10));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(sibling(".1.gz"))));
        assertEquals(List.of(), warnings.list);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void maxFilesOneAndTwoKeepTwoCompressedBackups(int maxFiles) throws Exception {
        // conmon-behaviour.md §16.8 kept: N = 1 behaves like N = 2.
        try (K8sFileLog log = open(logPath, maxFiles, true)) {
            for (int i = 1; i <= 5; i++) {
                write(log, LogStream.STDOUT, "l" + i + "\n");
                log.compressor().awaitIdle();
            }
        }
        assertEquals(new TreeSet<>(List.of("ctr.log", "ctr.log.1.gz", "ctr.log.2.gz")), files(logDir));
        assertEquals(out("l5"), read(logPath));
        assertEquals(out("l4"), gunzipString(sibling(".1.gz")));
        assertEquals(out("l3"), gunzipString(sibling(".2.gz")));
        assertEquals(List.of(), warnings.list);
    }

    @Test
    void maxFilesThreeKeepsThreeCompressedBackups() throws Exception {
        try (K8sFileLog log = open(logPath, 3, true)) {
            for (int i = 1; i <= 6; i++) {
                write(log, LogStream.STDOUT, "l" + i + "\n");
            }
            // without waiting: compressions overlap renames
        }
        assertEquals(new TreeSet<>(List.of("ctr.log", "ctr.log.1.gz", "ctr.log.2.gz", "ctr.log.3.gz")), files(logDir));
        assertEquals(out("l6"), read(logPath));
        assertEquals(out("l5"), gunzipString(sibling(".1.gz")));
        assertEquals(out("l4"), gunzipString(sibling(".2.gz")));
        assertEquals(out("l3"), gunzipString(sibling(".3.gz")));
        assertEquals(List.of(), warnings.list);
    }

    @Test
    void fewerRotationsThanMaxFilesLeaveNoGaps() throws Exception {
        try (K8sFileLog log = open(logPath, 3, true)) {
            write(log, LogStream.STDOUT, "l1\n");
            write(log, LogStream.STDOUT, "l2\n");
        }
        assertEquals(new TreeSet<>(List.of("ctr.log", "ctr.log.1.gz")), files(logDir));
        assertEquals(out("l1"), gunzipString(sibling(".1.gz")));
    }

    @Test
    void reopenInRotateModeCompressesToo() throws Exception {
        K8sFileOptions o = K8sFileOptions.of(logPath).withRotate(true, 1).withCompress(true);
        try (K8sFileLog log = new K8sFileLog(o, CLOCK, warnings)) {
            write(log, LogStream.STDOUT, "before\n");
            log.reopen();
            write(log, LogStream.STDOUT, "after\n");
        }
        assertEquals(new TreeSet<>(List.of("ctr.log", "ctr.log.1.gz")), files(logDir));
        assertEquals(out("after"), read(logPath));
        assertEquals(out("before"), gunzipString(sibling(".1.gz")));
    }

    private static final Pattern RECORD = Pattern.compile(".* stdout F r(\\d+) [a-z]*\\n", Pattern.DOTALL);

    /** The numbers of the records in {@code content}, in order. */
    private static List<Integer> records(String content) {
        List<Integer> r = new ArrayList<>();
        for (String line : content.split("(?<=\n)")) {
            Matcher m = RECORD.matcher(line);
            assertTrue(m.matches(), line);
            r.add(Integer.parseInt(m.group(1)));
        }
        return r;
    }

    /** Backups oldest first, then the current file, decompressed. */
    private String everything(int maxIndex) throws IOException {
        StringBuilder all = new StringBuilder();
        for (int i = maxIndex; i >= 1; i--) {
            Path gz = sibling("." + i + ".gz");
            assertTrue(!Files.exists(sibling("." + i)), "left uncompressed: ." + i);
            if (Files.exists(gz)) {
                all.append(gunzipString(gz));
            }
        }
        return all.append(read(logPath)).toString();
    }

    @Test
    void fastWriterLosesAndReordersNothing() throws Exception {
        // Hundreds of rotations while the compression thread works; enough files kept that nothing is rotated out.
        int n = 30_000;
        int maxFiles = 400;
        K8sFileOptions o = K8sFileOptions.of(logPath).withSizeMax(8192).withRotate(true, maxFiles).withCompress(true);
        try (K8sFileLog log = new K8sFileLog(o, CLOCK, warnings)) {
            StringBuilder chunk = new StringBuilder();
            for (int i = 0; i < n; i++) {
                chunk.append('r').append(i).append(' ').append("abcdefghij", 0, i % 11).append('\n');
                if (chunk.length() > 7000 || i == n - 1) { // one read of container output
                    write(log, LogStream.STDOUT, chunk.toString());
                    chunk.setLength(0);
                }
            }
        }
        TreeSet<String> names = files(logDir);
        assertTrue(names.size() > 100, names.size() + " files");
        assertTrue(names.stream().noneMatch(s -> s.endsWith(".tmp") || s.matches("ctr\\.log\\.\\d+")), names.toString());
        List<Integer> got = records(everything(maxFiles));
        assertEquals(n, got.size());
        for (int i = 0; i < n; i++) {
            assertEquals(i, got.get(i));
        }
        assertEquals(List.of(), warnings.list);
    }

    @Test
    void fastWriterWithFewFilesKeepsTheNewestInOrderAndNeverTooMany() throws Exception {
        int n = 20_000;
        K8sFileOptions o = K8sFileOptions.of(logPath).withSizeMax(2048).withRotate(true, 3).withCompress(true);
        int maxNumbers = 0;
        try (K8sFileLog log = new K8sFileLog(o, CLOCK, warnings)) {
            for (int i = 0; i < n; i += 10) {
                StringBuilder chunk = new StringBuilder();
                for (int k = i; k < i + 10; k++) {
                    chunk.append('r').append(k).append(" x\n");
                }
                write(log, LogStream.STDOUT, chunk.toString());
                if (i % 500 == 0) {
                    TreeSet<String> numbers = new TreeSet<>();
                    for (String s : files(logDir)) {
                        Matcher m = Pattern.compile("ctr\\.log\\.(\\d+)(\\.gz)?").matcher(s);
                        if (m.matches()) {
                            numbers.add(m.group(1));
                        }
                    }
                    maxNumbers = Math.max(maxNumbers, numbers.size());
                    assertTrue(numbers.size() <= 3, numbers.toString());
                }
            }
        }
        assertEquals(3, maxNumbers);
        assertEquals(new TreeSet<>(List.of("ctr.log", "ctr.log.1.gz", "ctr.log.2.gz", "ctr.log.3.gz")), files(logDir));
        List<Integer> got = records(everything(3));
        assertEquals(n - 1, got.get(got.size() - 1));
        for (int i = 1; i < got.size(); i++) {
            assertEquals(got.get(i - 1) + 1, got.get(i));
        }
        assertEquals(List.of(), warnings.list);
    }

    @Test
    void compressFalseIsConmonsRotation() throws Exception {
        try (K8sFileLog log = open(logPath, 3, false)) {
            assertNull(log.compressor());
            for (int i = 1; i <= 6; i++) {
                write(log, LogStream.STDOUT, "l" + i + "\n");
            }
        }
        assertEquals(new TreeSet<>(List.of("ctr.log", "ctr.log.1", "ctr.log.2", "ctr.log.3")), files(logDir));
        assertEquals(out("l5"), read(sibling(".1")));
        assertEquals(out("l3"), read(sibling(".3")));
        assertEquals(K8sFileOptions.of(logPath), new K8sFileOptions(logPath, -1, -1, false, 1, List.of(), false));
    }

    @Test
    void compressWithoutRotationDoesNothing() throws Exception {
        // -l k8s-file path semantics: truncation mode stays truncation, no thread
        K8sFileOptions o = K8sFileOptions.of(logPath).withSizeMax(50).withCompress(true);
        try (K8sFileLog log = new K8sFileLog(o, CLOCK, warnings)) {
            assertNull(log.compressor());
            write(log, LogStream.STDOUT, "l1\n");
            write(log, LogStream.STDOUT, "l2\n");
        }
        assertEquals(new TreeSet<>(List.of("ctr.log")), files(logDir));
        assertEquals(out("l2"), read(logPath));
    }

    @Test
    void providerOption() throws Exception {
        K8sFileProvider p = new K8sFileProvider();
        Map<String, String> opts = Map.of("path", logPath.toString(), "max-size", "4k", "max-file", "2", "compress", "true");
        try (LogDriver d = p.open(META, opts, warnings)) {
            K8sFileLog k8s = assertInstanceOf(K8sFileLog.class, d);
            assertTrue(k8s.options().compress());
            assertNotNull(k8s.compressor());
        }
        try (LogDriver d = p.open(META, Map.of("path", logPath.toString(), "max-file", "2"),
                warnings)) {
            assertEquals(false, ((K8sFileLog) d).options().compress());
        }
        try (LogDriver d = p.open(META, Map.of("path", logPath.toString(), "max-file", "2",
                "compress", "0"), warnings)) {
            assertNull(((K8sFileLog) d).compressor());
        }
        try (LogDriver d = p.open(META, Map.of("path", logPath.toString(), "max-file", "100",
                "compress", "true"), warnings)) {
            assertNotNull(((K8sFileLog) d).compressor()); // no array sized by max-file
        }
        assertEquals("option compress: 'yes' is not a boolean (true or false; also 1, t, TRUE, 0, f, FALSE)",
                assertThrows(LogDriverException.class, () -> p.open(META,
                        Map.of("path", "/x", "max-file", "2", "compress", "yes"), warnings)).getMessage());
        assertEquals("option compress: true needs max-file (only rotated files are compressed)",
                assertThrows(LogDriverException.class, () -> p.open(META,
                        Map.of("path", "/x", "compress", "true"), warnings)).getMessage());
    }
}
