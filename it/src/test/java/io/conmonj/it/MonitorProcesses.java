package io.conmonj.it;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The processes behind a container's {@code ConmonPid}: the pid itself and its children. For the C conmon that is
 * the monitor; for conmon-j the pid may be a small native parent (a guardian) whose child runs the monitor's JVM,
 * so a check of "which monitor runs this container" looks at both.
 */
final class MonitorProcesses {
    private MonitorProcesses() {}

    /** The children of {@code pid}, every thread's (a thread that ended meanwhile has none). */
    static List<Long> children(long pid) {
        List<Long> out = new ArrayList<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                String children;
                try {
                    children = Files.readString(task.resolve("children")).strip();
                } catch (IOException gone) {
                    continue; // the thread ended
                }
                if (!children.isEmpty()) for (String c : children.split("\\s+")) out.add(Long.parseLong(c));
            }
        } catch (IOException e) {
            throw new AssertionError("cannot list the children of " + pid + ": " + e);
        }
        return out;
    }

    /** The children of {@code pid} whose executable is named {@code name} (e.g. {@code java}: conmon-j's JVM). */
    static List<Long> childrenRunning(long pid, String name) {
        List<Long> out = new ArrayList<>();
        for (long child : children(pid)) {
            try {
                if (Files.readSymbolicLink(Path.of("/proc", Long.toString(child), "exe")).getFileName().toString().equals(name)) {
                    out.add(child);
                }
            } catch (IOException gone) {
                // ended, or not ours to read
            }
        }
        return out;
    }

    /** The pid and its children, each as {@code pid} → its command line with NULs as spaces. */
    static List<String> commandLines(long pid) {
        List<String> out = new ArrayList<>();
        out.add(commandLine(pid));
        for (long child : children(pid)) out.add(commandLine(child));
        return out;
    }

    static String commandLine(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
        } catch (IOException e) {
            return "(gone: " + pid + ")";
        }
    }

    /** Whether {@code pid} or one of its children maps {@code file} (e.g. the monitor's AOT cache). */
    static boolean maps(long pid, String file) {
        List<Long> pids = new ArrayList<>(List.of(pid));
        pids.addAll(children(pid));
        try {
            for (long p : pids) {
                if (Files.readString(Path.of("/proc", Long.toString(p), "maps")).contains(file)) return true;
            }
        } catch (IOException e) {
            throw new AssertionError("cannot read the maps of " + pid + ": " + e);
        }
        return false;
    }
}
