package io.conmonj.host.oom;

import io.conmonj.host.sys.NativeCallException;
import io.conmonj.host.sys.Notify;
import io.conmonj.host.sys.Sys;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The sys wrappers OOM watching relies on, against the real kernel. */
class NotifyCallsTest {
    @Test
    void statfsTellsTheHybridMountsApart() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/sys/fs/cgroup/unified")), "not the hybrid layout");
        assertNotEquals(Notify.CGROUP2_SUPER_MAGIC, Notify.statfsType("/sys/fs/cgroup"));
        assertEquals(Notify.CGROUP2_SUPER_MAGIC, Notify.statfsType("/sys/fs/cgroup/unified"));
        NativeCallException e = assertThrows(NativeCallException.class, () -> Notify.statfsType("/nonexistent"));
        assertEquals("statfs /nonexistent", e.call());
    }

    @Test
    void anEventfdCountsAndReadsBackToZero() throws Exception {
        int fd = Notify.eventfd();
        try {
            assertEquals(0, Notify.readEventCount(fd)); // non-blocking: nothing pending
            byte[] one = {1, 0, 0, 0, 0, 0, 0, 0}; // little-endian 1
            Sys.writeAll(fd, one);
            Sys.writeAll(fd, one);
            assertEquals(2, Notify.readEventCount(fd));
            assertEquals(0, Notify.readEventCount(fd));
        } finally {
            Sys.closeQuietly(fd);
        }
    }

    @Test
    void anInotifyWatchOnAMissingFileNamesThePath() throws Exception {
        int fd = Notify.inotifyInit();
        try {
            NativeCallException e = assertThrows(NativeCallException.class,
                    () -> Notify.inotifyAddWatch(fd, "/nonexistent/memory.events", Notify.IN_MODIFY));
            assertEquals("inotify_add_watch /nonexistent/memory.events", e.call());
            assertTrue(e.reason().contains("No such file"));
        } finally {
            Sys.closeQuietly(fd);
        }
    }
}
