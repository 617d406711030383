package io.conmonj.host.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conmonj.drivers.builtin.jsonfile.JsonFileProvider;
import io.conmonj.drivers.builtin.k8sfile.K8sFileProvider;
import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogDriverProvider;
import io.conmonj.plugin.LogRecord;
import io.conmonj.plugin.LogStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reader following the real built-in drivers while they rotate (and, for json-file, compress). */
class ReaderWithDriversTest {
    @TempDir
    Path dir;

    @Test
    void followsJsonFileWithCompression() throws Exception {
        Path log = dir.resolve("ctr.json");
        follow(new JsonFileProvider(), log,
                Map.of("path", log.toString(), "max-size", "20k", "max-file", "20", "compress", "true"));
        try (var s = Files.list(dir)) {
            assertTrue(s.anyMatch(p -> p.getFileName().toString().equals("ctr.json.5.gz")));
        }
    }

    @Test
    void followsK8sFileRotation() throws Exception {
        Path log = dir.resolve("ctr.log");
        follow(new K8sFileProvider(), log, Map.of("path", log.toString(), "max-size", "20k", "max-file", "20"));
        assertTrue(Files.exists(dir.resolve("ctr.log.5")));
    }

    private void follow(LogDriverProvider provider, Path log, Map<String, String> options) throws Exception {
        ContainerMetadata meta = new ContainerMetadata("0123456789abcdef0123", "web", null, Map.of(), Map.of(), null);
        List<String> warnings = new ArrayList<>();
        LogDriver driver = provider.open(meta, options, warnings::add);
        int records = 2000;
        StringBuilder expectedOut = new StringBuilder();
        StringBuilder expectedErr = new StringBuilder();
        for (int i = 0; i < records; i++) {
            String line = (i % 7 == 3 ? "rec-" + i + "-tail" : "rec-" + i) + " \u00e9\u0001\t\r\n";
            (i % 5 == 0 ? expectedErr : expectedOut).append(line);
        }
        Thread writer = new Thread(() -> {
            try {
                for (int i = 0; i < records; i++) {
                    LogStream stream = i % 5 == 0 ? LogStream.STDERR : LogStream.STDOUT;
                    long now = System.currentTimeMillis() * 1_000_000L;
                    if (i % 7 == 3) {
                        write(driver, stream, now, "rec-" + i + "-", true);
                        write(driver, stream, now, "tail \u00e9\u0001\t\r\n", false);
                    } else {
                        write(driver, stream, now, "rec-" + i + " \u00e9\u0001\t\r\n", false);
                    }
                    driver.flush();
                    Thread.sleep(1);
                }
                driver.close();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int[] status = new int[1];
        Thread reader = new Thread(() -> status[0] = LogsCommand.run(
                new String[] {"--follow-until-idle", "1500", log.toString()}, out, err, Instant.now()));
        writer.start();
        Thread.sleep(50);
        reader.start();
        writer.join();
        reader.join(60_000);
        assertEquals(List.of(), warnings);
        assertEquals(0, status[0], err.toString(StandardCharsets.UTF_8));
        assertEquals(expectedOut.toString(), out.toString(StandardCharsets.UTF_8));
        assertEquals(expectedErr.toString(), err.toString(StandardCharsets.UTF_8));

        // and read again once everything is written, from the rotated files
        ByteArrayOutputStream out2 = new ByteArrayOutputStream();
        ByteArrayOutputStream err2 = new ByteArrayOutputStream();
        assertEquals(0, LogsCommand.run(new String[] {log.toString()}, out2, err2, Instant.now()));
        assertEquals(expectedOut.toString(), out2.toString(StandardCharsets.UTF_8));
        assertEquals(expectedErr.toString(), err2.toString(StandardCharsets.UTF_8));
    }

    private static void write(LogDriver d, LogStream s, long ts, String text, boolean partial) throws Exception {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        d.write(new LogRecord(s, ts, b, 0, b.length, partial));
    }
}
