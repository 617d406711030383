package io.conmonj.host.loop;

import io.conmonj.host.sys.Epoll;
import io.conmonj.host.sys.NativeCallException;
import io.conmonj.host.sys.Sys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.BooleanSupplier;

/**
 * Test helper shared by the packages whose classes run on the loop: drives a
 * real {@link EventLoop} for a bounded time without changing it:
 * a pipe that is always readable (never drained) is registered with a
 * handler that sleeps 1 ms, so every epoll_wait returns at once and
 * {@code runUntil} re-checks its condition at least every millisecond.
 */
public final class LoopDriver implements AutoCloseable {
    public final EventLoop loop;
    private final int[] tick;

    public LoopDriver() throws IOException {
        loop = new EventLoop();
        tick = Sys.pipe();
        Sys.writeAll(tick[1], new byte[] {1});
        loop.register(tick[0], Epoll.IN, events -> {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Runs the loop until {@code condition} holds or 5 s passed; returns the condition. */
    public boolean runUntil(BooleanSupplier condition) {
        return runUntil(condition, 5000);
    }

    public boolean runUntil(BooleanSupplier condition, long timeoutMillis) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        try {
            loop.runUntil(() -> condition.getAsBoolean() || System.nanoTime() > deadline);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return condition.getAsBoolean();
    }

    /** Runs the loop for about {@code millis} ms (to check that nothing happens). */
    public void runFor(long millis) {
        runUntil(() -> false, millis);
    }

    @Override
    public void close() throws NativeCallException {
        loop.unregister(tick[0]);
        Sys.closeQuietly(tick[0]);
        Sys.closeQuietly(tick[1]);
        loop.close();
    }
}
