package io.conmonj.host.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11: conmon-logs on a log holding one 32 MiB line ran out of memory and printed nothing, so a container
 * could hide its whole log from it. The reader now streams lines; these cases run it as its own JVM with a heap
 * far smaller than the line (-Xmx24m), reading a FIFO fed on the fly, and check every byte that comes out.
 */
class LongLineReaderTest {
    private static final String PREFIX = "2026-01-01T00:00:00.000000000+00:00 ";
    private static final int CHUNK = 8192;

    @TempDir
    Path dir;

    /** Byte {@code i} of the generated line. */
    private static byte at(long i) {
        return (byte) ('a' + (int) (i % 26));
    }

    /** A writer of the log into a FIFO: the line as P records of {@code record} bytes, or one F record of all. */
    private static Thread feeder(Path fifo, long lineBytes, int record, boolean physical, String after) {
        Thread t = new Thread(() -> {
            try (OutputStream out = Files.newOutputStream(fifo)) {
                byte[] buf = new byte[CHUNK];
                long i = 0;
                if (physical) out.write((PREFIX + "stdout F ").getBytes(StandardCharsets.US_ASCII));
                while (i < lineBytes) {
                    int n = (int) Math.min(physical ? CHUNK : record, lineBytes - i);
                    if (!physical) {
                        boolean last = i + n == lineBytes;
                        out.write((PREFIX + "stdout " + (last ? "F " : "P ")).getBytes(StandardCharsets.US_ASCII));
                    }
                    for (int k = 0; k < n; k++) buf[k] = at(i + k);
                    out.write(buf, 0, n);
                    if (!physical) out.write('\n');
                    i += n;
                }
                if (physical) out.write('\n');
                out.write(after.getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }, "feeder");
        t.start();
        return t;
    }

    /** Runs conmon-logs in a small JVM; checks that stdout is the line, then {@code tailText}. */
    private void runSmallJvm(Path fifo, long lineBytes, String tailText, String... options) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx24m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError",
                "-cp", System.getProperty("java.class.path"), LogsCommand.class.getName()));
        cmd.addAll(List.of(options));
        cmd.add(fifo.toString());
        Path errFile = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd).redirectError(errFile.toFile()).start();
        long count = 0;
        long bad = -1;
        byte[] buf = new byte[65536];
        byte[] rest = new byte[0];
        try (InputStream in = p.getInputStream()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int k = 0; k < n; k++, count++) {
                    if (count < lineBytes) {
                        if (bad < 0 && buf[k] != at(count)) bad = count;
                    } else {
                        byte[] more = java.util.Arrays.copyOf(rest, rest.length + 1);
                        more[rest.length] = buf[k];
                        if (rest.length < 4096) rest = more;
                    }
                }
            }
        }
        assertEquals(true, p.waitFor(10, TimeUnit.MINUTES), "conmon-logs did not end");
        assertEquals(0, p.exitValue(), "conmon-logs: " + Files.readString(errFile));
        assertEquals(-1, bad, "first wrong byte");
        assertEquals(lineBytes, Math.min(count, lineBytes), "bytes of the line");
        assertEquals(tailText, new String(rest, StandardCharsets.US_ASCII));
        assertEquals("", Files.readString(errFile));
    }

    private Path fifo() throws Exception {
        Path fifo = dir.resolve("ctr.log");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, mk.waitFor(), "mkfifo");
        return fifo;
    }

    @Test
    void aLineOf32MiBInPartialRecordsStreamsOutInASmallHeap() throws Exception {
        Path fifo = fifo();
        long size = 32L << 20;
        Thread t = feeder(fifo, size, CHUNK, false, PREFIX + "stdout F next\n");
        runSmallJvm(fifo, size, "\nnext\n");
        t.join();
    }

    @Test
    void aOneGiBPhysicalLineStreamsOutInASmallHeap() throws Exception {
        Path fifo = fifo();
        long size = 1L << 30;
        Thread t = feeder(fifo, size, 0, true, PREFIX + "stdout F after\n");
        runSmallJvm(fifo, size, "\nafter\n");
        t.join();
    }

    @Test
    void tailOfALongLineIsSpooledNotHeld() throws Exception {
        Path fifo = fifo();
        long size = 64L << 20;
        Thread t = feeder(fifo, size, CHUNK, false, "");
        runSmallJvm(fifo, size, "\n", "--tail", "1");
        t.join();
    }
}
