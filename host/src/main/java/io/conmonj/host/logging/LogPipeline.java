package io.conmonj.host.logging;

import io.conmonj.drivers.builtin.k8sfile.K8sFileLog;

import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogRecord;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The monitor's log: splits every read of container output into {@link LogRecord}s (each line with its
 * {@code \n}, the unterminated tail as a partial record, one timestamp per read) and hands them to every
 * attached driver, then calls {@link LogDriver#flush()}.
 *
 * <p>Failures: a driver attached with {@link Attachment#fatalErrors()} (the k8s-file log Podman asked for with
 * {@code -l}, whose only exception is conmon's fatal truncation failure, conmon-behaviour.md §7.1.5) propagates its
 * {@link IOException} after the other drivers have had the chunk. Any other driver's failure is reported once
 * through the warning sink, counted, and the driver keeps being called; the others are not affected. Counts of
 * errors and of records dropped by non-blocking drivers are reported by {@link #close()}, when the container has
 * exited.
 *
 * <p>Backpressure per driver ({@link Mode}): {@code BLOCKING} drivers are called on the caller's thread (the
 * container waits for them, as with conmon); each {@code NON_BLOCKING} driver gets a bounded buffer and one worker
 * thread, and records that do not fit are dropped and counted.
 *
 * <p>Single caller: the monitor's event loop.
 */
public final class LogPipeline implements ContainerLog {

    /** Backpressure mode of one driver; Docker's names. */
    public enum Mode {
        BLOCKING("blocking"),
        NON_BLOCKING("non-blocking");

        private final String option;

        Mode(String option) {
            this.option = option;
        }

        /** The option value users write: {@code blocking} or {@code non-blocking}. */
        public String option() {
            return option;
        }
    }

    /**
     * The non-blocking buffers together may hold at most this fraction (1/N) of the heap: the rest is the
     * monitor's own (chunk buffers, the drivers' encoders, the attach clients). Their bound counts heap, per-record
     * overhead included (DriverSlot.RECORD_OVERHEAD), so a full buffer cannot exhaust the heap.
     */
    static final long HEAP_SHARE_FOR_BUFFERS = 4;

    /** Docker's default {@code max-buffer-size}: 1 MiB. */
    public static final long DEFAULT_MAX_BUFFER_SIZE = 1L << 20;

    /**
     * One driver and how it is attached.
     *
     * @param name          the name used in messages (the driver instance's name)
     * @param mode          backpressure mode
     * @param maxBufferSize heap a non-blocking driver's waiting records may take (payload plus a fixed overhead per
     *                      record); capped to a share of the heap; ignored when blocking
     * @param fatalErrors   true only for conmon's own {@code -l} k8s-file log: its exceptions stop the monitor
     */
    public record Attachment(String name, LogDriver driver, Mode mode, long maxBufferSize, boolean fatalErrors) {
        public Attachment {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(driver, "driver");
            Objects.requireNonNull(mode, "mode");
            if (mode == Mode.NON_BLOCKING && maxBufferSize <= 0) {
                throw new IllegalArgumentException("max-buffer-size must be positive");
            }
        }

        /** conmon's own log ({@code -l k8s-file:PATH}): blocking, errors fatal as in conmon. */
        public static Attachment conmon(String name, LogDriver driver) {
            return new Attachment(name, driver, Mode.BLOCKING, 0, true);
        }

        public static Attachment blocking(String name, LogDriver driver) {
            return new Attachment(name, driver, Mode.BLOCKING, 0, false);
        }

        public static Attachment nonBlocking(String name, LogDriver driver, long maxBufferSize) {
            return new Attachment(name, driver, Mode.NON_BLOCKING, maxBufferSize, false);
        }
    }

    /** What one driver went through, for tests and the exit report. */
    public record DriverStats(String name, long errors, long dropped) {
    }

    private static final LogPipeline NONE = new LogPipeline(new DriverSlot[0], LogPipeline::now);

    private final DriverSlot[] slots;
    private final LongSupplier clock;
    private LogRecord[] records = new LogRecord[64];
    private final int[] count = new int[1];
    private boolean closed;

    private LogPipeline(DriverSlot[] slots, LongSupplier clock) {
        this.slots = slots;
        this.clock = clock;
    }

    /**
     * A pipeline over {@code drivers}, in order. Starts the worker thread of each non-blocking driver.
     *
     * @param clock    wall-clock nanoseconds since the epoch, read once per chunk
     * @param warnings where driver failures, drop counts and error counts are reported (the monitor's
     *                 diagnostics); may be called from worker threads
     */
    public static LogPipeline of(List<Attachment> drivers, LongSupplier clock, Consumer<String> warnings) {
        return of(drivers, clock, warnings, Runtime.getRuntime().maxMemory());
    }

    /** With the heap size the buffers must fit in (tests pass their own). */
    static LogPipeline of(List<Attachment> drivers, LongSupplier clock, Consumer<String> warnings, long maxHeap) {
        if (drivers.isEmpty()) {
            return NONE;
        }
        long nonBlocking = 0;
        for (Attachment a : drivers) {
            nonBlocking += a.mode() == Mode.NON_BLOCKING ? 1 : 0;
        }
        long share = nonBlocking == 0 ? 0 : maxHeap / HEAP_SHARE_FOR_BUFFERS / nonBlocking;
        DriverSlot[] slots = new DriverSlot[drivers.size()];
        for (int i = 0; i < slots.length; i++) {
            Attachment a = drivers.get(i);
            if (a.mode() == Mode.BLOCKING) {
                slots[i] = new DriverSlot.Blocking(a.name(), a.driver(), a.fatalErrors(), warnings);
                continue;
            }
            long capacity = a.maxBufferSize();
            if (capacity > share) {
                warnings.accept("log driver " + a.name() + ": max-buffer-size=" + capacity + " capped to " + share
                        + " bytes (1/" + HEAP_SHARE_FOR_BUFFERS + " of the monitor's " + maxHeap
                        + "-byte heap, shared by " + nonBlocking + " non-blocking driver(s))");
                capacity = share;
            }
            slots[i] = new DriverSlot.NonBlocking(a.name(), a.driver(), capacity, warnings);
        }
        return new LogPipeline(slots, clock);
    }

    /** With the system clock. */
    public static LogPipeline of(List<Attachment> drivers, Consumer<String> warnings) {
        return of(drivers, LogPipeline::now, warnings);
    }

    /** No container logging ({@code -l none}/{@code null}/{@code off} and nothing else selected). */
    public static LogPipeline none() {
        return NONE;
    }

    public boolean isEmpty() {
        return slots.length == 0;
    }

    /** The names of the attached drivers, in order. */
    public List<String> driverNames() {
        List<String> names = new ArrayList<>(slots.length);
        for (DriverSlot s : slots) {
            names.add(s.name);
        }
        return names;
    }

    /** Error and drop counts so far (final after {@link #close()}). */
    public List<DriverStats> stats() {
        List<DriverStats> list = new ArrayList<>(slots.length);
        for (DriverSlot s : slots) {
            list.add(new DriverStats(s.name, s.errors(), s.dropped()));
        }
        return list;
    }

    @Override
    public void write(Stream stream, byte[] buf, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (len == 0 || closed || slots.length == 0) {
            return;
        }
        long nanos = clock.getAsLong(); // one timestamp per read (conmon-behaviour.md §7.1.2)
        LogRecord[] recs = records = Lines.split(stream.toSpi(), nanos, buf, off, len, records, count);
        int n = count[0];
        IOException fatal = null;
        for (DriverSlot slot : slots) {
            try {
                slot.deliver(recs, n);
            } catch (IOException e) {
                fatal = chain(fatal, e);
            }
        }
        if (fatal != null) {
            throw fatal;
        }
    }

    @Override
    public void reopen() throws IOException {
        if (closed) {
            return;
        }
        IOException fatal = null;
        for (DriverSlot slot : slots) {
            try {
                slot.reopen();
            } catch (IOException e) {
                fatal = chain(fatal, e);
            }
        }
        if (fatal != null) {
            throw fatal;
        }
    }

    @Override
    public boolean mayWaitForDrivers() {
        for (DriverSlot slot : slots) {
            if (slot.mayBlockTheLoop()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a monitor may close this log and a later monitor reopen it without a difference in what is logged
     * (hibernation): only conmon's own logs, which append to their file or send each line as they get it. Drivers
     * selected by annotations (remote sessions, plugins, buffers, workers) keep a monitor awake.
     */
    @Override
    public boolean reopenableLater() {
        if (closed) {
            return false;
        }
        for (DriverSlot slot : slots) {
            if (!slot.isConmonLog()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Object conmonFileKey() {
        for (DriverSlot slot : slots) {
            if (slot.isConmonLog() && slot.driver instanceof K8sFileLog file) {
                return file.fileKey();
            }
        }
        return null;
    }

    /** May be called twice (the exit watch and the loop): drivers keep the first deadline. */
    @Override
    public void containerExited() {
        if (closed) {
            return;
        }
        for (DriverSlot slot : slots) {
            slot.containerExited();
        }
    }

    @Override
    public void sync() throws IOException {
        if (closed) {
            return;
        }
        IOException fatal = null;
        for (DriverSlot slot : slots) {
            try {
                slot.sync();
            } catch (IOException e) {
                fatal = chain(fatal, e);
            }
        }
        if (fatal != null) {
            throw fatal;
        }
    }

    /**
     * Closes every driver (non-blocking ones after their buffer is drained, within a bounded time), then reports
     * per driver the records dropped and the errors counted. Rethrows the first failure of a fatal driver.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IOException fatal = null;
        for (DriverSlot slot : slots) {
            slot.beginClose();
        }
        for (DriverSlot slot : slots) {
            try {
                slot.close();
            } catch (IOException e) {
                fatal = chain(fatal, e);
            }
        }
        for (DriverSlot slot : slots) {
            slot.report();
        }
        if (fatal != null) {
            throw fatal;
        }
    }

    private static IOException chain(IOException first, IOException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    private static long now() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
