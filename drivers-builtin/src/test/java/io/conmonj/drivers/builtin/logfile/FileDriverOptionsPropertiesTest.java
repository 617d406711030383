package io.conmonj.drivers.builtin.logfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.conmonj.drivers.builtin.jsonfile.JsonFileProvider;
import io.conmonj.drivers.builtin.k8sfile.K8sFileProvider;
import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogDriverException;
import io.conmonj.plugin.property.ForAll;
import io.conmonj.plugin.property.Gen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * k8s-file's and json-file's options, as an annotation may give them, opened confined to a directory: any map of up
 * to 4 options (mostly the drivers' keys, values anything up to 4 KiB, or near-valid sizes, counts and paths) gives a
 * driver or a {@link LogDriverException} whose message is one printable line of bounded length, and nothing is
 * created outside the directory. The parsing is linear in the input and a try is an open or a refusal; the stated
 * bound, {@link #BOUND} per try, catches a loop or a blocked open (a loaded machine is allowed for), it does not
 * measure speed.
 */
class FileDriverOptionsPropertiesTest {
    static final ContainerMetadata META = new ContainerMetadata("0123456789abcdef0123", "web", null, Map.of(),
            Map.of(), null);
    static final Duration BOUND = Duration.ofSeconds(2);
    static final int MAX_MESSAGE = 2 * LogDirectory.MAX_PATH_BYTES + 512;

    @TempDir
    Path root;
    Path base;
    Path outside;

    @BeforeEach
    void dirs() throws IOException {
        base = Files.createDirectories(root.resolve("userdata"));
        Files.createDirectory(base.resolve("sub"));
        outside = Files.createDirectory(root.resolve("outside"));
        Files.createSymbolicLink(base.resolve("link"), outside);
    }

    static Gen<Map<String, String>> options() {
        List<String> keys = List.of("path", "max-size", "max-file", "global-max-size", "compress", "labels", "env",
                "tag");
        Gen<String> key = Gen.oneOf(Gen.of(keys), Gen.of(keys), Gen.strings(80));
        Gen<String> value = Gen.oneOf(Gen.strings(4096),
                Gen.of("x.log", "sub/x.log", "../x.log", "/etc/passwd", "link/x.log", "link", "sub", "a//b",
                        "4k", "4096", "1g", "2147483647", "101", "0", "-1", "true", "1.5m", "99999999999999999999p"),
                Gen.strings("0123456789./kmgtpib -\n\0", 40));
        return Gen.maps(key, value, 4);
    }

    @Test
    void k8sFileOptions() {
        ForAll.of(options()).tries(500).within(BOUND).check(o -> check(new K8sFileProvider(), o));
    }

    @Test
    void jsonFileOptions() {
        ForAll.of(options()).tries(500).within(BOUND).check(o -> check(new JsonFileProvider(), o));
    }

    private void check(ConfinedFileProvider p, Map<String, String> options) throws IOException {
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
