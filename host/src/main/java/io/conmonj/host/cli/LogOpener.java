package io.conmonj.host.cli;

import java.util.List;

/**
 * Opens the log files during validation (conmon-behaviour.md §1.4 step 14): conmon creates the k8s-file
 * log before it forks, so an unwritable path is reported to the caller with exit status 1.
 * Implemented by the logging package; called once, right after the {@code -l} values are
 * parsed and before the {@code --log-tag}/{@code --log-label} checks (so, as in conmon, the
 * file may be created even when those checks then fail).
 */
@FunctionalInterface
public interface LogOpener {
    /**
     * @param targets every parsed target (at most one per driver); the implementation opens the
     *                {@link LogTarget.Driver#K8S_FILE} one if present and ignores the rest
     * @throws ConfigError e.g. {@code ConfigError.error("Failed to open log file " +
     *                     io.conmonj.plugin.ErrnoText.of(e))}
     */
    void open(List<LogTarget> targets) throws ConfigError;
}
