package io.conmonj.host.oom;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OomParsingTest {
    /** /proc/self/cgroup on the project's test machine (v1 controllers + cgroup2 at .../unified). */
    static final String HYBRID_CGROUP = """
            9:name=systemd:/
            8:pids:/
            7:blkio:/
            6:freezer:/
            5:devices:/
            4:memory:/process_api/30fc4de5163f772a76dd145b08d20b2c
            3:cpuset:/
            2:cpuacct:/
            1:cpu:/
            0::/
            """;

    /** /proc/self/mountinfo cgroup lines of the same machine. */
    static final String HYBRID_MOUNTINFO = """
            22 1 253:1 / / rw,relatime - ext4 /dev/vda1 rw
            31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
            32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
            33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
            34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset
            35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
            36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices
            37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
            38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio
            39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
            40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
            41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
            """;

    /** A systemd host with v1 controllers and co-mounted cpu,cpuacct, no unified line. */
    static final String V1_CGROUP = """
            12:cpu,cpuacct:/machine.slice/libpod-abc.scope
            11:memory:/machine.slice/libpod-abc.scope
            1:name=systemd:/machine.slice/libpod-abc.scope
            """;

    static final String V1_MOUNTINFO = """
            25 24 0:22 / /sys/fs/cgroup ro,nosuid shared:9 - tmpfs tmpfs ro,mode=755
            30 25 0:27 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:11 - cgroup cgroup rw,cpu,cpuacct
            31 25 0:28 / /sys/fs/cgroup/memory rw,nosuid shared:12 - cgroup cgroup rw,memory
            """;

    static final String V2_CGROUP = "0::/user.slice/user-1000.slice/libpod-abc.scope/container\n";

    @Test
    void hybridLinesKeepControllersAndPaths() {
        List<ProcCgroup.Line> lines = ProcCgroup.parse(HYBRID_CGROUP);
        assertEquals(10, lines.size());
        assertEquals(Optional.of("/process_api/30fc4de5163f772a76dd145b08d20b2c"),
                ProcCgroup.controllerPath(lines, "memory"));
        assertEquals(Optional.of("/"), ProcCgroup.unifiedPath(lines));
        assertEquals(Optional.of("/"), ProcCgroup.controllerPath(lines, "name=systemd"));
        assertEquals(Optional.empty(), ProcCgroup.controllerPath(lines, "systemd"));
    }

    @Test
    void coMountedControllersAndPathsWithColons() {
        List<ProcCgroup.Line> lines = ProcCgroup.parse(V1_CGROUP + "5:pids:/a:b:c\n");
        assertEquals(Optional.of("/machine.slice/libpod-abc.scope"), ProcCgroup.controllerPath(lines, "cpuacct"));
        assertEquals(Optional.of("/a:b:c"), ProcCgroup.controllerPath(lines, "pids"));
        assertEquals(Optional.empty(), ProcCgroup.unifiedPath(lines));
    }

    @Test
    void theUnifiedLineIsFoundWhereverItIs() {
        // conmon 2.2.1 took the first line on v2; other lines must be skipped
        List<ProcCgroup.Line> lines = ProcCgroup.parse("1:name=systemd:/x\n" + V2_CGROUP + "garbage\n");
        assertEquals(Optional.of("/user.slice/user-1000.slice/libpod-abc.scope/container"),
                ProcCgroup.unifiedPath(lines));
    }

    @Test
    void hybridUsesTheV1MemoryControllerNotTheUnifiedMount() {
        OomTarget target = OomTarget.locate(false, HYBRID_CGROUP, HYBRID_MOUNTINFO);
        assertEquals(new OomTarget.V1(Path.of("/sys/fs/cgroup/memory/process_api/30fc4de5163f772a76dd145b08d20b2c")),
                target);
    }

    @Test
    void v1FindsTheMemoryMountFromMountinfo() {
        String moved = V1_MOUNTINFO.replace("/sys/fs/cgroup/memory", "/run/cg/mem");
        assertEquals(new OomTarget.V1(Path.of("/run/cg/mem/machine.slice/libpod-abc.scope")),
                OomTarget.locate(false, V1_CGROUP, moved));
        // no mountinfo at all: the conventional place
        assertEquals(new OomTarget.V1(Path.of("/sys/fs/cgroup/memory/machine.slice/libpod-abc.scope")),
                OomTarget.locate(false, V1_CGROUP, ""));
    }

    @Test
    void aMountOfASubtreeIsResolvedThroughItsRoot() {
        String mountinfo = "31 25 0:28 /machine.slice /mnt/mem rw - cgroup cgroup rw,memory\n"
                + "32 25 0:28 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n";
        assertEquals(new OomTarget.V1(Path.of("/mnt/mem/libpod-abc.scope")),
                OomTarget.locate(false, V1_CGROUP, mountinfo));
        String other = "31 25 0:28 /other.slice /mnt/mem rw - cgroup cgroup rw,memory\n"
                + "32 25 0:28 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n";
        assertEquals(new OomTarget.V1(Path.of("/sys/fs/cgroup/memory/machine.slice/libpod-abc.scope")),
                OomTarget.locate(false, V1_CGROUP, other));
    }

    @Test
    void pureV2UsesTheUnifiedLineUnderSysFsCgroup() {
        assertEquals(new OomTarget.V2(Path.of(
                        "/sys/fs/cgroup/user.slice/user-1000.slice/libpod-abc.scope/container/memory.events")),
                OomTarget.locate(true, "1:name=systemd:/elsewhere\n" + V2_CGROUP, ""));
        assertTrue(OomTarget.locate(true, V1_CGROUP, "") instanceof OomTarget.None);
    }

    @Test
    void hybridWithoutAV1MemoryControllerFallsBackToTheUnifiedMount() {
        String cgroup = "4:cpu:/\n0::/libpod_parent/libpod-abc\n";
        String mountinfo = HYBRID_MOUNTINFO.replace(
                "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n", "");
        assertEquals(new OomTarget.V2(Path.of("/sys/fs/cgroup/unified/libpod_parent/libpod-abc/memory.events")),
                OomTarget.locate(false, cgroup, mountinfo));
        assertTrue(OomTarget.locate(false, "4:cpu:/\n", mountinfo) instanceof OomTarget.None);
    }

    @Test
    void mountinfoOctalEscapes() {
        assertEquals("/mnt/a b\\c", CgroupMounts.unescape("/mnt/a\\040b\\134c"));
        assertEquals("/x\\04", CgroupMounts.unescape("/x\\04"));
        List<CgroupMounts.Mount> mounts = CgroupMounts.parse(
                "31 25 0:28 / /mnt/cg\\040mem rw - cgroup cgroup rw,memory\n");
        assertEquals(Path.of("/mnt/cg mem"), mounts.getFirst().mountPoint());
    }

    @Test
    void octalEscapesNeedThreeOctalDigits() {
        assertEquals("/a\\089", CgroupMounts.unescape("/a\\089"));
        assertEquals("/a\\x41", CgroupMounts.unescape("/a\\x41"));
        assertEquals("/a\tb", CgroupMounts.unescape("/a\\011b"));
        assertEquals("\\", CgroupMounts.unescape("\\"));
    }

    @Test
    void leadingSlashesAreStrippedAndNothingElse() {
        assertEquals("a/b/", CgroupMounts.withoutLeadingSlashes("///a/b/"));
        assertEquals("a", CgroupMounts.withoutLeadingSlashes("a"));
        assertEquals("", CgroupMounts.withoutLeadingSlashes("//"));
        assertEquals("", CgroupMounts.withoutLeadingSlashes(""));
        assertEquals(new OomTarget.V2(Path.of("/sys/fs/cgroup/x/memory.events")),
                OomTarget.locate(true, "0::///x\n", "24 1 0:22 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n"));
    }

    @Test
    void memoryEventsKeepsOnlyTheOomCounters() {
        Map<String, Long> counters = OomCounters.parseMemoryEvents(
                "low 0\nhigh 12\nmax 40\noom 2\noom_kill 1\noom_group_kill 0\n");
        assertEquals(Map.of("oom", 2L, "oom_kill", 1L), counters);
        assertEquals(OptionalLong.of(3),
                OomCounters.parseOomControlKills("oom_kill_disable 0\nunder_oom 0\noom_kill 3\n"));
        assertEquals(OptionalLong.empty(), OomCounters.parseOomControlKills("oom_kill_disable 0\nunder_oom 0\n"));
    }

    @Test
    void aCounterReportsWhenNonZeroAndDifferentFromTheLastSeen() {
        OomCounters counters = new OomCounters();
        assertFalse(counters.update(Map.of("oom", 0L, "oom_kill", 0L)));
        assertTrue(counters.update(Map.of("oom", 1L, "oom_kill", 0L)));
        assertFalse(counters.update(Map.of("oom", 1L, "oom_kill", 0L)));
        assertTrue(counters.update(Map.of("oom", 1L, "oom_kill", 1L)));
        assertFalse(counters.update(Map.of("oom", 1L, "oom_kill", 1L)));
        assertTrue(counters.update(Map.of("oom", 2L, "oom_kill", 1L)));
        // a zero never reports, and does not reset the last value seen
        assertFalse(counters.update(Map.of("oom", 0L)));
        assertFalse(counters.update(Map.of("oom", 2L)));
        // starting at 0: an OOM from before the watcher started is reported (conmon-behaviour.md §16.18)
        assertTrue(new OomCounters().update(Map.of("oom_kill", 5L)));
    }
}
