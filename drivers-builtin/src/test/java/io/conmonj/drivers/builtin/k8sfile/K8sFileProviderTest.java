package io.conmonj.drivers.builtin.k8sfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogDriverException;
import io.conmonj.plugin.LogRecord;
import io.conmonj.plugin.LogStream;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class K8sFileProviderTest {
    static final ContainerMetadata META = new ContainerMetadata("0123456789abcdef", "web", null, Map.of(), Map.of(), null);

    @TempDir
    Path dir;
    final List<String> warnings = new ArrayList<>();

    @Test
    void k8sFileOptions() throws Exception {
        Path log = dir.resolve("a.log");
        try (LogDriver d = new K8sFileProvider().open(META, Map.of("path", log.toString(), "max-size", "4k",
                "max-file", "2", "global-max-size", "1m"), warnings::add)) {
            K8sFileLog k8s = assertInstanceOf(K8sFileLog.class, d);
            assertEquals(4096, k8s.options().sizeMax());
            assertEquals(1L << 20, k8s.options().globalSizeMax());
            assertEquals(true, k8s.options().rotate());
            assertEquals(2, k8s.options().maxFiles());
            byte[] b = "hi\n".getBytes();
            d.write(new LogRecord(LogStream.STDERR, LogTestSupport.T0.getEpochSecond() * 1_000_000_000L, b, 0, 3, false));
        }
        assertEquals(" stderr F hi\n", Files.readString(log).substring(35));
    }

    @Test
    void k8sFileMistakes() {
        K8sFileProvider p = new K8sFileProvider();
        String x = dir.resolve("x.log").toString();
        Map<String, Map<String, String>> bad = new java.util.LinkedHashMap<>();
        bad.put("option path: required", Map.of());
        bad.put("option colour: unknown (known: path, max-size, max-file, global-max-size, compress)",
                Map.of("path", x, "colour", "red"));
        bad.put("option max-size: 'big' is not a size (such as 65536, 512k, 4m, 1g)", Map.of("path", x, "max-size", "big"));
        bad.put("option max-size: '50' is below the minimum 4k", Map.of("path", x, "max-size", "50"));
        bad.put("option max-size: '2048g' is above the maximum 1024g", Map.of("path", x, "max-size", "2048g"));
        bad.put("option global-max-size: '1' is below the minimum 4k", Map.of("path", x, "global-max-size", "1"));
        bad.put("option max-file: '0' is below the minimum 1", Map.of("path", x, "max-file", "0"));
        bad.put("option max-file: '2147483647' is above the maximum 100", Map.of("path", x, "max-file", "2147483647"));
        bad.put("option compress: true needs max-file (only rotated files are compressed)",
                Map.of("path", x, "compress", "true"));
        for (Map.Entry<String, Map<String, String>> e : bad.entrySet()) {
            assertEquals(e.getKey(), assertThrows(LogDriverException.class, () -> p.open(META, e.getValue(),
                    warnings::add)).getMessage());
        }
        assertFalse(Files.exists(dir.resolve("x.log")), "nothing created by refused options");
    }
}
