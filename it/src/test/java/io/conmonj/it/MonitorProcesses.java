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

    /** The pid and its children (every thread's), each as {@code pid} → its command line with NULs as spaces. */
    static List<String> commandLines(long pid) {
        List<String> out = new ArrayList<>();
        out.add(commandLine(pid));
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                String children = Files.readString(task.resolve("children")).strip();
                if (children.isEmpty()) continue;
                for (String child : children.split("\\s+")) out.add(commandLine(Long.parseLong(child)));
            }
        } catch (IOException e) {
            throw new AssertionError("cannot list the children of " + pid + ": " + e);
        }
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
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                String children = Files.readString(task.resolve("children")).strip();
                if (!children.isEmpty()) for (String c : children.split("\\s+")) pids.add(Long.parseLong(c));
            }
            for (long p : pids) {
                if (Files.readString(Path.of("/proc", Long.toString(p), "maps")).contains(file)) return true;
            }
        } catch (IOException e) {
            throw new AssertionError("cannot read the maps of " + pid + ": " + e);
        }
        return false;
    }
}
