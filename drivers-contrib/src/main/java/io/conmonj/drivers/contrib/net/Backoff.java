package io.conmonj.drivers.contrib.net;

/**
 * Delays between reconnection attempts: doubling from {@code initialMillis} up to {@code maxMillis}, back to the
 * start after a success. Not thread-safe; one per connection.
 */
public final class Backoff {
    private final long initialMillis;
    private final long maxMillis;
    private long next;

    public Backoff(long initialMillis, long maxMillis) {
        if (initialMillis <= 0 || maxMillis < initialMillis) {
            throw new IllegalArgumentException("backoff " + initialMillis + ".." + maxMillis);
        }
        this.initialMillis = initialMillis;
        this.maxMillis = maxMillis;
        this.next = initialMillis;
    }

    /** The delay before the next attempt; each call doubles the one after it, up to the maximum. */
    public long nextDelayMillis() {
        long d = next;
        next = Math.min(maxMillis, next * 2);
        return d;
    }

    public void reset() {
        next = initialMillis;
    }
}
