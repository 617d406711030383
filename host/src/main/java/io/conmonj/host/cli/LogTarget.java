package io.conmonj.host.cli;

/**
 * One log driver selected with {@code -l} (conmon-behaviour.md §1.3).
 *
 * @param driver which driver
 * @param path   the k8s-file path exactly as given (relative paths resolve against the cwd);
 *               {@code null} for every other driver, whose path part conmon ignores
 */
public record LogTarget(Driver driver, String path) {

    /** The drivers conmon 2.2.1 knows. */
    public enum Driver {
        /** CRI log file ({@code k8s-file:PATH}, or a bare path without {@code :}). */
        K8S_FILE,
        /** systemd journal. */
        JOURNALD,
        /** Container stdio passed through to conmon's caller (conmon-behaviour.md §9.4). */
        PASSTHROUGH,
        /** {@code off}, {@code null} or {@code none}: explicitly nothing (other {@code -l} still apply). */
        NONE
    }
}
