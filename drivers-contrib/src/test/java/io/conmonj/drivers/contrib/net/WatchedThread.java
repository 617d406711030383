package io.conmonj.drivers.contrib.net;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Runs a task as {@link CompletableFuture#runAsync} does and remembers its thread, so a test can await the state it
 * wants the task in (e.g. inside a back-off sleep) instead of sleeping a fixed time and hoping the task got there.
 */
public final class WatchedThread {
    private static final long POLL_MILLIS = 5;
    private final AtomicReference<Thread> thread = new AtomicReference<>();

    public CompletableFuture<Void> runAsync(Runnable body) {
        return CompletableFuture.runAsync(() -> {
            thread.set(Thread.currentThread());
            body.run();
        });
    }

    public <T> CompletableFuture<T> supplyAsync(Supplier<T> body) {
        return CompletableFuture.supplyAsync(() -> {
            thread.set(Thread.currentThread());
            return body.get();
        });
    }

    /**
     * Awaits the task's thread in a timed wait ({@link Thread.State#TIMED_WAITING}: a back-off or deadline sleep);
     * fails naming {@code what} when it is not there within {@code timeout}.
     */
    public void awaitTimedWaiting(String what, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Thread t = thread.get();
            Thread.State state = t == null ? null : t.getState();
            if (state == Thread.State.TIMED_WAITING) return;
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what + " (thread state " + state + ")");
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}
