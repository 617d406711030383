package io.conmonj.host.oom;

import io.conmonj.host.loop.EventLoop;
import io.conmonj.host.sys.Epoll;
import io.conmonj.host.sys.NativeCallException;
import io.conmonj.host.sys.Notify;
import io.conmonj.host.sys.Sys;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Watches the container's memory cgroup for OOM events (conmon-behaviour.md §10.5) on
 * the monitor's {@link EventLoop}; no threads.
 *
 * Use: {@link #start} once the container pid is known; the loop then calls
 * {@code onOom} when an OOM is seen; after the main loop ends call
 * {@link #checkAfterExit()} (the OOM notification can race with the
 * container's exit), then {@link #close()}. {@code onOom} may run more than
 * once (one call per event seen), so it must be idempotent (creating the
 * empty oom files is). Nothing here is fatal: when the cgroup cannot be
 * watched, a warning says why and the watcher does nothing.
 *
 * <b>cgroup v2</b> (pure): inotify {@code IN_MODIFY} on {@code memory.events};
 * each event re-reads the {@code oom} / {@code oom_kill} counters
 * ({@link OomCounters}). A vanished file stops the watch.
 *
 * <b>cgroup v1 and hybrid</b>: an eventfd registered for
 * {@code memory.oom_control} through {@code cgroup.event_control}. The kernel
 * also signals the eventfd once when the cgroup is removed: a count of 1
 * while {@code cgroup.event_control} no longer exists is that removal, not an
 * OOM. As a cross-check, the {@code oom_kill} counter of
 * {@code memory.oom_control} (kernels ≥ 4.13) is compared after exit with its
 * value at start.
 */
public final class OomWatcher implements AutoCloseable {
    private static final int INOTIFY_BUFFER = 4096;
    private static final int INOTIFY_MASK_OFFSET = 4, INOTIFY_LEN_OFFSET = 12, INOTIFY_HEADER = 16;

    private final EventLoop loop;
    private final Runnable onOom;
    private final Consumer<String> warn;
    private final OomTarget target;

    private int fd = -1;          // v1: the eventfd; v2: the inotify fd
    private int oomControlFd = -1; // v1: kept open while the event is registered, as conmon does
    private final OomCounters counters = new OomCounters(); // v2
    private long oomKillsSeen = -1; // v1 cross-check; -1: counter unavailable

    private OomWatcher(OomTarget target, EventLoop loop, Runnable onOom, Consumer<String> warn) {
        this.target = target;
        this.loop = loop;
        this.onOom = onOom;
        this.warn = warn;
    }

    /**
     * Starts watching the memory cgroup of {@code pid}. Never throws: if OOM
     * monitoring is impossible, {@code warn} gets the reason and the returned
     * watcher is inactive.
     */
    public static OomWatcher start(int pid, EventLoop loop, Runnable onOom, Consumer<String> warn) {
        boolean pureV2;
        try {
            pureV2 = Notify.statfsType(OomTarget.CGROUP_ROOT.toString()) == Notify.CGROUP2_SUPER_MAGIC;
        } catch (NativeCallException e) {
            pureV2 = false; // conmon: anything but a cgroup2 /sys/fs/cgroup is v1
        }
        Path cgroupFile = Path.of("/proc", Integer.toString(pid), "cgroup");
        String procCgroup;
        try {
            procCgroup = Files.readString(cgroupFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            warn.accept("Failed to open cgroups file: " + cgroupFile + ". Container may have exited");
            return start(new OomTarget.None("no cgroup file"), loop, onOom, s -> {});
        }
        String mountinfo = "";
        if (!pureV2) {
            try {
                mountinfo = Files.readString(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8);
            } catch (IOException e) {
                // fall back to the conventional mount points
            }
        }
        return start(OomTarget.locate(pureV2, procCgroup, mountinfo), loop, onOom, warn);
    }

    /** Starts watching a target already located (tests use this with files of their own). */
    static OomWatcher start(OomTarget target, EventLoop loop, Runnable onOom, Consumer<String> warn) {
        OomWatcher watcher = new OomWatcher(target, loop, onOom, warn);
        // instanceof, not a pattern switch: its SwitchBootstraps call site spins a class (and method
        // handles) with the class-file API in every monitor at start-up
        if (target instanceof OomTarget.V1 v1) {
            watcher.startV1(v1.cgroupDir());
        } else if (target instanceof OomTarget.V2 v2) {
            watcher.startV2(v2.memoryEvents());
        } else if (target instanceof OomTarget.None none) {
            warn.accept("Failed to get memory cgroup path (" + none.reason() + "): no OOM monitoring");
        }
        return watcher;
    }

    /**
     * Hibernation: the watch's descriptors, {@code [0]} (the inotify fd or eventfd: an event on it must wake a
     * monitor) and {@code [1]} (v1: memory.oom_control, kept open with the registration; else -1); null when
     * nothing is watched.
     */
    public int[] handOffFds() {
        return fd < 0 ? null : new int[] {fd, oomControlFd};
    }

    /** Hibernation: what a resumed watch needs besides the descriptors, one line: "v2 OOM OOM_KILL FILE" or "v1 KILLS DIR". */
    public String handOffState() {
        if (target instanceof OomTarget.V2 v2) {
            return "v2 " + counters.last(OomCounters.OOM) + " " + counters.last(OomCounters.OOM_KILL) + " "
                    + v2.memoryEvents();
        }
        if (target instanceof OomTarget.V1 v1) {
            return "v1 " + oomKillsSeen + " " + v1.cgroupDir();
        }
        return null;
    }

    /**
     * A resumed monitor (hibernation): the watch its predecessor set up, from {@link #handOffState()} and the
     * descriptors the guardian kept (an OOM while no monitor ran left its event pending on them). A state that
     * cannot be read is a warning, and no watch.
     */
    public static OomWatcher resume(String state, int fd, int controlFd, EventLoop loop, Runnable onOom,
                                    Consumer<String> warn) {
        String kind = state == null ? "" : state.split(" ", 2)[0];
        try {
            String[] v2 = state == null ? new String[0] : state.split(" ", 4);
            if (kind.equals("v2") && v2.length == 4 && fd >= 0) {
                OomWatcher watcher = new OomWatcher(new OomTarget.V2(Path.of(v2[3])), loop, onOom, warn);
                watcher.counters.restore(OomCounters.OOM, Long.parseLong(v2[1]));
                watcher.counters.restore(OomCounters.OOM_KILL, Long.parseLong(v2[2]));
                watcher.fd = fd;
                loop.register(fd, Epoll.IN, events -> watcher.v2Ready());
                return watcher;
            }
            String[] v1 = state == null ? new String[0] : state.split(" ", 3);
            if (kind.equals("v1") && v1.length == 3 && fd >= 0) {
                OomWatcher watcher = new OomWatcher(new OomTarget.V1(Path.of(v1[2])), loop, onOom, warn);
                watcher.oomKillsSeen = Long.parseLong(v1[1]);
                watcher.fd = fd;
                watcher.oomControlFd = controlFd;
                loop.register(fd, Epoll.IN, events -> watcher.v1Ready());
                return watcher;
            }
        } catch (NumberFormatException | NativeCallException e) {
            // below
        }
        warn.accept("cannot resume the OOM watch (" + state + "): no OOM monitoring");
        Sys.closeQuietly(fd);
        Sys.closeQuietly(controlFd);
        return new OomWatcher(new OomTarget.None("not resumed"), loop, onOom, warn);
    }

    /** What is watched, for diagnostics: "cgroup v1 DIR", "cgroup v2 FILE" or "none". */
    public String description() {
        if (target instanceof OomTarget.V1 v1) {
            return "cgroup v1 " + v1.cgroupDir();
        }
        if (target instanceof OomTarget.V2 v2) {
            return "cgroup v2 " + v2.memoryEvents();
        }
        return "none";
    }

    /** True while an fd is registered with the loop. */
    public boolean active() {
        return fd >= 0;
    }

    // ---- cgroup v1 ----

    private void startV1(Path dir) {
        Path eventControl = dir.resolve("cgroup.event_control");
        Path oomControl = dir.resolve("memory.oom_control");
        int controlFd = -1;
        try {
            controlFd = Sys.open(eventControl.toString(), Sys.O_WRONLY | Sys.O_CLOEXEC, 0);
            oomControlFd = Sys.open(oomControl.toString(), Sys.O_RDONLY | Sys.O_CLOEXEC, 0);
            fd = Notify.eventfd();
            try {
                Sys.writeAll(controlFd, (fd + " " + oomControlFd).getBytes(StandardCharsets.US_ASCII));
            } catch (NativeCallException e) {
                // e.g. PREEMPT_RT kernels refuse memcg event registration: the counter cross-check remains
                warn.accept("Failed to write to cgroup.event_control: " + e.reason());
            }
            OptionalLong kills = readOomKills(oomControl);
            oomKillsSeen = kills.orElse(-1);
            loop.register(fd, Epoll.IN, events -> v1Ready());
        } catch (NativeCallException e) {
            warn.accept("Failed to set up OOM monitoring in " + dir + ": " + e.getMessage());
            closeFds();
        } finally {
            Sys.closeQuietly(controlFd);
        }
    }

    private void v1Ready() {
        try {
            boolean removed = cgroupRemoved();
            v1Count(Notify.readEventCount(fd), removed);
        } catch (NativeCallException | RuntimeException e) {
            // level-triggered: an fd that cannot be read would wake the loop forever
            warn.accept("Failed to read oom event from eventfd: " + e.getMessage());
            stop();
        }
    }

    /**
     * Whether the cgroup is gone, checked before the count is read (as conmon
     * does): the kernel signals the removal only after the cgroup's files are
     * gone, so a count read after seeing the files includes no removal unless
     * the removal raced in between (then an OOM is reported wrongly, the
     * lesser evil); a count read after seeing them gone that is 1 is the
     * removal unless an OOM and the removal coincide.
     */
    private boolean cgroupRemoved() {
        return !Files.exists(((OomTarget.V1) target).cgroupDir().resolve("cgroup.event_control"));
    }

    /** Interprets an eventfd count (0 = nothing pending). */
    private void v1Count(long count, boolean removed) {
        if (count == 0) {
            return;
        }
        Path dir = ((OomTarget.V1) target).cgroupDir();
        if (count == 1 && removed) {
            // the cgroup removal event: nothing more will come
            stop();
            return;
        }
        OptionalLong kills = removed ? OptionalLong.empty() : readOomKills(dir.resolve("memory.oom_control"));
        if (kills.isPresent()) {
            oomKillsSeen = Math.max(oomKillsSeen, kills.getAsLong());
        }
        onOom.run();
        if (removed) {
            stop();
        }
    }

    private static OptionalLong readOomKills(Path oomControl) {
        try {
            return OomCounters.parseOomControlKills(Files.readString(oomControl, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    // ---- cgroup v2 ----

    private void startV2(Path memoryEvents) {
        try {
            fd = Notify.inotifyInit();
            Notify.inotifyAddWatch(fd, memoryEvents.toString(), Notify.IN_MODIFY);
            loop.register(fd, Epoll.IN, events -> v2Ready());
        } catch (NativeCallException e) {
            warn.accept("Failed to add inotify watch for " + memoryEvents + ": " + e.reason());
            closeFds();
        }
    }

    private void v2Ready() {
        boolean watchGone = false;
        try {
            watchGone = drainInotify();
        } catch (NativeCallException | RuntimeException e) {
            warn.accept("Failed to read oom event from inotify: " + e.getMessage());
            watchGone = true; // level-triggered: an fd that cannot be read would wake the loop forever
        }
        if (!checkMemoryEvents() || watchGone) {
            stop();
        }
    }

    /** Reads all queued inotify events; true if the watch was removed (IN_IGNORED). */
    private boolean drainInotify() throws NativeCallException {
        byte[] buf = new byte[INOTIFY_BUFFER];
        boolean ignored = false;
        int n;
        while ((n = Sys.read(fd, buf, buf.length)) > 0) {
            ByteBuffer events = ByteBuffer.wrap(buf, 0, n).order(ByteOrder.nativeOrder());
            for (int at = 0; at + INOTIFY_HEADER <= n; ) {
                int mask = events.getInt(at + INOTIFY_MASK_OFFSET);
                ignored |= (mask & Notify.IN_IGNORED) != 0;
                at += INOTIFY_HEADER + events.getInt(at + INOTIFY_LEN_OFFSET);
            }
        }
        return ignored;
    }

    /** Reads memory.events and reports a new OOM; false if the file is gone. */
    private boolean checkMemoryEvents() {
        Path file = ((OomTarget.V2) target).memoryEvents();
        Map<String, Long> reading;
        try {
            reading = OomCounters.parseMemoryEvents(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            // kernfs answers ENODEV once the cgroup is being removed
            return Files.exists(file);
        }
        if (counters.update(reading)) {
            onOom.run();
        }
        return true;
    }

    // ---- common ----

    /**
     * The final check after the main loop: an OOM notification may still be
     * pending when the container's exit ended the loop. v2 re-reads
     * memory.events; v1 consumes a pending eventfd count and compares the
     * oom_kill counter with the last value seen.
     */
    public void checkAfterExit() {
        try {
            if (target instanceof OomTarget.V1 v1) {
                if (fd >= 0) {
                    boolean removed = cgroupRemoved();
                    v1Count(Notify.readEventCount(fd), removed);
                }
                if (oomKillsSeen >= 0) {
                    OptionalLong kills = readOomKills(v1.cgroupDir().resolve("memory.oom_control"));
                    if (kills.isPresent() && kills.getAsLong() > oomKillsSeen) {
                        oomKillsSeen = kills.getAsLong();
                        onOom.run();
                    }
                }
            } else if (target instanceof OomTarget.V2 && fd >= 0) {
                checkMemoryEvents();
            }
        } catch (NativeCallException | RuntimeException e) {
            warn.accept("Failed to check for OOM after exit: " + e.getMessage());
        }
    }

    /** Stops watching: unregisters from the loop and closes the fds. */
    private void stop() {
        if (fd >= 0) {
            try {
                loop.unregister(fd);
            } catch (NativeCallException e) {
                // the fd is closed next, which removes it from the epoll set anyway
            }
        }
        closeFds();
    }

    private void closeFds() {
        Sys.closeQuietly(fd);
        Sys.closeQuietly(oomControlFd);
        fd = -1;
        oomControlFd = -1;
    }

    @Override
    public void close() {
        stop();
    }
}
