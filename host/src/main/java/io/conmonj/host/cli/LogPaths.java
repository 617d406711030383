package io.conmonj.host.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns the {@code -l} values into {@link LogTarget}s with conmon's {@code parse_log_path}
 * rules (conmon-behaviour.md §1.3), including its accidents: the value is split with {@code strtok(":")}
 * semantics (empty tokens skipped, anything after the second token silently dropped), so a
 * path containing {@code :} cannot be expressed and {@code :none} is a file named
 * {@code none}.
 */
public final class LogPaths {
    private LogPaths() {
    }

    /**
     * Parses every {@code -l} value in order; the first bad one fails.
     *
     * <p>The result has at most one entry per driver, in order of first appearance, because
     * conmon only records "driver X is on": giving journald twice means journald once, and
     * giving k8s-file twice opens only the <em>last</em> path (that entry carries it).
     *
     * @throws ConfigError {@code Log driver not provided. Use --log-path} when the list is
     *                     empty, or the first per-value error
     */
    public static List<LogTarget> parse(List<String> values) throws ConfigError {
        if (values.isEmpty()) {
            throw ConfigError.error("Log driver not provided. Use --log-path");
        }
        List<LogTarget> targets = new ArrayList<>(4);
        for (String value : values) {
            LogTarget target = parseOne(value);
            int existing = indexOf(targets, target.driver());
            if (existing < 0) {
                targets.add(target);
            } else {
                targets.set(existing, target); // only k8s-file differs: last path wins
            }
        }
        return List.copyOf(targets);
    }

    /** One {@code -l} value. */
    static LogTarget parseOne(String value) throws ConfigError {
        // strtok(value, ":") twice: skip leading ':'s, take a token, skip ':'s, take a token.
        int n = value.length();
        int i = skipColons(value, 0);
        int end = nextColon(value, i);
        String driver = i < n ? value.substring(i, end) : null;
        i = skipColons(value, end);
        String path = i < n ? value.substring(i, nextColon(value, i)) : null;
        boolean hasColon = value.indexOf(':') >= 0;

        if (driver == null) {
            throw ConfigError.error("log-path must not be empty");
        }
        // A single token preceded by ':' is a k8s-file path, so ":none" is a file named "none".
        if (path == null && value.charAt(0) == ':') {
            path = driver;
            driver = "k8s-file";
        }
        switch (driver) {
            case "off", "null", "none" -> {
                return new LogTarget(LogTarget.Driver.NONE, null);
            }
            case "passthrough" -> {
                // 2.1.6 refused passthrough when any of fds 0-2 was a tty ("cannot use a tty
                // with passthrough logging mode to prevent attacks via TIOCSTI"); 2.2.x no
                // longer has that check, so neither do we.
                return new LogTarget(LogTarget.Driver.PASSTHROUGH, null);
            }
            case "journald" -> {
                return new LogTarget(LogTarget.Driver.JOURNALD, null);
            }
            case "k8s-file" -> {
                if (path == null) {
                    throw ConfigError.error("k8s-file requires a filename");
                }
                return new LogTarget(LogTarget.Driver.K8S_FILE, path);
            }
            default -> {
                if (!hasColon) {
                    return new LogTarget(LogTarget.Driver.K8S_FILE, driver);
                }
                throw ConfigError.error("No such log driver " + driver);
            }
        }
    }

    private static int skipColons(String s, int i) {
        while (i < s.length() && s.charAt(i) == ':') {
            i++;
        }
        return i;
    }

    private static int nextColon(String s, int i) {
        int c = s.indexOf(':', i);
        return c < 0 ? s.length() : c;
    }

    private static int indexOf(List<LogTarget> targets, LogTarget.Driver driver) {
        for (int i = 0; i < targets.size(); i++) {
            if (targets.get(i).driver() == driver) {
                return i;
            }
        }
        return -1;
    }
}
