package io.conmonj.it;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * The sockets a monitor holds open (its {@code -P} pid and that pid's children: conmon-j's guardian runs the JVM as
 * its child), to await what only the monitor's side shows: an attach client counts as accepted once the monitor
 * holds a socket for it. A client's {@code connect} returns when the connection is queued, before the accept, and a
 * client not accepted yet when the container writes misses that output (no replay), so a case whose clients must all
 * see the output awaits their accept first.
 */
final class MonitorSockets {
    private MonitorSockets() {}

    /** The inodes of the sockets {@code pid} and its children hold now (a process that went away holds none). */
    static Set<Long> held(long pid) {
        Set<Long> pids = new HashSet<>(MonitorProcesses.children(pid));
        pids.add(pid);
        Set<Long> inodes = new HashSet<>();
        for (long p : pids) {
            try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(p), "fd"))) {
                for (Path fd : fds) {
                    String target;
                    try {
                        target = Files.readSymbolicLink(fd).toString();
                    } catch (IOException closed) {
                        continue;
                    }
                    if (target.startsWith("socket:[") && target.endsWith("]")) {
                        inodes.add(Long.parseLong(target.substring(8, target.length() - 1)));
                    }
                }
            } catch (IOException gone) {
                // the process ended: it holds nothing
            }
        }
        return inodes;
    }

    /** Waits until the monitor {@code pid} holds at least {@code count} sockets that are not in {@code before}. */
    static void awaitNew(long pid, Set<Long> before, int count, Duration timeout) {
        Await.value("monitor " + pid + " holding " + count + " new sockets (accepted clients)", timeout, () -> {
            Set<Long> now = held(pid);
            now.removeAll(before);
            return now.size();
        }, n -> n >= count);
    }
}
