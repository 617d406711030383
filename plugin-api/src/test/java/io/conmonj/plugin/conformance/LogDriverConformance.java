package io.conmonj.plugin.conformance;

import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogRecord;
import io.conmonj.plugin.LogStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The conformance suite every {@link LogDriver} should pass: what the host relies on, checked against the driver's
 * real destination. Docker's {@code daemon/logger/loggertest} is the model. Extend it in a test of your driver's
 * module (plugin-api's test jar, class {@code io.conmonj.plugin.conformance.LogDriverConformance}), implement
 * {@link #open} (a driver writing to a destination you read back) and {@link #received} (what the destination got,
 * as lines), and JUnit runs every case below. plugin-api/README.md explains it for driver authors.
 *
 * <p>What is checked, as the host calls a driver (one thread at a time, records of one read then {@code flush()}):
 * <ul>
 *   <li><b>order</b>: lines of both streams arrive in the order written, across flushes;</li>
 *   <li><b>ownership</b>: the record's bytes are the host's buffer, overwritten after {@code write} returns; a
 *       driver that keeps them must copy them;</li>
 *   <li><b>partial records</b>: a line split over several records (with a line of the other stream in between)
 *       arrives as one line; an unterminated last line arrives when the driver closes;</li>
 *   <li><b>flush and close</b>: {@code sync()} delivers what was written; {@code close()} delivers what was not
 *       flushed; a second {@code close()} does nothing (and throws nothing);</li>
 *   <li><b>reopen</b>: {@code reopen()} between reads loses and repeats nothing;</li>
 *   <li><b>containerExited</b>: returns at once, from another thread, also twice; the output that follows (the
 *       drained rest) is still delivered while the destination is there.</li>
 * </ul>
 * Lines are printable ASCII, shorter than 1 KiB and never empty, so that every format (GELF drops empty lines,
 * Docker splits at 16 KiB) carries them unchanged. Each case gets a new container id ({@link #container()}); a
 * destination shared between cases may tell them apart by it.
 */
public abstract class LogDriverConformance {
    /** How long {@link #received} may wait for the lines a case expects. */
    protected static final long RECEIVE_MILLIS = 10_000;
    /** How long {@code containerExited()} may take: it is called on the monitor's event loop and must not block. */
    protected static final long EXITED_MILLIS = 1_000;

    /** One line as the destination holds it: the stream and the text without its newline. */
    public record Line(LogStream stream, String text) {
        public static Line out(String text) {
            return new Line(LogStream.STDOUT, text);
        }

        public static Line err(String text) {
            return new Line(LogStream.STDERR, text);
        }
    }

    /** Warnings the driver gave through the host's consumer, for the driver's own checks. */
    protected final List<String> warnings = new CopyOnWriteArrayList<>();
    private final List<LogDriver> opened = new ArrayList<>();
    private ContainerMetadata container;

    /**
     * Opens the driver under test for {@code container}, writing to a destination that {@link #received} reads.
     * Called once per case.
     */
    protected abstract LogDriver open(ContainerMetadata container, Consumer<String> warnings) throws Exception;

    /**
     * The lines the destination has received for {@code container} so far, in order, once there are at least
     * {@code atLeast} (wait up to {@link #RECEIVE_MILLIS}, then return what there is). Pieces of a line that the
     * format sends separately (partial records: fluentd's {@code partial_*}, json-file's unterminated {@code log},
     * k8s-file's {@code P}) are joined per stream into one line, as a reader of the format would.
     */
    protected abstract List<Line> received(ContainerMetadata container, int atLeast) throws Exception;

    /** A container with a new id for each case; name {@code conformance}, no tag, labels or env. */
    protected ContainerMetadata container() {
        if (container == null) {
            byte[] id = new byte[32];
            ThreadLocalRandom.current().nextBytes(id);
            container = new ContainerMetadata(HexFormat.of().formatHex(id), "conformance", null, Map.of(), Map.of(),
                    null);
        }
        return container;
    }

    private LogDriver driver() throws Exception {
        LogDriver d = open(container(), warnings::add);
        opened.add(d);
        return d;
    }

    @AfterEach
    void closeWhatACaseLeftOpen() throws Exception {
        for (LogDriver d : opened) {
            d.close(); // idempotent by contract
        }
    }

    // ------------------------------------------------------------------ the cases

    @Test
    public void linesArriveInOrderAcrossFlushes() throws Exception {
        LogDriver d = driver();
        List<Line> expected = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            Line l = i % 3 == 2 ? Line.err("line " + i + " of stderr") : Line.out("line " + i + " of stdout");
            expected.add(l);
            write(d, l.stream(), l.text() + "\n", false);
            if (i % 7 == 6) {
                d.flush();
            }
        }
        d.flush();
        d.close();
        assertEquals(expected, received(container(), expected.size()));
    }

    @Test
    public void recordBytesAreCopiedNotKept() throws Exception {
        LogDriver d = driver();
        byte[] buffer = new byte[256]; // the host's read buffer, reused for every read
        List<Line> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String text = "owned " + i + " " + "abcdefghij".substring(0, i % 10);
            expected.add(Line.out(text));
            byte[] b = (text + "\n").getBytes(StandardCharsets.US_ASCII);
            Arrays.fill(buffer, (byte) '#');
            System.arraycopy(b, 0, buffer, 3, b.length);
            d.write(new LogRecord(LogStream.STDOUT, now(), buffer, 3, b.length, false));
            Arrays.fill(buffer, (byte) 'X'); // what the next read does to the buffer
            if (i % 5 == 4) {
                d.flush();
                Arrays.fill(buffer, (byte) 'Y');
            }
        }
        d.close();
        Arrays.fill(buffer, (byte) 'Z');
        assertEquals(expected, received(container(), expected.size()), "the driver kept the host's buffer");
    }

    @Test
    public void partialRecordsMakeOneLine() throws Exception {
        LogDriver d = driver();
        write(d, LogStream.STDOUT, "hel", true);
        d.flush();
        write(d, LogStream.STDERR, "an error in between\n", false);
        write(d, LogStream.STDOUT, "lo wor", true);
        d.flush();
        write(d, LogStream.STDOUT, "ld\n", false);
        write(d, LogStream.STDOUT, "next\n", false);
        d.flush();
        d.close();
        List<Line> got = received(container(), 3);
        assertEquals(List.of(Line.out("hello world"), Line.out("next")), only(got, LogStream.STDOUT));
        assertEquals(List.of(Line.err("an error in between")), only(got, LogStream.STDERR));
    }

    @Test
    public void anUnterminatedLastLineArrivesAtClose() throws Exception {
        LogDriver d = driver();
        write(d, LogStream.STDOUT, "complete\n", false);
        write(d, LogStream.STDOUT, "no newline at the end", true);
        d.flush();
        d.close();
        assertEquals(List.of(Line.out("complete"), Line.out("no newline at the end")), received(container(), 2));
    }

    @Test
    public void closeDeliversWhatWasNotFlushedAndASecondCloseDoesNothing() throws Exception {
        LogDriver d = driver();
        List<Line> expected = List.of(Line.out("not flushed 1"), Line.err("not flushed 2"), Line.out("not flushed 3"));
        for (Line l : expected) {
            write(d, l.stream(), l.text() + "\n", false);
        }
        d.close();
        d.close();
        assertEquals(expected, received(container(), expected.size()));
        assertEquals(expected, received(container(), expected.size()), "nothing more after the second close");
    }

    @Test
    public void syncDeliversBeforeClose() throws Exception {
        LogDriver d = driver();
        write(d, LogStream.STDOUT, "synced a\n", false);
        write(d, LogStream.STDERR, "synced b\n", false);
        d.sync();
        assertEquals(List.of(Line.out("synced a"), Line.err("synced b")), received(container(), 2),
                "sync() comes before the exit files: what was written must be delivered by then");
        d.close();
    }

    @Test
    public void reopenLosesAndRepeatsNothing() throws Exception {
        LogDriver d = driver();
        List<Line> expected = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Line l = Line.out("around reopen " + i);
            expected.add(l);
            write(d, l.stream(), l.text() + "\n", false);
            d.flush();
            if (i % 4 == 3) {
                d.reopen();
            }
        }
        d.close();
        assertEquals(expected, received(container(), expected.size()));
    }

    @Test
    public void containerExitedReturnsAtOnceAndTheRestIsStillDelivered() throws Exception {
        LogDriver d = driver();
        write(d, LogStream.STDOUT, "before the exit\n", false);
        d.flush();
        for (int i = 0; i < 2; i++) { // the monitor may give the notice twice
            long start = System.nanoTime();
            CompletableFuture.runAsync(d::containerExited).get(EXITED_MILLIS * 5, TimeUnit.MILLISECONDS);
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(took <= EXITED_MILLIS, "containerExited() took " + took + " ms on the event loop");
        }
        write(d, LogStream.STDERR, "drained after the exit\n", false);
        d.flush();
        d.sync();
        d.close();
        assertEquals(List.of(Line.out("before the exit"), Line.err("drained after the exit")), received(container(), 2));
    }

    // ------------------------------------------------------------------ helpers

    /** Writes {@code text} as one record from a fresh buffer with bytes around it (offset 2). */
    protected static void write(LogDriver d, LogStream stream, String text, boolean partial) throws Exception {
        byte[] b = ("<<" + text + ">>").getBytes(StandardCharsets.UTF_8);
        d.write(new LogRecord(stream, now(), b, 2, b.length - 4, partial));
    }

    protected static long now() {
        java.time.Instant i = java.time.Instant.now();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    private static List<Line> only(List<Line> lines, LogStream s) {
        return lines.stream().filter(l -> l.stream() == s).toList();
    }
}
