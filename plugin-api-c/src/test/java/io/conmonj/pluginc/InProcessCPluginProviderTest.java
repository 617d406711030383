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

/** Every case of {@link CPluginProviderTest} with isolation=in-process, and the in-process write path (JNA, then java.lang.foreign). */
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

    // --- write through java.lang.foreign --------------------------------------------------

    @Test
    void ffmWriteStatusesAndRecordFields() throws Exception {
        Path calls = tmp.resolve("calls");
        LogDriver d = openWithFfmAfter(0, so("scripted"), "calls=" + calls, "write-retry=1", "write-fatal-at=3");
        assertTrue(((CPluginDriver) d).writesThroughFfm());
        d.write(rec(LogStream.STDERR, 42, "abc", true)); // RETRY once, then OK
        IOException e = assertThrows(IOException.class, () -> d.write(rec(LogStream.STDOUT, 43, "x\n", false)));
        assertEquals("log plugin " + so("scripted") + ": write: disk on fire", e.getMessage());
        d.close();
        assertEquals(List.of("write 1 size=40 stream=2 flags=1 ts=42 len=3", "write 2 size=40 stream=2 flags=1 ts=42 len=3",
                "write 3 size=40 stream=1 flags=0 ts=43 len=2", "close"),
                calls(calls).stream().filter(l -> l.startsWith("write") || l.equals("close")).toList());
    }

    @Test
    void neverThroughFfmWhenNegative() throws Exception {
        try (LogDriver d = openWithFfmAfter(-1, so("file-plugin"), "path=" + tmp.resolve("out"))) {
            for (int i = 0; i < 100; i++) {
                d.write(rec(LogStream.STDOUT, i, "x\n", false));
            }
            assertTrue(!((CPluginDriver) d).writesThroughFfm());
        }
    }

    @Test
    void switchesFromJnaToFfmMidStreamWithoutLosingBytes() throws Exception {
        Path out = tmp.resolve("out.log");
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (LogDriver d = openWithFfmAfter(3, so("file-plugin"), "path=" + out)) {
            CPluginDriver driver = (CPluginDriver) d;
            long deadline = System.nanoTime() + 30_000_000_000L;
            int i = 0;
            while (!driver.writesThroughFfm()) {
                assertTrue(System.nanoTime() < deadline, "the downcall handle was never made");
                byte[] b = ("line " + i + " \u0000\u00ff\n").getBytes(StandardCharsets.UTF_8);
                d.write(new LogRecord(LogStream.STDOUT, i, b, 0, b.length, i % 2 == 0));
                expected.writeBytes(frame("stdout", i, i % 2 == 0, b));
                i++;
                if (i > 3) {
                    Thread.sleep(5);
                }
            }
            for (int j = 0; j < 3; j++, i++) {
                byte[] b = ("after " + i + "\n").getBytes(StandardCharsets.UTF_8);
                d.write(new LogRecord(LogStream.STDERR, i, b, 0, b.length, false));
                expected.writeBytes(frame("stderr", i, false, b));
            }
        }
        assertTrue(java.util.Arrays.equals(expected.toByteArray(), Files.readAllBytes(out)),
                "file-plugin output differs from the records");
    }

}
