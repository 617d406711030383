package io.conmonj.drivers.builtin.logfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conmonj.drivers.builtin.jsonfile.JsonFileProvider;
import io.conmonj.drivers.builtin.k8sfile.K8sFileProvider;
import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogDriverException;
import io.conmonj.plugin.LogRecord;
import io.conmonj.plugin.LogStream;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code path} that came from an annotation, opened with {@link ConfinedFileProvider#openConfined}: only relative
 * paths below the container's log directory, no way out through {@code ..} or a symbolic link, nothing created
 * outside.
 */
class ConfinedPathTest {
    static final ContainerMetadata META = new ContainerMetadata("0123456789abcdef0123", "web", null, Map.of(),
            Map.of(), null);

    @TempDir
    Path tmp;
    Path base;
    Path outside;
    final List<String> warnings = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        base = Files.createDirectory(tmp.resolve("userdata"));
        outside = Files.createDirectory(tmp.resolve("outside"));
    }

    static Stream<ConfinedFileProvider> providers() {
        return Stream.of(new K8sFileProvider(), new JsonFileProvider());
    }

    @Test
    void pathsThatLeaveTheDirectoryAreRefused() throws Exception {
        Files.createDirectory(base.resolve("sub"));
        Map<String, String> bad = Map.ofEntries(
                Map.entry("/etc/passwd", "path must be relative to the container's log directory, not absolute"),
                Map.entry("../outside/x.log", "path may not contain '..' components or end with '/'"),
                Map.entry("sub/../../outside/x.log", "path may not contain '..' components or end with '/'"),
                Map.entry("./x.log", "path may not contain '.' components or end with '/'"),
                Map.entry("sub//x.log", "path may not contain '//' components or end with '/'"),
                Map.entry("sub/", "path may not contain '//' components or end with '/'"),
                Map.entry("..", "path may not contain '..' components or end with '/'"),
                Map.entry("x\0.log", "path contains a NUL character"),
                Map.entry("a/".repeat(40) + "x", "path has more than 32 components"),
                Map.entry("x".repeat(300), "file name is longer than 243 bytes"),
                Map.entry("", "path is empty"));
        for (ConfinedFileProvider p : providers().toList()) {
            for (Map.Entry<String, String> e : bad.entrySet()) {
                LogDriverException ex = assertThrows(LogDriverException.class,
                        () -> p.openConfined(META, Map.of("path", e.getKey()), base, warnings::add), e.getKey());
                assertTrue(ex.getMessage().startsWith("option path: "), ex.getMessage());
                assertTrue(ex.getMessage().endsWith(": " + e.getValue()), ex.getMessage());
            }
        }
        assertEmpty(outside);
        try (Stream<Path> s = Files.list(base)) {
            assertEquals(List.of(base.resolve("sub")), s.toList());
        }
        assertEmpty(base.resolve("sub"));
    }

    @Test
    void aSymbolicLinkBelowTheDirectoryDoesNotLeadOut() throws Exception {
        Files.createSymbolicLink(base.resolve("away"), outside);
        Files.createDirectory(base.resolve("real"));
        Files.createSymbolicLink(base.resolve("real/deeper"), outside);
        for (ConfinedFileProvider p : providers().toList()) {
            for (String path : List.of("away/x.log", "real/deeper/x.log")) {
                LogDriverException ex = assertThrows(LogDriverException.class,
                        () -> p.openConfined(META, Map.of("path", path), base, warnings::add), path);
                assertTrue(ex.getMessage().contains("not a directory below " + base
                        + " (a symbolic link or another file is refused)"), ex.getMessage());
            }
            LogDriverException ex = assertThrows(LogDriverException.class,
                    () -> p.openConfined(META, Map.of("path", "away"), base, warnings::add));
            assertTrue(ex.getMessage().contains("Too many levels of symbolic links"), ex.getMessage());
        }
        assertEmpty(outside);
    }

    @Test
    void aRelativePathBelowTheDirectoryWorks() throws Exception {
        Files.createDirectories(base.resolve("a/b"));
        for (ConfinedFileProvider p : providers().toList()) {
            String name = p instanceof K8sFileProvider ? "a/b/k.log" : "a/b/j.json";
            try (LogDriver d = p.openConfined(META, Map.of("path", name, "max-size", "8k", "max-file", "2"), base,
                    warnings::add)) {
                byte[] b = "hello\n".getBytes();
                for (int i = 0; i < 200; i++) { // several rotations, all inside a/b
                    d.write(new LogRecord(LogStream.STDOUT, 1_796_004_346_309_194_498L, b, 0, b.length, false));
                    d.flush();
                }
            }
            assertTrue(Files.readString(base.resolve(name)).contains("hello"), name);
            assertTrue(Files.exists(base.resolve(name + ".1")), name + ".1");
        }
        assertEquals(List.of(), warnings);
        assertEmpty(outside);
    }

    @Test
    void theBaseIsRequired() {
        for (ConfinedFileProvider p : providers().toList()) {
            assertInstanceOf(NullPointerException.class, assertThrows(RuntimeException.class,
                    () -> p.openConfined(META, Map.of("path", "x.log"), null, warnings::add)));
        }
    }

    private static void assertEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(), s.toList(), dir + " is empty");
        }
    }
}
