package io.conmonj.host.runtime;

import io.conmonj.host.sys.NativeCallException;
import io.conmonj.host.sys.Spawn;
import io.conmonj.host.sys.Sys;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Starts the OCI runtime the way conmon's runtime child does (conmon-behaviour.md §4.2):
 * through the conmon-j-exec helper, which sets PDEATHSIG, restores the signal
 * mask and oom_score_adj and handles LISTEN_PID before it execs the runtime.
 * fds 0-2 are the container's stdio pipes; the fds conmon inherited from its
 * caller (Podman's preserved fds, reserved ports) stay at their numbers.
 */
public final class RuntimeProcess {
    private final Path helper;

    public RuntimeProcess(Path helper) {
        this.helper = helper;
    }

    /** Everything the runtime child needs besides its argv. */
    public record Stdio(int stdin, int stdout, int stderr) {}

    /**
     * @param startPipeFd the start pipe to read byte #2 from before the runtime runs, or -1
     */
    public int start(List<String> runtimeArgv, Stdio stdio, Set<Integer> inheritedFds,
                     Map<String, String> environment, boolean replaceListenPid,
                     String originalOomScoreAdj, int startPipeFd) throws NativeCallException {
        List<String> argv = new ArrayList<>();
        argv.add(helper.toString());
        argv.add("--parent");
        argv.add(Integer.toString(Sys.getpid()));
        argv.add("--listen-pid");
        argv.add(replaceListenPid ? "replace" : "keep");
        if (originalOomScoreAdj != null) {
            argv.add("--oom-score-adj");
            argv.add(originalOomScoreAdj);
        }
        Set<Integer> helperFds = new java.util.LinkedHashSet<>(inheritedFds);
        if (startPipeFd >= 0) {
            // --exec-attach: the helper waits for start byte #2, then closes the pipe before exec (conmon-behaviour.md §3.2)
            argv.add("--start-fd");
            argv.add(Integer.toString(startPipeFd));
            helperFds.add(startPipeFd);
        }
        argv.add("--");
        argv.addAll(runtimeArgv);
        return new Spawn(helper.toString(), argv)
                .dup(stdio.stdin(), 0)
                .dup(stdio.stdout(), 1)
                .dup(stdio.stderr(), 2)
                .inherit(helperFds)
                .environment(environment)
                .start();
    }
}
