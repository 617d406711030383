package io.conmonj.pluginc;

import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogRecord;
import io.conmonj.plugin.LogStream;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every case of {@link CPluginProviderTest} with isolation=in-process, and the in-process write path (JNA direct mapping through libconmonj-plugin-call.so). */
class InProcessCPluginProviderTest extends CPluginProviderTest {

    @Override
    List<String> isolation() {
        return List.of("isolation=in-process");
    }

    @Test
    void inProcessIsTheJnaDriver() throws Exception {
        try (LogDriver d = open(so("file-plugin"), "path=" + tmp.resolve("out"))) {
            assertInstanceOf(CPluginDriver.class, d);
        }
    }

    // --- the write path: one direct-mapped call per record (PluginCalls) --------------------

    @Test
    void writeStatusesAndRecordFields() throws Exception {
        Path calls = tmp.resolve("calls");
        LogDriver d = open(so("scripted"), "calls=" + calls, "write-retry=1", "write-fatal-at=3");
        d.write(rec(LogStream.STDERR, 42, "abc", true)); // RETRY once, then OK
        IOException e = assertThrows(IOException.class, () -> d.write(rec(LogStream.STDOUT, 43, "x\n", false)));
        assertEquals("log plugin " + so("scripted") + ": write: disk on fire", e.getMessage());
        d.close();
        assertEquals(List.of("write 1 size=40 stream=2 flags=1 ts=42 len=3", "write 2 size=40 stream=2 flags=1 ts=42 len=3",
                "write 3 size=40 stream=1 flags=0 ts=43 len=2", "close"),
                calls(calls).stream().filter(l -> l.startsWith("write") || l.equals("close")).toList());
    }

    @Test
    void manyRecordsOfEveryShapeArriveByteForByte() throws Exception {
        Path out = tmp.resolve("out.log");
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (LogDriver d = open(so("file-plugin"), "path=" + out)) {
            for (int i = 0; i < 20_000; i++) {
                byte[] b = ("line " + i + " \u0000\u00ff" + "y".repeat(i % 97) + "\n").getBytes(StandardCharsets.UTF_8);
                LogStream stream = i % 3 == 0 ? LogStream.STDERR : LogStream.STDOUT;
                d.write(new LogRecord(stream, i, b, 0, b.length, i % 2 == 0));
                expected.writeBytes(frame(stream == LogStream.STDERR ? "stderr" : "stdout", i, i % 2 == 0, b));
                if (i % 64 == 63) {
                    d.flush();
                }
            }
        }
        assertTrue(java.util.Arrays.equals(expected.toByteArray(), Files.readAllBytes(out)),
                "file-plugin output differs from the records");
    }
}
