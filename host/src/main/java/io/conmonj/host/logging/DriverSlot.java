package io.conmonj.host.logging;

import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogRecord;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** One driver inside a {@link LogPipeline}: how records reach it, and its error and drop accounting. */
abstract sealed class DriverSlot {
    /** How long {@link LogPipeline#sync()} waits for a non-blocking driver to catch up and sync. */
    static final long SYNC_WAIT_MILLIS = 500;
    /** How long {@link LogPipeline#close()} waits for a non-blocking driver to drain its buffer and close. */
    static final long CLOSE_WAIT_MILLIS = 2_000;

    /**
     * Heap a queued record costs beyond its payload: the LogRecord object (header, stream, timestamp, array
     * reference, offset, length, flag: 40 bytes with compressed references) and its slot in the batch's array,
     * rounded up. Counting payload alone let 300k empty lines exhaust a 16 MiB heap (issue 11).
     */
    static final long RECORD_OVERHEAD = 64;
    /** Per queued batch: the Batch object, the records array's header and the copied bytes' array header, and the queue slot. */
    static final long BATCH_OVERHEAD = 64;

    final String name;
    final LogDriver driver;
    private final Consumer<String> warnings;
    private long errors;
    private boolean reported;
    /** Set once the driver threw an {@link Error}: it is never called again (it may be in any state). */
    private volatile boolean broken;

    DriverSlot(String name, LogDriver driver, Consumer<String> warnings) {
        this.name = name;
        this.driver = driver;
        this.warnings = warnings;
    }

    /** Takes the records of one read; they refer to the caller's buffer, valid only during the call. */
    abstract void deliver(LogRecord[] records, int n) throws IOException;

    abstract void reopen() throws IOException;

    /** A driver called on the event loop that is not one of conmon's own logs (which never wait for anyone). */
    boolean mayBlockTheLoop() {
        return false;
    }

    /**
     * One of conmon's own logs ({@code -l}: k8s-file, journald), which keep nothing between reads that a reopen
     * would lose: a monitor logging only to those may hibernate (docs/reliability.md, "Hibernation").
     */
    boolean isConmonLog() {
        return false;
    }

    /** Passed on at once, on the caller's thread (the driver's contract says it is thread-safe). */
    final void containerExited() {
        if (broken) {
            return;
        }
        try {
            driver.containerExited();
        } catch (RuntimeException e) {
            failed("containerExited", e);
        } catch (Error e) {
            broke("containerExited", e);
        }
    }

    abstract void sync() throws IOException;

    /** First step of closing: non-blocking drivers start draining (all at once, so their waits overlap). */
    void beginClose() {
    }

    abstract void close() throws IOException;

    long dropped() {
        return 0;
    }

    final synchronized long errors() {
        return errors;
    }

    /** Counts a failure; the first one of this driver is reported right away. */
    final void failed(String operation, Throwable e) {
        boolean first;
        synchronized (this) {
            errors++;
            first = !reported;
            reported = true;
        }
        if (first) {
            warnings.accept("log driver " + name + ": " + operation + " failed: " + describe(e)
                    + " (further failures of this driver are counted and reported when the container exits)");
        }
    }

