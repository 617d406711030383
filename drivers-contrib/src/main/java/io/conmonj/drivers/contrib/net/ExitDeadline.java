package io.conmonj.drivers.contrib.net;

import java.util.concurrent.TimeUnit;

/**
 * The end of waiting for a collector: unset while the container runs, set by {@code LogDriver.containerExited()}
 * to {@code EXIT_GRACE_MILLIS} from then. Every back-off sleep of a driver goes through {@link #sleep}, which ends
 * at the deadline even when the sleep began before the container exited: a {@code fluentd-retry-wait} of a minute,
 * or a back-off grown to its cap, cannot hold the container's exit status back.
 *
 * <p>Thread-safe: the driver's thread sleeps, the monitor's event loop sets the deadline.
 */
public final class ExitDeadline {
    /** 0: not set. */
    private long deadlineNanos;

    /**
     * Sets the deadline {@code millis} from now and wakes every sleeper; only the first call counts (the monitor may
     * give the notice twice).
     *
     * @return whether this call set it
     */
    public synchronized boolean start(long millis) {
        if (deadlineNanos != 0) {
            return false;
        }
        long d = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        deadlineNanos = d == 0 ? 1 : d;
        notifyAll();
        return true;
    }

    public synchronized boolean isSet() {
        return deadlineNanos != 0;
    }

    /** {@code wanted}, or less if the deadline is nearer; 0 once it has passed. */
    public synchronized long millisLeft(long wanted) {
        if (deadlineNanos == 0) {
            return wanted;
        }
        return Math.max(0, Math.min(wanted, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())));
    }

    /** Whether the deadline is set and has passed. */
    public boolean passed() {
        return isSet() && millisLeft(1) == 0;
    }

    /**
     * Sleeps {@code millis}, or until the deadline if that comes first, including a deadline set while sleeping.
     *
     * @throws InterruptedException as {@link Thread#sleep}
     */
    public synchronized void sleep(long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
            if (deadlineNanos != 0) {
                left = Math.min(left, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
            }
            if (left <= 0) {
                return;
            }
            wait(left); // start() wakes it to look at the new deadline
        }
    }
}
