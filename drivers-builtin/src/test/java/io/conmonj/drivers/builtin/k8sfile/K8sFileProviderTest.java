package io.conmonj.drivers.builtin.k8sfile;



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

class K8sFileProviderTest {
    static final ContainerMetadata META = new ContainerMetadata("0123456789abcdef", "web", null, Map.of(), Map.of(), null);

    @TempDir
    Path dir;
    final List<String> warnings = new ArrayList<>();

    @Test
    void k8sFileOptions() throws Exception {
        Path log = dir.resolve("a.log");
        try (LogDriver d = new K8sFileProvider().open(META, Map.of("path", log.toString(), "max-size", "1k",
                "max-file", "2", "global-max-size", "1m"), warnings::add)) {
            K8sFileLog k8s = assertInstanceOf(K8sFileLog.class, d);
            assertEquals(1024, k8s.options().sizeMax());
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
        assertEquals("log driver k8s-file: option path is required",
                assertThrows(LogDriverException.class, () -> p.open(META, Map.of(), warnings::add)).getMessage());
        assertEquals("log driver k8s-file: option max-size=big is not a positive size (e.g. 4096, 512k, 10m)",
                assertThrows(LogDriverException.class, () -> p.open(META, Map.of("path", "/x", "max-size", "big"),
                        warnings::add)).getMessage());
        assertEquals("log driver k8s-file: option max-file=0 is not a positive number",
                assertThrows(LogDriverException.class, () -> p.open(META, Map.of("path", "/x", "max-file", "0"),
                        warnings::add)).getMessage());
    }
}
