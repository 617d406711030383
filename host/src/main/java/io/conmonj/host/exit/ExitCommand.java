package io.conmonj.host.exit;

import io.conmonj.host.sys.NativeCallException;
import io.conmonj.host.sys.Spawn;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * --exit-command: run once, after the exit files exist (conmon-behaviour.md §10.8), with
 * argv[0] = the path itself and empty arguments preserved, stdio on /dev/null,
 * no descriptors beyond 0-2, after --exit-delay seconds. The delay and the
 * oom_score_adj restore happen in the conmon-j-exec helper so the monitor
 * itself does not sleep.
 */
public final class ExitCommand {
    private final Path helper;
    private final String command;
    private final List<String> args;
    private final int delaySeconds;

    public ExitCommand(Path helper, String command, List<String> args, int delaySeconds) {
        this.helper = helper;
        this.command = command;
        this.args = List.copyOf(args);
        this.delaySeconds = delaySeconds;
    }

    /** Starts the command and returns its pid; the caller reaps it. */
    public int start(int devNull, Map<String, String> environment, String originalOomScoreAdj)
            throws NativeCallException {
        List<String> argv = new ArrayList<>();
        argv.add(helper.toString());
        argv.add("--delay");
        argv.add(Integer.toString(delaySeconds));
        if (originalOomScoreAdj != null) {
            argv.add("--oom-score-adj");
            argv.add(originalOomScoreAdj);
        }
        argv.add("--");
        argv.add(command);
        argv.addAll(args);
        return new Spawn(helper.toString(), argv)
                .dup(devNull, 0)
                .dup(devNull, 1)
                .dup(devNull, 2)
                .inherit(Set.of())
                .environment(environment)
                .start();
    }
}
