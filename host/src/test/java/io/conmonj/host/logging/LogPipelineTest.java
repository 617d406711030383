package io.conmonj.host.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogRecord;
import io.conmonj.plugin.LogStream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class LogPipelineTest {
    private static final long T = 1_796_004_346_309_194_498L;

    /** Remembers every call, with copies of the records. */
    static class Recorder implements LogDriver {
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());
        final List<LogRecord> records = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void write(LogRecord r) throws IOException {
            records.add(new LogRecord(r.stream(), r.timestampNanos(), r.bytes(), 0, r.length(), r.partial()));
            calls.add("write " + r.stream().label() + " " + (r.partial() ? "P " : "F ")
                    + new String(r.data(), r.offset(), r.length(), StandardCharsets.ISO_8859_1));
        }

        @Override
        public void flush() {
            calls.add("flush");
        }

        @Override
        public void reopen() {
            calls.add("reopen");
        }

        @Override
        public void sync() {
            calls.add("sync");
        }

        @Override
        public void containerExited() {
            calls.add("exited");
        }

        @Override
        public void close() {
            calls.add("close");
        }
    }

    private final List<String> warnings = Collections.synchronizedList(new ArrayList<>());

    private LogPipeline pipeline(LogPipeline.Attachment... drivers) {
        return LogPipeline.of(List.of(drivers), () -> T, warnings::add);
    }

    private static void write(ContainerLog log, Stream s, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        log.write(s, b, 0, b.length);
    }

    @Test
    void chunkBecomesOneRecordPerLineAndAPartialTail() throws IOException {
        Recorder r = new Recorder();
        try (LogPipeline p = pipeline(LogPipeline.Attachment.blocking("r", r))) {
            write(p, Stream.STDOUT, "one\ntwo\nthr");
            write(p, Stream.STDERR, "ee\n");
            write(p, Stream.STDOUT, "\n\n");
        }
        assertEquals(List.of("write stdout F one\n", "write stdout F two\n", "write stdout P thr", "flush",
                "write stderr F ee\n", "flush", "write stdout F \n", "write stdout F \n", "flush", "close"), r.calls);
        for (LogRecord rec : r.records) {
            assertEquals(T, rec.timestampNanos());
        }
        assertEquals(LogStream.STDERR, r.records.get(3).stream());
    }

    @Test
    void emptyChunkGivesNothingNotEvenAFlush() throws IOException {
        Recorder r = new Recorder();
        try (LogPipeline p = pipeline(LogPipeline.Attachment.blocking("r", r))) {
            p.write(Stream.STDOUT, new byte[10], 4, 0);
        }
        assertEquals(List.of("close"), r.calls);
    }

    @Test
    void binaryBytesAndOffsetsArePassedVerbatim() throws IOException {
        byte[] payload = {0, (byte) 0xff, (byte) 0xc3, 0x28, '\n', (byte) 0x80, '\r'};
        byte[] buf = new byte[payload.length + 6];
        System.arraycopy(payload, 0, buf, 3, payload.length);
        Recorder r = new Recorder();
        try (LogPipeline p = pipeline(LogPipeline.Attachment.blocking("r", r))) {
            p.write(Stream.STDOUT, buf, 3, payload.length);
        }
        assertEquals(2, r.records.size());
        assertEquals(java.util.Arrays.toString(new byte[] {0, (byte) 0xff, (byte) 0xc3, 0x28, '\n'}),
                java.util.Arrays.toString(r.records.get(0).bytes()));
        assertEquals(java.util.Arrays.toString(new byte[] {(byte) 0x80, '\r'}),
                java.util.Arrays.toString(r.records.get(1).bytes()));
        assertTrue(r.records.get(1).partial());
    }

    @Test
    void longChunksWithManyLinesGrowTheRecordArray() throws IOException {
        Recorder r = new Recorder();
        try (LogPipeline p = pipeline(LogPipeline.Attachment.blocking("r", r))) {
            write(p, Stream.STDOUT, "x\n".repeat(4096));
        }
        assertEquals(4096, r.records.size());
    }

    @Test
    void everyCallReachesEveryDriverInOrder() throws IOException {
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        try (LogPipeline p = pipeline(LogPipeline.Attachment.blocking("a", a), LogPipeline.Attachment.blocking("b", b))) {
            assertEquals(List.of("a", "b"), p.driverNames());
            write(p, Stream.STDERR, "both\n");
            p.sync();
            p.reopen();
        }
        List<String> expected = List.of("write stderr F both\n", "flush", "sync", "reopen", "close");
        assertEquals(expected, a.calls);
        assertEquals(expected, b.calls);
        assertEquals(List.of(), warnings);
    }

    @Test
    void theExitReachesEveryDriverAndOnlySelectedBlockingDriversMayHoldTheLoop() throws IOException {
        Recorder own = new Recorder();
        Recorder selected = new Recorder();
        Recorder buffered = new Recorder();
        try (LogPipeline conmonOnly = pipeline(LogPipeline.Attachment.conmon("k8s-file", own))) {
            assertEquals(false, conmonOnly.mayWaitForDrivers(), "conmon's own log never waits for a collector");
        }
        try (LogPipeline nonBlocking = pipeline(LogPipeline.Attachment.nonBlocking("n", buffered, 1024))) {
            assertEquals(false, nonBlocking.mayWaitForDrivers(), "a non-blocking driver waits on its own thread");
            nonBlocking.containerExited();
        }
        try (LogPipeline p = pipeline(LogPipeline.Attachment.conmon("k8s-file", new Recorder()),
                LogPipeline.Attachment.blocking("s", selected))) {
            assertEquals(true, p.mayWaitForDrivers());
            p.containerExited();
        }
        assertEquals(List.of("exited", "close"), selected.calls);
        assertEquals(List.of("exited", "close"), buffered.calls);
        assertEquals(List.of("close"), own.calls);
        assertEquals(List.of(), warnings);
    }

    @Test
    void noDriversMeansNoLog() throws IOException {
        LogPipeline none = LogPipeline.none();
        assertTrue(none.isEmpty());
        assertSame(none, LogPipeline.of(List.of(), warnings::add));
        write(none, Stream.STDOUT, "nowhere\n");
        none.reopen();
        none.sync();
        none.close();
    }

    /** Fails every write. */
    static final class Failing extends Recorder {
        @Override
        public void write(LogRecord r) throws IOException {
            calls.add("write");
            throw new IOException("connection refused");
        }
    }

    @Test
    void aFailingDriverIsReportedOnceCountedAndDoesNotStopTheOthers() throws IOException {
        Failing bad = new Failing();
        Recorder good = new Recorder();
        LogPipeline p = pipeline(LogPipeline.Attachment.blocking("bad", bad), LogPipeline.Attachment.blocking("good", good));
        write(p, Stream.STDOUT, "1\n2\n");
        write(p, Stream.STDOUT, "3\n");
        write(p, Stream.STDOUT, "4\n");
        assertEquals(1, warnings.size());
        assertEquals("log driver bad: write failed: connection refused (further failures of this driver are counted"
                + " and reported when the container exits)", warnings.get(0));
        p.close();
        assertEquals(4, good.records.size());
        assertEquals(List.of("write", "write", "write", "close"), bad.calls); // still called, rest of a chunk skipped
        assertEquals(new LogPipeline.DriverStats("bad", 3, 0), p.stats().get(0));
        assertEquals(new LogPipeline.DriverStats("good", 0, 0), p.stats().get(1));
        assertEquals(List.of(warnings.get(0), "log driver bad: 3 failures in total"), warnings);
    }

    @Test
    void runtimeExceptionsOfADriverAreContainedToo() throws IOException {
        Recorder good = new Recorder();
        LogDriver broken = new Recorder() {
            @Override
            public void flush() {
                throw new IllegalStateException("bug");
            }
        };
        try (LogPipeline p = pipeline(LogPipeline.Attachment.blocking("broken", broken),
                LogPipeline.Attachment.blocking("good", good))) {
            write(p, Stream.STDOUT, "x\n");
        }
        assertEquals(1, good.records.size());
        assertTrue(warnings.get(0).startsWith("log driver broken: write failed: bug"), warnings.toString());
    }

    @Test
    void conmonsOwnLogStopsTheMonitorButOnlyAfterTheOthersHadTheChunk() throws IOException {
        LogDriver fatal = new Recorder() {
            @Override
            public void write(LogRecord r) throws IOException {
                throw new IOException("Failed to rename log file Permission denied");
            }
        };
        Recorder other = new Recorder();
        LogPipeline p = pipeline(LogPipeline.Attachment.conmon("k8s-file", fatal), LogPipeline.Attachment.blocking("o", other));
        IOException e = assertThrows(IOException.class, () -> write(p, Stream.STDOUT, "x\n"));
        assertEquals("Failed to rename log file Permission denied", e.getMessage());
        assertEquals(1, other.records.size());
        assertEquals(List.of(), warnings);
        p.close();
    }

    /** Sleeps in every write. */
    static final class Slow extends Recorder {
        final long millis;

        Slow(long millis) {
            this.millis = millis;
        }

        @Override
        public void write(LogRecord r) throws IOException {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            super.write(r);
        }
    }

    @Test
    void aSlowBlockingDriverSlowsTheWriter() throws IOException {
        Slow slow = new Slow(40);
        try (LogPipeline p = pipeline(LogPipeline.Attachment.blocking("slow", slow))) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                write(p, Stream.STDOUT, "line " + i + "\n");
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(ms >= 200, "5 writes of a 40 ms driver took only " + ms + " ms");
        }
        assertEquals(5, slow.records.size());
    }

    @Test
    void aSlowNonBlockingDriverDoesNotSlowTheWriterAndDropsAreCountedExactly() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        Recorder stuck = new Recorder() {
            @Override
            public void write(LogRecord r) throws IOException {
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                super.write(r);
            }
        };
        Recorder fast = new Recorder();
        // 100 bytes of buffer, 10-byte records: the one being written plus 9 waiting fit, 11 of 21 are dropped.
        LogPipeline p = pipeline(LogPipeline.Attachment.nonBlocking("stuck", stuck, 100),
                LogPipeline.Attachment.blocking("fast", fast));
        long t0 = System.nanoTime();
        write(p, Stream.STDOUT, "record 00\n");
        assertTrue(entered.await(5, TimeUnit.SECONDS));
        for (int i = 1; i <= 20; i++) {
            write(p, Stream.STDOUT, String.format("record %02d\n", i));
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(ms < 2_000, "the writer waited " + ms + " ms for a stuck non-blocking driver");
        assertEquals(21, fast.records.size());
        assertEquals(11, p.stats().get(0).dropped());
        release.countDown();
        p.close();
        assertEquals(10, stuck.records.size());
        for (int i = 0; i < 10; i++) { // the first ten, in order: never a later record before a dropped one
            assertEquals(String.format("record %02d\n", i), new String(stuck.records.get(i).bytes(), StandardCharsets.US_ASCII));
        }
        assertEquals("close", stuck.calls.get(stuck.calls.size() - 1));
        assertEquals(new LogPipeline.DriverStats("stuck", 0, 11), p.stats().get(0));
        assertEquals(List.of("log driver stuck: 11 records dropped (mode=non-blocking, max-buffer-size=100 bytes)"),
                warnings);
    }

    @Test
    void nonBlockingDriverGetsEverythingWhenItKeepsUpAndIsSyncedBeforeExit() throws IOException {
        Slow slow = new Slow(1);
        LogPipeline p = pipeline(LogPipeline.Attachment.nonBlocking("slow", slow, LogPipeline.DEFAULT_MAX_BUFFER_SIZE));
        for (int i = 0; i < 50; i++) {
            write(p, Stream.STDOUT, "a\nb");
        }
        p.sync();
        assertEquals(100, slow.records.size()); // sync waited for the buffer to drain
        assertTrue(slow.calls.contains("sync"));
        p.close();
        assertEquals(0, p.stats().get(0).dropped());
        assertEquals(List.of(), warnings);
    }

    @Test
    void nonBlockingRecordsAreCopiesNotTheCallersBuffer() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Recorder late = new Recorder() {
            @Override
            public void write(LogRecord r) throws IOException {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                super.write(r);
            }
        };
        LogPipeline p = pipeline(LogPipeline.Attachment.nonBlocking("late", late, 1024));
        byte[] buf = "abc\n".getBytes(StandardCharsets.US_ASCII);
        p.write(Stream.STDOUT, buf, 0, buf.length);
        buf[0] = 'X'; // the monitor reuses its read buffer
        release.countDown();
        p.close();
        assertEquals("abc\n", new String(late.records.get(0).bytes(), StandardCharsets.US_ASCII));
    }
}
