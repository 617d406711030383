package io.conmonj.host.cli;

import java.util.List;

/**
 * What {@link Validator#validate} hands to the monitor: the options it checked plus the
 * values it derived on the way.
 *
 * @param options    the parsed command line (all conmon-behaviour.md §1.4 checks passed)
 * @param logLevel   conmon's own diagnostics level
 * @param logTargets the {@code -l} drivers, at most one per driver (see {@link LogPaths#parse})
 * @param warnings   non-fatal messages (conmon-behaviour.md §1.4 step 15), without prefix; conmon prints
 *                   each as {@code [conmon:w]: MSG} on stderr via {@code nwarn}, i.e. only when
 *                   the log level is at least {@link LogLevel#WARN} (and to syslog with
 *                   {@code --syslog})
 */
public record ValidatedConfig(Options options, LogLevel logLevel, List<LogTarget> logTargets, List<String> warnings) {

    /** Prefix conmon's {@code nwarn} puts in front of a warning on stderr. */
    public static final String WARNING_PREFIX = "[conmon:w]: ";

    public ValidatedConfig {
        logTargets = List.copyOf(logTargets);
        warnings = List.copyOf(warnings);
    }

    /** Whether {@code driver} was selected by some {@code -l}. */
    public boolean uses(LogTarget.Driver driver) {
        for (LogTarget t : logTargets) {
            if (t.driver() == driver) {
                return true;
            }
        }
        return false;
    }

    /** The k8s-file path (the last one given), or {@code null} without k8s-file. */
    public String k8sFilePath() {
        for (LogTarget t : logTargets) {
            if (t.driver() == LogTarget.Driver.K8S_FILE) {
                return t.path();
            }
        }
        return null;
    }
}
