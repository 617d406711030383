package io.conmonj.drivers.contrib.net;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A back-off sleep that began before the container's exit ends at the exit deadline (issue 11 item 3). */
class ExitDeadlineTest {

    @Test
    void aLongSleepEndsAtADeadlineSetWhileSleeping() throws Exception {
        ExitDeadline deadline = new ExitDeadline();
        WatchedThread watched = new WatchedThread();
        CompletableFuture<Void> sleeper = watched.runAsync(() -> {
            try {
                deadline.sleep(TimeUnit.HOURS.toMillis(1));
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        watched.awaitTimedWaiting("the sleeper inside its one-hour sleep", Duration.ofSeconds(10));
        assertFalse(sleeper.isDone());
        long start = System.nanoTime();
        assertTrue(deadline.start(300));
        assertFalse(deadline.start(10_000), "only the first notice counts");
        sleeper.get(5, TimeUnit.SECONDS);
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(took >= 250 && took <= 2_000, "woke " + took + " ms after the deadline was set to 300 ms");
        assertTrue(deadline.passed());
        assertEquals(0, deadline.millisLeft(1_000));
        long after = System.nanoTime();
        deadline.sleep(60_000); // past the deadline: returns at once
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - after) < 1_000);
    }

    @Test
    void withoutADeadlineTheSleepIsTheWantedOne() throws Exception {
        ExitDeadline deadline = new ExitDeadline();
        assertEquals(50, deadline.millisLeft(50));
        assertFalse(deadline.passed());
        long start = System.nanoTime();
        deadline.sleep(100);
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) >= 95);
    }
}
