package io.conmonj.host;

import io.conmonj.host.lifecycle.LauncherLink;
import io.conmonj.host.lifecycle.MonitorProcess;

/**
 * Entry point of the monitor JVM, started by the native launcher (bin/conmon)
 * with conmon's own command line.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        int status = new MonitorProcess(LauncherLink.fromEnvironment(), System.out, System.err).run(args);
        System.out.flush();
        // halt, not exit: there are no shutdown hooks to run, and the process must end now
        Runtime.getRuntime().halt(status & 0xff);
    }
}
