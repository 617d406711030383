package io.conmonj.it;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * Waits for a condition instead of sleeping a fixed time: polls until it holds or a deadline passes, then fails with
 * what was awaited and the last value seen. The poll interval is the only sleep.
 */
final class Await {
    private Await() {}

    static final long POLL_MILLIS = 50;

    /** A probe that may fail with a checked exception (reading a file, running a command). */
    @FunctionalInterface
    interface Probe<T> {
        T get() throws Exception;
    }

    /** Polls {@code probe} until {@code done} holds for its value; returns that value. */
    static <T> T value(String what, Duration timeout, Probe<T> probe, Predicate<? super T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T v;
            try {
                v = probe.get();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new AssertionError("while awaiting " + what + ": " + e, e);
            }
            if (done.test(v)) return v;
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what + "; last seen: " + v);
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while awaiting " + what, e);
            }
        }
    }

    /** Polls {@code condition} until it holds. */
    static void until(String what, Duration timeout, Probe<Boolean> condition) {
        value(what, timeout, condition, Boolean::booleanValue);
    }
}
