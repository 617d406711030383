package io.conmonj.drivers.builtin.jsonfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogDriverException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
        assertEquals(4500, JsonFileProvider.parseSize("4.5k"));
        assertEquals(10_000_000, JsonFileProvider.parseSize("10MiB"));
        assertEquals(5000, JsonFileProvider.parseSize("5 kb"));
        assertEquals(2_000_000_000, JsonFileProvider.parseSize("2G"));
        assertEquals(4096, JsonFileProvider.parseSize("4096"));
        assertEquals(4096, JsonFileProvider.parseSize("4096.9"));
        assertEquals(4000, JsonFileProvider.parseSize("4k"));
        assertEquals(1_000_000_000_000L, JsonFileProvider.parseSize("1t"));
        for (String bad : List.of("0", "0.5", "big", "1.2.3", "-1", "10x", "", "k", "99999999999p", "3999", "1k",
                "1.1t", "2p", "9".repeat(65))) {
            assertThrows(LogDriverException.class, () -> JsonFileProvider.parseSize(bad), bad);
        }
    }

    @Test
    void jsonFileMistakes() {
        JsonFileProvider p = new JsonFileProvider();
        String x = dir.resolve("x.json").toString();
        Map<String, String> bad = new java.util.LinkedHashMap<>();
        bad.put("option path: required", "");
        bad.put("option labels-regex: unknown (known: path, max-size, max-file, compress, labels, env, tag)",
                "labels-regex=a.*");
        bad.put("option max-size: 'big' is not a size (such as 500k, 10m, 1g; 1000-based as in Docker)", "max-size=big");
        bad.put("option max-size: '1k' is below the minimum 4000 bytes (4k)", "max-size=1k");
        bad.put("option max-size: '2t' is above the maximum 1099511627776 bytes", "max-size=2t");
        bad.put("option max-file: '0' is below the minimum 1", "max-file=0");
        bad.put("option max-file: '101' is above the maximum 100", "max-file=101");
        bad.put("option max-file: '2147483647' is above the maximum 100", "max-file=2147483647");
        bad.put("option max-file: '99999999999999999999' is not an integer (1 to 100)", "max-file=99999999999999999999");
        bad.put("option compress: 'yes' is not a boolean (true or false; also 1, t, TRUE, 0, f, FALSE)", "compress=yes");
        bad.put("option compress: true needs max-size and max-file of at least 2 (only rotated files are compressed)",
                "compress=true,max-size=1m");
        for (Map.Entry<String, String> e : bad.entrySet()) {
            Map<String, String> opts = new java.util.HashMap<>(Map.of("path", x));
            if (e.getValue().isEmpty()) {
                opts.clear();
            } else {
                for (String kv : e.getValue().split(",")) {
                    opts.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
                }
            }
            assertEquals(e.getKey(), assertThrows(LogDriverException.class, () -> p.open(META, opts,
                    warnings::add)).getMessage());
        }
        assertEquals("cannot open " + dir + "/no/such/x.json: No such file or directory",
                assertThrows(LogDriverException.class, () -> p.open(META, Map.of("path", dir + "/no/such/x.json"),
                        warnings::add)).getMessage());
        assertFalse(Files.exists(dir.resolve("x.json")), "nothing created by refused options");
    }
}
