package io.conmonj.host.oom;

import io.conmonj.host.loop.LoopDriver;
import io.conmonj.host.sys.Sys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real memcg OOM kills in a private child of the v1 memory hierarchy (needs
 * root and a v1 memory controller, as on the project's hybrid test machine).
 * Each test's cgroup is removed afterwards, its tasks killed first.
 */
@Timeout(60)
class OomWatcherV1Test {
    private static final Path MEMORY = Path.of("/sys/fs/cgroup/memory");
    private static final long LIMIT = 8L << 20;

    private Path cgroup;
    private Process process;
    private final AtomicInteger ooms = new AtomicInteger();
    private final List<String> warnings = new ArrayList<>();

    @BeforeEach
    void createCgroup() throws IOException {
        assumeTrue(Files.isWritable(MEMORY.resolve("cgroup.event_control")), "no writable v1 memory controller");
        cgroup = Files.createDirectory(MEMORY.resolve("conmonj-oomtest-" + UUID.randomUUID()));
        Files.writeString(cgroup.resolve("memory.limit_in_bytes"), Long.toString(LIMIT));
        Path memsw = cgroup.resolve("memory.memsw.limit_in_bytes");
        if (Files.exists(memsw)) {
            Files.writeString(memsw, Long.toString(LIMIT));
        }
    }

    @AfterEach
    void removeCgroup() throws Exception {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        if (cgroup == null || !Files.exists(cgroup)) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            String procs = Files.readString(cgroup.resolve("cgroup.procs")).trim();
            if (procs.isEmpty()) {
                break;
            }
            for (String pid : procs.split("\n")) {
                Sys.kill(Integer.parseInt(pid.trim()), Sys.SIGKILL);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("tasks left in " + cgroup + ": " + procs);
            }
            Thread.sleep(20);
        }
        while (true) {
            try {
                Files.delete(cgroup); // rmdir
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(20);
            }
        }
    }

    /**
     * Starts {@code sh} that joins the cgroup, then waits for a line on its
     * stdin before exec'ing {@code command}; returns once it is in the cgroup.
     */
    private int startInCgroup(String command) throws Exception {
        process = new ProcessBuilder("sh", "-c",
                "echo $$ > " + cgroup.resolve("cgroup.procs") + " && read go && exec " + command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        int pid = (int) process.pid();
        Path procCgroup = Path.of("/proc", Integer.toString(pid), "cgroup");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.readString(procCgroup).contains(cgroup.getFileName().toString())) {
            assertTrue(System.nanoTime() < deadline, "process did not join " + cgroup);
            Thread.sleep(10);
        }
        return pid;
    }

    private void go() throws IOException {
        OutputStream stdin = process.getOutputStream();
        stdin.write("go\n".getBytes(StandardCharsets.US_ASCII));
        stdin.flush();
    }

    @Test
    void anOomKillIsReportedByTheLoopOnTheHybridLayout() throws Exception {
        int pid = startInCgroup("tail /dev/zero");
        try (LoopDriver loop = new LoopDriver();
             OomWatcher watcher = OomWatcher.start(pid, loop.loop, ooms::incrementAndGet, warnings::add)) {
            // the v1 memory controller, not the cgroup2 mount at /sys/fs/cgroup/unified
            assertEquals("cgroup v1 " + cgroup, watcher.description());
            assertTrue(watcher.active());
            go();
            assertTrue(loop.runUntil(() -> ooms.get() > 0, 20_000), "no OOM reported");
            assertTrue(process.waitFor(10, TimeUnit.SECONDS));
            assertEquals(137, process.exitValue());
        }
        assertEquals(List.of(), warnings);
    }

    @Test
    void anOomPendingWhenTheLoopEndedIsFoundByTheFinalCheck() throws Exception {
        int pid = startInCgroup("tail /dev/zero");
        try (LoopDriver loop = new LoopDriver();
             OomWatcher watcher = OomWatcher.start(pid, loop.loop, ooms::incrementAndGet, warnings::add)) {
            go();
            assertTrue(process.waitFor(20, TimeUnit.SECONDS), "no OOM kill");
            assertEquals(137, process.exitValue());
            assertEquals(0, ooms.get()); // the loop never ran
            watcher.checkAfterExit();
            assertTrue(ooms.get() > 0);
        }
        assertEquals(List.of(), warnings);
    }

    @Test
    void removingTheCgroupWithoutOomIsNotAnOom() throws Exception {
        int pid = startInCgroup("sleep 1000");
        try (LoopDriver loop = new LoopDriver();
             OomWatcher watcher = OomWatcher.start(pid, loop.loop, ooms::incrementAndGet, warnings::add)) {
            assertTrue(watcher.active());
            go();
            loop.runFor(100);
            process.destroyForcibly();
            assertTrue(process.waitFor(10, TimeUnit.SECONDS));
            loop.runFor(100);
            removeCgroup();
            // the kernel signals the removal once; the watcher takes it as such and stops
            assertTrue(loop.runUntil(() -> !watcher.active(), 5000), "removal event not seen");
            watcher.checkAfterExit();
            assertEquals(0, ooms.get());
        }
        assertEquals(List.of(), warnings);
    }

    @Test
    void aProcessThatIsGoneMeansNoMonitoringAndAWarning() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        try (LoopDriver loop = new LoopDriver();
             OomWatcher watcher = OomWatcher.start((int) gone.pid(), loop.loop, ooms::incrementAndGet,
                     warnings::add)) {
            assertFalse(watcher.active());
            watcher.checkAfterExit();
        }
        assertEquals(1, warnings.size());
        assertTrue(warnings.getFirst().contains("Container may have exited"), warnings.getFirst());
    }
}
