package io.conmonj.host.oom;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where a container's OOM events can be observed, decided from the layout
 * and the container's {@code /proc/PID/cgroup}.
 *
 * <ul>
 * <li>Pure cgroup v2 ({@code /sys/fs/cgroup} is a cgroup2 file system): the
 *     {@code 0::PATH} line, {@code /sys/fs/cgroup/PATH/memory.events}.</li>
 * <li>Anything else (cgroup v1, and the hybrid layout with a cgroup2 mount at
 *     {@code /sys/fs/cgroup/unified}): the v1 memory controller, located
 *     through its line in {@code /proc/PID/cgroup} and its mount point in
 *     mountinfo. Only if there is no v1 memory controller at all (hybrid with
 *     memory on the unified hierarchy) the unified mount's
 *     {@code memory.events} is used instead.</li>
 * </ul>
 */
sealed interface OomTarget {
    /** A v1 memory cgroup directory: cgroup.event_control + memory.oom_control. */
    record V1(Path cgroupDir) implements OomTarget {}

    /** A cgroup v2 {@code memory.events} file. */
    record V2(Path memoryEvents) implements OomTarget {}

    /** No way to watch; {@code reason} says why. */
    record None(String reason) implements OomTarget {}

    Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");

    static OomTarget locate(boolean pureV2, String procCgroup, String mountinfo) {
        List<ProcCgroup.Line> lines = ProcCgroup.parse(procCgroup);
        if (pureV2) {
            Optional<String> path = ProcCgroup.unifiedPath(lines);
            if (path.isEmpty()) {
                return new None("no 0:: line in the cgroup file");
            }
            return new V2(under(CGROUP_ROOT, path.get()).resolve("memory.events"));
        }
        List<CgroupMounts.Mount> mounts = CgroupMounts.parse(mountinfo);
        Optional<String> memoryPath = ProcCgroup.controllerPath(lines, "memory");
        if (memoryPath.isPresent()) {
            Optional<Path> dir = CgroupMounts.v1Dir(mounts, "memory", memoryPath.get());
            // no mountinfo entry (unusual): the conventional place, as conmon assumes
            return new V1(dir.orElse(under(CGROUP_ROOT.resolve("memory"), memoryPath.get())));
        }
        Optional<String> unified = ProcCgroup.unifiedPath(lines);
        if (unified.isPresent()) {
            Optional<Path> dir = CgroupMounts.unifiedDir(mounts, unified.get());
            if (dir.isPresent()) {
                return new V2(dir.get().resolve("memory.events"));
            }
        }
        return new None("no memory controller in the cgroup file");
    }

    private static Path under(Path mount, String cgroupPath) {
        String relative = CgroupMounts.withoutLeadingSlashes(cgroupPath);
        return relative.isEmpty() ? mount : mount.resolve(relative);
    }
}
