package io.conmonj.drivers.builtin.k8sfile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Real and effective uid of this process, from {@code /proc/self/status} (the JDK has no getuid()). */
final class ProcessIds {
    private static volatile int[] ids; // {uid, euid}

    private ProcessIds() {
    }

    static int uid() {
        return ids()[0];
    }

    static int euid() {
        return ids()[1];
    }

    private static int[] ids() {
        int[] v = ids;
        if (v == null) {
            v = read();
            ids = v;
        }
        return v;
    }

    private static int[] read() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    String[] f = line.substring(4).trim().split("\\s+");
                    return new int[] {Integer.parseInt(f[0]), Integer.parseInt(f[1])};
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return new int[] {-1, -1}; // unknown: only root-owned parents pass
    }
}
