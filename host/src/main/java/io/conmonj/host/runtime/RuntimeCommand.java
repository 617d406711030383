package io.conmonj.host.runtime;

import io.conmonj.host.cli.Options;

import java.util.ArrayList;
import java.util.List;

/** The OCI runtime's argv, in conmon's exact order (conmon-behaviour.md §4.1). */
public final class RuntimeCommand {
    private RuntimeCommand() {}

    /**
     * @param consoleSocket the console socket path in terminal mode, else null
     */
    public static List<String> build(Options options, String consoleSocket) {
        List<String> argv = new ArrayList<>();
        argv.add(options.runtime());
        boolean exec = options.exec();
        if (options.systemdCgroup() && !exec) {
            argv.add("--systemd-cgroup");
        }
        argv.addAll(options.runtimeArgs());
        if (exec) {
            argv.add("exec");
            argv.add("--pid-file");
            argv.add(options.containerPidfile());
            argv.add("--process");
            argv.add(options.execProcessSpec());
            argv.add("--detach");
        } else {
            argv.add(options.restore() != null ? "restore" : "create");
            argv.add("--bundle");
            argv.add(options.bundle());
            argv.add("--pid-file");
            argv.add(options.containerPidfile());
            if (options.noPivot()) {
                argv.add("--no-pivot");
            }
            if (options.noNewKeyring()) {
                argv.add("--no-new-keyring");
            }
            if (options.restore() != null) {
                argv.add("--detach");
                argv.add("--image-path");
                argv.add(options.restore());
                argv.add("--work-path");
                argv.add(options.bundle());
            }
        }
        argv.addAll(options.runtimeOpts());
        if (consoleSocket != null) {
            argv.add("--console-socket");
            argv.add(consoleSocket);
        }
        argv.add(options.cid());
        return argv;
    }
}
