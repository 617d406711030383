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
        // room for ten reads of one 10-byte record each (payload plus the per-record and per-read overhead): the one
        // being written plus 9 waiting fit, 11 of 21 are dropped.
        long capacity = 10 * (10 + DriverSlot.RECORD_OVERHEAD + DriverSlot.BATCH_OVERHEAD);
        LogPipeline p = pipeline(LogPipeline.Attachment.nonBlocking("stuck", stuck, capacity),
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
        assertEquals(List.of("log driver stuck: 11 records dropped (mode=non-blocking, max-buffer-size=" + capacity
                + " bytes)"), warnings);
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

    /** A driver that never returns from write until released: the collector stopped reading. */
    private static Recorder stuckDriver(CountDownLatch entered, CountDownLatch release) {
        return new Recorder() {
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
    }

    /**
     * Issue 11: 300k empty lines into a non-blocking driver whose collector stopped reading exhausted a 16 MiB heap,
     * because only payload bytes were counted. Now each waiting record costs its overhead too: what is kept stays
     * within max-buffer-size of heap, the rest is dropped and counted.
     */
    @Test
    void emptyLinesCountTheirOverheadSoAStuckDriverCannotExhaustTheHeap() throws Exception {
        CountDownLatch entered = new CountDownLatch(1), release = new CountDownLatch(1);
        Recorder stuck = stuckDriver(entered, release);
        long capacity = LogPipeline.DEFAULT_MAX_BUFFER_SIZE;
        LogPipeline p = pipeline(LogPipeline.Attachment.nonBlocking("stuck", stuck, capacity));
        byte[] lines = new byte[8192];
        java.util.Arrays.fill(lines, (byte) '\n');
        int reads = 300_000 / lines.length + 1;
        write(p, Stream.STDOUT, "\n");
        assertTrue(entered.await(5, TimeUnit.SECONDS));
        for (int i = 0; i < reads; i++) {
            p.write(Stream.STDOUT, lines, 0, lines.length);
        }
        long total = 1 + (long) reads * lines.length;
        long kept = total - p.stats().get(0).dropped();
        long perRecord = 1 + DriverSlot.RECORD_OVERHEAD;
        assertTrue(kept * perRecord <= capacity, kept + " records kept: more than " + capacity + " bytes of heap");
        assertTrue(kept >= capacity / (perRecord + DriverSlot.BATCH_OVERHEAD) / 2, "only " + kept + " kept");
        release.countDown();
        p.close();
        assertEquals(kept, stuck.records.size());
    }

    @Test
    void maxBufferSizeIsCappedToAShareOfTheHeap() throws IOException {
        Recorder a = new Recorder(), b = new Recorder();
        long heap = 16L << 20;
        LogPipeline p = LogPipeline.of(List.of(LogPipeline.Attachment.nonBlocking("a", a, 1L << 30),
                LogPipeline.Attachment.nonBlocking("b", b, 1L << 20)), () -> T, warnings::add, heap);
        // a quarter of 16 MiB shared by two drivers: 2 MiB each; b's 1 MiB is below that and stays
        assertEquals(List.of("log driver a: max-buffer-size=1073741824 capped to 2097152 bytes (1/4 of the monitor's "
                + "16777216-byte heap, shared by 2 non-blocking driver(s))"), warnings);
        p.close();
    }

    /** A driver whose write throws an Error (a bug, a missing class): reported, marked failed, the others go on. */
    static final class Throwing extends Recorder {
        @Override
        public void write(LogRecord r) throws IOException {
            super.write(r);
            throw new NoClassDefFoundError("com/example/Missing");
        }
    }

    @Test
    void anErrorFromABlockingDriverMarksItFailedAndTheOthersGoOn() throws IOException {
        Throwing bad = new Throwing();
        Recorder good = new Recorder();
        LogPipeline p = pipeline(LogPipeline.Attachment.blocking("bad", bad),
                LogPipeline.Attachment.blocking("good", good));
        write(p, Stream.STDOUT, "one\n");
        write(p, Stream.STDOUT, "two\n");
        p.sync();
        p.containerExited();
        p.close();
        assertEquals(2, good.records.size());
        assertEquals(List.of("write stdout F one\n"), bad.calls); // never called again: no flush, sync, close
        assertEquals(1, p.stats().get(0).errors());
        assertEquals(List.of("log driver bad: write failed: java.lang.NoClassDefFoundError: com/example/Missing;"
                + " the driver is marked failed and gets no more records"), warnings);
    }

    @Test
    void anErrorFromANonBlockingDriverMarksItFailedAndTheOthersGoOn() throws IOException {
        Throwing bad = new Throwing();
        Recorder good = new Recorder();
        LogPipeline p = pipeline(LogPipeline.Attachment.nonBlocking("bad", bad, LogPipeline.DEFAULT_MAX_BUFFER_SIZE),
                LogPipeline.Attachment.blocking("good", good));
        write(p, Stream.STDOUT, "one\n");
        p.sync();
        write(p, Stream.STDOUT, "two\n");
        p.sync();
        p.close();
        assertEquals(2, good.records.size());
        assertEquals(List.of("write stdout F one\n"), bad.calls);
        assertEquals(new LogPipeline.DriverStats("bad", 1, 1), p.stats().get(0));
        assertEquals("log driver bad: write failed: java.lang.NoClassDefFoundError: com/example/Missing;"
                + " the driver is marked failed and gets no more records", warnings.get(0));
    }

    @Test
    void anErrorFromConmonsOwnLogStopsTheMonitorAsAnIOException() {
        Recorder own = new Throwing();
        LogPipeline p = pipeline(LogPipeline.Attachment.conmon("k8s-file", own));
        IOException e = assertThrows(IOException.class, () -> write(p, Stream.STDOUT, "x\n"));
        assertTrue(e.getMessage().contains("NoClassDefFoundError") || e.getCause() instanceof NoClassDefFoundError,
                e.toString());
    }
}