    /**
     * The driver threw an {@link Error} (a bug, a linkage problem, a stack overflow): reported, and the driver is
     * marked failed and not called again; the container and the other drivers go on. (OutOfMemoryError never
     * gets here: the JVM runs with -XX:+ExitOnOutOfMemoryError and the guardian takes over.)
     */
    final void broke(String operation, Error e) {
        broken = true;
        synchronized (this) {
            errors++;
            reported = true;
        }
        warnings.accept("log driver " + name + ": " + operation + " failed: " + e.getClass().getName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage())
                + "; the driver is marked failed and gets no more records");
    }

    final boolean broken() {
        return broken;
    }

    final void warn(String message) {
        warnings.accept(message);
    }

    /** At exit: totals that were not reported as they happened. */
    void report() {
        long e = errors();
        if (e > 1) {
            warnings.accept("log driver " + name + ": " + e + " failures in total");
        }
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isEmpty() ? e.getClass().getSimpleName() : m;
    }

    /** Called on the caller's thread; the container waits for it, as with conmon. */
    static final class Blocking extends DriverSlot {
        private final boolean fatal;

        Blocking(String name, LogDriver driver, boolean fatal, Consumer<String> warnings) {
            super(name, driver, warnings);
            this.fatal = fatal;
        }

        @Override
        boolean mayBlockTheLoop() {
            return !fatal;
        }

        @Override
        boolean isConmonLog() {
            return fatal;
        }

        @Override
        void deliver(LogRecord[] records, int n) throws IOException {
            if (broken()) {
                return;
            }
            try {
                for (int i = 0; i < n; i++) {
                    driver.write(records[i]);
                }
                driver.flush();
            } catch (IOException | RuntimeException | Error e) {
                handle("write", e); // the rest of this read is not offered to this driver
            }
        }

        @Override
        void reopen() throws IOException {
            if (broken()) {
                return;
            }
            try {
                driver.reopen();
            } catch (IOException | RuntimeException | Error e) {
                handle("reopen", e);
            }
        }

        @Override
        void sync() throws IOException {
            if (broken()) {
                return;
            }
            try {
                driver.sync();
            } catch (IOException | RuntimeException | Error e) {
                handle("sync", e);
            }
        }

        @Override
        void close() throws IOException {
            if (broken()) {
                return;
            }
            try {
                driver.close();
            } catch (IOException | RuntimeException | Error e) {
                handle("close", e);
            }
        }

        private void handle(String operation, Throwable e) throws IOException {
            if (!fatal && e instanceof Error error) {
                broke(operation, error);
            } else if (!fatal) {
                failed(operation, e);
            } else if (e instanceof IOException io) {
                throw io; // conmon's own log: its message is conmon's fatal text
            } else {
                throw new IOException("log driver " + name + ": " + operation + " failed: " + describe(e), e);
            }
        }
    }

    /**
     * A bounded buffer served by one worker thread: the caller never waits for the driver. Records that do not fit
     * are dropped and counted. The bound is on heap, not payload: each record counts its bytes plus
     * {@link #RECORD_OVERHEAD}, each read {@link #BATCH_OVERHEAD}. The worker calls {@link LogDriver#flush()} whenever it has emptied the buffer, so a
     * driver that falls behind writes bigger batches.
     */
    static final class NonBlocking extends DriverSlot implements Runnable {
        /** The records of one read, copied out of the caller's buffer. */
        private record Batch(LogRecord[] records, long bytes) {
        }

        private enum Control { REOPEN }

        private final long capacity;
        private final ArrayDeque<Object> queue = new ArrayDeque<>(); // Batch, Control, or CountDownLatch (sync)
        private final Thread worker;
        /** Guarded by this. */
        private long queuedBytes;
        private long dropped;
        private boolean closing;
        private boolean timedOut;

        NonBlocking(String name, LogDriver driver, long capacity, Consumer<String> warnings) {
            super(name, driver, warnings);
            this.capacity = capacity;
            this.worker = Thread.ofPlatform().daemon().name("log-driver-" + name).unstarted(this);
            worker.start();
        }

        @Override
        void deliver(LogRecord[] records, int n) {
            int k;
            long bytes = 0;
            synchronized (this) {
                if (closing) {
                    return;
                }
                if (broken()) {
                    dropped += n;
                    return;
                }
                long room = capacity - queuedBytes - BATCH_OVERHEAD;
                k = 0;
                while (k < n && bytes + records[k].length() + RECORD_OVERHEAD <= room) {
                    bytes += records[k].length() + RECORD_OVERHEAD;
                    k++;
                }
                bytes += BATCH_OVERHEAD;
                dropped += n - k; // the records after the first that does not fit: never out of order
                if (k == 0) {
                    return;
                }
                queuedBytes += bytes;
            }
            // Records of one read are contiguous in the caller's buffer: one copy for all of them.
            LogRecord first = records[0];
            LogRecord last = records[k - 1];
            int from = first.offset();
            byte[] copy = java.util.Arrays.copyOfRange(first.data(), from, last.offset() + last.length());
            LogRecord[] own = new LogRecord[k];
            for (int i = 0; i < k; i++) {
                LogRecord r = records[i];
                own[i] = new LogRecord(r.stream(), r.timestampNanos(), copy, r.offset() - from, r.length(), r.partial());
            }
            enqueue(new Batch(own, bytes));
        }

        @Override
        void reopen() {
            enqueue(Control.REOPEN);
        }

        /** Waits (bounded) until the worker has written everything queued so far and synced the driver. */
        @Override
        void sync() {
            CountDownLatch done = new CountDownLatch(1);
            if (!enqueue(done)) {
                return;
            }
            try {
                if (!done.await(SYNC_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                    warn("log driver " + name + ": not synced within " + SYNC_WAIT_MILLIS + " ms, going on");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        synchronized void beginClose() {
            closing = true;
            notifyAll();
        }

        @Override
        void close() {
            beginClose();
            try {
                worker.join(CLOSE_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (worker.isAlive()) {
                long lost;
                synchronized (this) {
                    timedOut = true;
                    lost = 0;
                    for (Object o : queue) {
                        if (o instanceof Batch b) {
                            lost += b.records().length;
                        }
                    }
                    queue.clear();
                    dropped += lost;
                }
                warn("log driver " + name + ": still busy " + CLOSE_WAIT_MILLIS + " ms after the container exited;"
                        + " abandoned with " + lost + " records undelivered (counted as dropped)");
            }
        }

        @Override
        synchronized long dropped() {
            return dropped;
        }

        @Override
        void report() {
            long d = dropped();
            if (d > 0) {
                warn("log driver " + name + ": " + d + " records dropped (mode=non-blocking, max-buffer-size="
                        + capacity + " bytes)");
            }
            super.report();
        }

        private synchronized boolean enqueue(Object item) {
            if (closing) {
                return false;
            }
            queue.addLast(item);
            if (queue.size() == 1) {
                notifyAll();
            }
            return true;
        }

        /** The worker: the only thread that calls the driver. */
        @Override
        public void run() {
            while (true) {
                Object item;
                boolean drained;
                synchronized (this) {
                    while (queue.isEmpty() && !closing) {
                        try {
                            wait();
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    item = queue.pollFirst();
                    if (item == null || timedOut) {
                        break; // closing and drained
                    }
                }
                if (item instanceof Batch b) {
                    if (broken()) {
                        synchronized (this) {
                            dropped += b.records().length;
                        }
                    } else {
                        try {
                            for (LogRecord r : b.records()) {
                                driver.write(r);
                            }
                        } catch (IOException | RuntimeException e) {
                            failed("write", e);
                        } catch (Error e) {
                            broke("write", e);
                        }
                    }
                    synchronized (this) {
                        queuedBytes -= b.bytes();
                        drained = queue.isEmpty();
                    }
                    if (drained && !broken()) {
                        try {
                            driver.flush();
                        } catch (IOException | RuntimeException e) {
                            failed("flush", e);
                        } catch (Error e) {
                            broke("flush", e);
                        }
                    }
                } else if (item == Control.REOPEN && !broken()) {
                    try {
                        driver.reopen();
                    } catch (IOException | RuntimeException e) {
                        failed("reopen", e);
                    } catch (Error e) {
                        broke("reopen", e);
                    }
                } else if (item instanceof CountDownLatch done) {
                    try {
                        if (!broken()) {
                            driver.flush();
                            driver.sync();
                        }
                    } catch (IOException | RuntimeException e) {
                        failed("sync", e);
                    } catch (Error e) {
                        broke("sync", e);
                    } finally {
                        done.countDown();
                    }
                }
            }
            if (broken()) {
                return;
            }
            try {
                driver.close();
            } catch (IOException | RuntimeException e) {
                failed("close", e);
            } catch (Error e) {
                broke("close", e);
            }
        }
    }
}
