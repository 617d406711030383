package io.conmonj.host.cli;

import java.util.List;

/**
 * What {@link Validator#validate} hands to the monitor: the options it checked plus the
 * values it derived on the way.
 *
 * @param options             the parsed command line
 * @param logLevel            conmon's own diagnostics level
 * @param logs                the log the command line describes: conmon's own from {@code -l}, and what selecting
 *                            the container's drivers takes from the command line
 * @param warnings            non-fatal messages (conmon-behaviour.md §1.4 step 15), without prefix; conmon prints
 *                            each as {@code [conmon:w]: MSG} on stderr via {@code nwarn}, i.e. only when
 *                            the log level is at least {@link LogLevel#WARN} (and to syslog with
 *                            {@code --syslog})
 * @param refusalAfterLogOpen the error of a check conmon makes only after opening its k8s-file log
 *                            ({@code --log-tag}, {@code --log-label}, the CID length for journald), or null when
 *                            every check passed; see {@link #refuseAfterLogOpen()}
 */
public record ValidatedConfig(Options options, LogLevel logLevel, LogConfig logs, List<String> warnings,
                              ConfigError refusalAfterLogOpen) {

    /** Prefix conmon's {@code nwarn} puts in front of a warning on stderr. */
    public static final String WARNING_PREFIX = "[conmon:w]: ";

    public ValidatedConfig {
        warnings = List.copyOf(warnings);
    }

    /**
     * Throws the error of the checks conmon makes after opening its log, if one failed. Call it once the log of
     * {@link #logs()} is open (a failure to open it is reported first, as conmon does) and before anything else.
     */
    public void refuseAfterLogOpen() throws ConfigError {
        if (refusalAfterLogOpen != null) {
            throw refusalAfterLogOpen;
        }
    }

    /** The {@code -l} drivers, at most one per driver (see {@link LogPaths#parse}). */
    public List<LogTarget> logTargets() {
        return logs.targets();
    }

    /** Whether {@code driver} was selected by some {@code -l}. */
    public boolean uses(LogTarget.Driver driver) {
        return logs.uses(driver);
    }

    /** The k8s-file path (the last one given), or {@code null} without k8s-file. */
    public String k8sFilePath() {
        return logs.k8sFile() == null ? null : logs.k8sFile().path();
    }
}
