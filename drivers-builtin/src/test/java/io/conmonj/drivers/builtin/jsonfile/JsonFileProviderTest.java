package io.conmonj.drivers.builtin.jsonfile;



import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogDriverException;
import io.conmonj.plugin.LogDriverProvider;
import io.conmonj.plugin.LogRecord;
import io.conmonj.plugin.LogStream;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonFileProviderTest {
    static final ContainerMetadata META = new ContainerMetadata("0123456789abcdef", "web", null, Map.of(), Map.of(), null);

    @TempDir
    Path dir;
    final List<String> warnings = new ArrayList<>();

    @Test
    void jsonFileOptions() throws Exception {
        Path log = dir.resolve("a.json");
        try (LogDriver d = new JsonFileProvider().open(META, Map.of("path", log.toString(), "max-size", "10m",
                "max-file", "3", "compress", "true"), warnings::add)) {
            JsonFileLog j = assertInstanceOf(JsonFileLog.class, d);
            assertEquals(10_000_000, j.options().maxSize());
            assertEquals(3, j.options().maxFiles());
            assertEquals(true, j.options().compress());
        }
        assertEquals(1500, JsonFileProvider.parseSize("1.5k"));
        assertEquals(10_000_000, JsonFileProvider.parseSize("10MiB"));
        assertEquals(1000, JsonFileProvider.parseSize("1 kb"));
        assertEquals(2_000_000_000, JsonFileProvider.parseSize("2G"));
        assertEquals(4096, JsonFileProvider.parseSize("4096"));
        assertEquals(1, JsonFileProvider.parseSize("1.9"));
        for (String bad : List.of("0", "0.5", "big", "1.2.3", "-1", "10x", "", "k", "99999999999p")) {
            assertThrows(LogDriverException.class, () -> JsonFileProvider.parseSize(bad), bad);
        }
        assertEquals(true, JsonFileProvider.parseBool("T"));
        assertEquals(false, JsonFileProvider.parseBool("0"));
    }

    @Test
    void jsonFileMistakes() {
        JsonFileProvider p = new JsonFileProvider();
        String x = dir.resolve("x.json").toString();
        assertEquals("log driver json-file: option path is required",
                assertThrows(LogDriverException.class, () -> p.open(META, Map.of(), warnings::add)).getMessage());
        assertEquals("log driver json-file: unknown option labels-regex (known: path, max-size, max-file, compress, labels, env, tag)",
                assertThrows(LogDriverException.class, () -> p.open(META, Map.of("path", x, "labels-regex", "a.*"),
                        warnings::add)).getMessage());
        assertEquals("log driver json-file: option max-size=big is not a positive size (e.g. 500k, 10m, 1g; 1000-based as in Docker)",
                assertThrows(LogDriverException.class, () -> p.open(META, Map.of("path", x, "max-size", "big"),
                        warnings::add)).getMessage());
        assertEquals("log driver json-file: option max-file=0 is not a positive number",
                assertThrows(LogDriverException.class, () -> p.open(META, Map.of("path", x, "max-file", "0"),
                        warnings::add)).getMessage());
        assertEquals("log driver json-file: option compress=yes is not a boolean (true or false)",
                assertThrows(LogDriverException.class, () -> p.open(META, Map.of("path", x, "compress", "yes"),
                        warnings::add)).getMessage());
        assertEquals("log driver json-file: option compress=true needs max-size and max-file of at least 2 (only rotated files are compressed)",
                assertThrows(LogDriverException.class, () -> p.open(META, Map.of("path", x, "compress", "true",
                        "max-size", "1m"), warnings::add)).getMessage());
        assertEquals("log driver json-file: cannot open " + dir + "/no/such/x.json: No such file or directory",
                assertThrows(LogDriverException.class, () -> p.open(META, Map.of("path", dir + "/no/such/x.json"),
                        warnings::add)).getMessage());
    }
}
