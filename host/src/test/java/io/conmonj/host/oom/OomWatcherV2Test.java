package io.conmonj.host.oom;

import io.conmonj.host.loop.LoopDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cgroup v2 path on a machine without pure v2: inotify IN_MODIFY works on
 * any file, so an ordinary file stands in for memory.events.
 */
@Timeout(20)
class OomWatcherV2Test {
    @Test
    void eachNewCounterValueReportsOnce(@TempDir Path dir) throws Exception {
        Path events = dir.resolve("memory.events");
        Files.writeString(events, "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n");
        AtomicInteger ooms = new AtomicInteger();
        List<String> warnings = new ArrayList<>();
        try (LoopDriver loop = new LoopDriver();
             OomWatcher watcher = OomWatcher.start(new OomTarget.V2(events), loop.loop,
                     ooms::incrementAndGet, warnings::add)) {
            assertTrue(watcher.active());
            assertEquals("cgroup v2 " + events, watcher.description());

            Files.writeString(events, "low 0\nhigh 0\nmax 3\noom 0\noom_kill 0\n");
            loop.runFor(200);
            assertEquals(0, ooms.get());

            Files.writeString(events, "low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n");
            assertTrue(loop.runUntil(() -> ooms.get() == 1, 5000));

            Files.writeString(events, "low 0\nhigh 0\nmax 5\noom 1\noom_kill 1\n");
            loop.runFor(200);
            assertEquals(1, ooms.get());

            Files.writeString(events, "low 0\nhigh 0\nmax 5\noom 2\noom_kill 1\n");
            assertTrue(loop.runUntil(() -> ooms.get() == 2, 5000));

            // a change the loop has not seen yet is caught by the final check
            Files.writeString(events, "low 0\nhigh 0\nmax 5\noom 2\noom_kill 2\n");
            watcher.checkAfterExit();
            assertEquals(3, ooms.get());
            assertTrue(watcher.active());
        }
        assertEquals(List.of(), warnings);
    }

    @Test
    void aVanishedFileStopsTheWatch(@TempDir Path dir) throws Exception {
        Path events = dir.resolve("memory.events");
        Files.writeString(events, "oom 0\noom_kill 0\n");
        AtomicInteger ooms = new AtomicInteger();
        try (LoopDriver loop = new LoopDriver();
             OomWatcher watcher = OomWatcher.start(new OomTarget.V2(events), loop.loop,
                     ooms::incrementAndGet, w -> {})) {
            Files.delete(events);
            assertTrue(loop.runUntil(() -> !watcher.active(), 5000));
            watcher.checkAfterExit();
            assertEquals(0, ooms.get());
        }
    }

    @Test
    void aMissingFileMeansNoMonitoringWithAWarning(@TempDir Path dir) throws Exception {
        List<String> warnings = new ArrayList<>();
        try (LoopDriver loop = new LoopDriver();
             OomWatcher watcher = OomWatcher.start(new OomTarget.V2(dir.resolve("memory.events")), loop.loop,
                     () -> {}, warnings::add)) {
            assertFalse(watcher.active());
            watcher.checkAfterExit();
        }
        assertEquals(1, warnings.size());
        assertTrue(warnings.getFirst().startsWith("Failed to add inotify watch for "), warnings.getFirst());
    }
}
