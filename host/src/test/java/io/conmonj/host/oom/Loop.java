package io.conmonj.host.oom;

import io.conmonj.host.loop.EventLoop;
import io.conmonj.host.sys.Epoll;
import io.conmonj.host.sys.NativeCallException;
import io.conmonj.host.sys.Sys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.BooleanSupplier;

/**
 * Drives a real {@link EventLoop} for a bounded time: an always-readable pipe
 * whose handler sleeps 1 ms makes {@code runUntil} re-check its condition at
 * least every millisecond (as the attach tests' LoopDriver does).
 */
final class Loop implements AutoCloseable {
    final EventLoop loop;
    private final int[] tick;

    Loop() throws IOException {
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

    /** Runs until {@code condition} holds or {@code timeoutMillis} passed; returns the condition. */
    boolean runUntil(BooleanSupplier condition, long timeoutMillis) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        try {
            loop.runUntil(() -> condition.getAsBoolean() || System.nanoTime() > deadline);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return condition.getAsBoolean();
    }

    void runFor(long millis) {
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
