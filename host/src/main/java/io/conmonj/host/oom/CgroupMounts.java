package io.conmonj.host.oom;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The cgroup file systems mounted in this mount namespace, from
 * {@code /proc/self/mountinfo}, and how a path from {@code /proc/PID/cgroup}
 * maps onto them. A mount can expose only part of a hierarchy (its "root"
 * field, e.g. a bind mount or a cgroup namespace): a cgroup path is reachable
 * through a mount only if it lies under that root.
 */
final class CgroupMounts {
    private CgroupMounts() {}

    record Mount(String root, Path mountPoint, String fsType, List<String> superOptions) {
        boolean isV1With(String controller) {
            return fsType.equals("cgroup") && superOptions.contains(controller);
        }

        boolean isUnified() {
            return fsType.equals("cgroup2");
        }

        /** The directory of {@code cgroupPath} under this mount, if the mount exposes it. */
        Optional<Path> resolve(String cgroupPath) {
            String rest;
            if (root.equals("/")) {
                rest = cgroupPath;
            } else if (cgroupPath.equals(root)) {
                rest = "";
            } else if (cgroupPath.startsWith(root + "/")) {
                rest = cgroupPath.substring(root.length());
            } else {
                return Optional.empty();
            }
            String relative = withoutLeadingSlashes(rest);
            return Optional.of(relative.isEmpty() ? mountPoint : mountPoint.resolve(relative));
        }
    }

    /**
     * Parses mountinfo lines ({@code ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS
     * [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS}), keeping cgroup and cgroup2
     * mounts; malformed lines are skipped.
     */
    static List<Mount> parse(String mountinfo) {
        List<Mount> mounts = new ArrayList<>();
        for (String line : mountinfo.split("\n")) {
            String[] f = line.split(" ");
            int dash = Arrays.asList(f).indexOf("-");
            if (dash < 6 || f.length < dash + 4) {
                continue;
            }
            String fsType = f[dash + 1];
            if (!fsType.equals("cgroup") && !fsType.equals("cgroup2")) {
                continue;
            }
            mounts.add(new Mount(unescape(f[3]), Path.of(unescape(f[4])), fsType,
                    List.of(f[dash + 3].split(","))));
        }
        return mounts;
    }

    /** The directory of {@code cgroupPath} in the first v1 mount of {@code controller} that exposes it. */
    static Optional<Path> v1Dir(List<Mount> mounts, String controller, String cgroupPath) {
        for (Mount mount : mounts) {
            Optional<Path> dir = mount.isV1With(controller) ? mount.resolve(cgroupPath) : Optional.empty();
            if (dir.isPresent()) {
                return dir;
            }
        }
        return Optional.empty();
    }

    /** The directory of {@code cgroupPath} in the first cgroup2 mount that exposes it. */
    static Optional<Path> unifiedDir(List<Mount> mounts, String cgroupPath) {
        for (Mount mount : mounts) {
            Optional<Path> dir = mount.isUnified() ? mount.resolve(cgroupPath) : Optional.empty();
            if (dir.isPresent()) {
                return dir;
            }
        }
        return Optional.empty();
    }

    private static boolean isOctal(char c) {
        return c >= '0' && c <= '7';
    }

    /**
     * The path without its leading slashes. A loop, not a regular expression: this runs in every
     * monitor, and java.util.regex is ≈ 20 classes loaded at start-up only for it.
     */
    static String withoutLeadingSlashes(String path) {
        int i = 0;
        while (i < path.length() && path.charAt(i) == '/') {
            i++;
        }
        return path.substring(i);
    }

    /** mountinfo escapes space, tab, newline and backslash as \ooo octal. */
    static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()
                    && isOctal(field.charAt(i + 1)) && isOctal(field.charAt(i + 2)) && isOctal(field.charAt(i + 3))) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
