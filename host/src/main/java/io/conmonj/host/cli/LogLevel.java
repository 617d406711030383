package io.conmonj.host.cli;

/**
 * conmon's own diagnostic level ({@code --log-level}, conmon-behaviour.md §1.2). Ordered from least to
 * most verbose, so "message at level L is shown" is {@code L.compareTo(current) <= 0}.
 */
public enum LogLevel {
    /** {@code error}, {@code fatal}, {@code panic}: only fatal errors. */
    ERROR,
    /** {@code warn}, {@code warning}; also the default when the option is absent. */
    WARN,
    INFO,
    DEBUG,
    TRACE;

    /**
     * Parses a {@code --log-level} value, ignoring ASCII case only (C {@code strcasecmp}; Java's
     * {@code equalsIgnoreCase} would also accept e.g. a dotless i).
     *
     * @param value the option value, or {@code null} when absent (gives {@link #WARN})
     * @throws ConfigError {@code No such log level X}
     */
    public static LogLevel parse(String value) throws ConfigError {
        if (value == null) {
            return WARN;
        }
        String v = asciiLowerCase(value);
        return switch (v) {
            case "error", "fatal", "panic" -> ERROR;
            case "warn", "warning" -> WARN;
            case "info" -> INFO;
            case "debug" -> DEBUG;
            case "trace" -> TRACE;
            default -> throw ConfigError.error("No such log level " + value);
        };
    }

    private static String asciiLowerCase(String s) {
        char[] chars = s.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            char c = chars[i];
            if (c >= 'A' && c <= 'Z') {
                chars[i] = (char) (c + ('a' - 'A'));
            }
        }
        return new String(chars);
    }
}
