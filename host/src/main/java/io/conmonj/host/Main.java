package io.conmonj.host;

import io.conmonj.host.lifecycle.LauncherLink;
import io.conmonj.host.lifecycle.ProcessLifecycle;

/**
 * Entry point of the monitor JVM, started by the native launcher (bin/conmon)
 * with conmon's own command line.
 */
public final class Main {
    private Main() {}

    /**
     * The process is named "java" otherwise: `pgrep conmon`, ps, and journald's
     * _COMM field (conmon's own tests query _COMM=conmon) should see "conmon".
     * /proc/self/comm names the thread-group leader, which is what they read.
     */
    private static void nameProcessConmon() {
        try {
            java.nio.file.Files.writeString(java.nio.file.Path.of("/proc/self/comm"), "conmon");
        } catch (java.io.IOException | RuntimeException e) {
            // cosmetic: keep going under the JVM's name
        }
    }

    public static void main(String[] args) {
        nameProcessConmon();
        int status = new ProcessLifecycle(LauncherLink.fromEnvironment(), System.out, System.err).run(args);
        System.out.flush();
        // halt, not exit: there are no shutdown hooks to run, and the process must end now
        Runtime.getRuntime().halt(status & 0xff);
    }
}
