package io.conmonj.drivers.builtin.logfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.conmonj.drivers.builtin.jsonfile.JsonFileProvider;
import io.conmonj.drivers.builtin.k8sfile.K8sFileProvider;
import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogDriverException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * k8s-file's and json-file's options, as an annotation may give them, opened confined to a directory: any map of up
 * to 4 options (mostly the drivers' keys, values anything up to 4 KiB, or near-valid sizes, counts and paths) gives a
 * driver or a {@link LogDriverException} whose message is one printable line of bounded length, and nothing is
 * created outside the directory. The parsing is linear in the input; a try is an open or a refusal, milliseconds.
 */
class FileDriverOptionsPropertiesTest {
    static final ContainerMetadata META = new ContainerMetadata("0123456789abcdef0123", "web", null, Map.of(),
            Map.of(), null);
    static final int MAX_MESSAGE = 2 * LogDirectory.MAX_PATH_BYTES + 512;
    static Path root;
    static Path base;
    static Path outside;

    @BeforeContainer
    static void dirs() throws IOException {
        root = Files.createTempDirectory("conmonj-options-");
        base = Files.createDirectories(root.resolve("userdata/sub"));
        base = root.resolve("userdata");
        outside = Files.createDirectory(root.resolve("outside"));
        Files.createSymbolicLink(base.resolve("link"), outside);
    }

    @AfterContainer
    static void clean() throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Provide
    Arbitrary<Map<String, String>> options() {
        List<String> keys = List.of("path", "max-size", "max-file", "global-max-size", "compress", "labels", "env",
                "tag");
        Arbitrary<String> key = Arbitraries.oneOf(Arbitraries.of(keys), Arbitraries.of(keys),
                Arbitraries.strings().ofMaxLength(80));
        Arbitrary<String> value = Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(4096),
                Arbitraries.of("x.log", "sub/x.log", "../x.log", "/etc/passwd", "link/x.log", "link", "sub", "a//b",
                        "4k", "4096", "1g", "2147483647", "101", "0", "-1", "true", "1.5m", "99999999999999999999p"),
                Arbitraries.strings().withChars("0123456789./kmgtpib -\n\0").ofMaxLength(40));
        return Arbitraries.maps(key, value).ofMaxSize(4);
    }

    @Property(tries = 500)
    void k8sFileOptions(@ForAll("options") Map<String, String> options) throws IOException {
        check(new K8sFileProvider(), options);
    }

    @Property(tries = 500)
    void jsonFileOptions(@ForAll("options") Map<String, String> options) throws IOException {
        check(new JsonFileProvider(), options);
    }

    private static void check(ConfinedFileProvider p, Map<String, String> options) throws IOException {
        try (LogDriver d = p.openConfined(META, options, base, m -> { })) {
            assertTrue(d != null);
        } catch (LogDriverException e) {
            String m = e.getMessage();
            assertTrue(m.length() <= MAX_MESSAGE, m);
            assertTrue(m.chars().noneMatch(c -> c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029), m);
            assertTrue(m.startsWith("option ") || m.startsWith("Failed to open log file ")
                    || m.startsWith("cannot open "), m);
        } catch (RuntimeException e) {
            fail("not the documented error: " + e);
        }
        try (Stream<Path> s = Files.list(outside)) {
            assertEquals(List.of(), s.toList(), "nothing created outside the directory");
        }
    }
}
