package io.conmonj.plugin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A driver's options, checked against the keys the driver declares, with typed and bounded getters.
 *
 * <p>Option values come from annotations, which people who are not root on the host write: every getter refuses a
 * value outside the driver's bounds, and every message has one form, {@code option KEY: WHAT}, with the value
 * quoted safely (control characters escaped, long values cut). The host puts {@code log driver NAME: } in front
 * once; a driver does not add its own name.
 *
 * <pre>{@code
 * DriverOptions o = DriverOptions.of(options, "path", "max-size", "compress");
 * String path = o.string("path", null, 4096);
 * long maxSize = o.size("max-size", -1, 4096, 1L << 40);
 * boolean compress = o.bool("compress", false);
 * }</pre>
 *
 * <p>Getters take the key's default, returned when the key is absent. A getter for a key that was not declared
 * is a bug of the driver and throws {@link IllegalArgumentException}.
 */
public final class DriverOptions {
    /** The longest value echoed in a message; the rest is cut (annotations may be long). */
    static final int MAX_ECHO = 64;
    /** The longest integer, size or duration text considered at all; longer ones are refused before parsing. */
    static final int MAX_NUMBER_TEXT = 64;

    private final Map<String, String> values;
    private final Set<String> declared;

    private DriverOptions(Map<String, String> values, Set<String> declared) {
        this.values = values;
        this.declared = declared;
    }

    /**
     * Checks that every key of {@code options} is one of {@code known}.
     *
     * @throws LogDriverException {@code option KEY: unknown (known: ...)} for the first unknown key in name order
     */
    public static DriverOptions of(Map<String, String> options, String... known) throws LogDriverException {
        return of(options, List.of(known));
    }

    /** As {@link #of(Map, String...)}. */
    public static DriverOptions of(Map<String, String> options, List<String> known) throws LogDriverException {
        Set<String> declared = Set.copyOf(known);
        for (String key : new TreeSet<>(options.keySet())) {
            if (!declared.contains(key)) {
                throw new LogDriverException("option " + keyText(key) + ": unknown (known: "
                        + String.join(", ", known) + ")");
            }
        }
        return new DriverOptions(Collections.unmodifiableMap(new LinkedHashMap<>(options)), declared);
    }

    /** The error every driver uses for one option: {@code option KEY: MESSAGE}. */
    public static LogDriverException error(String key, String message) {
        return new LogDriverException("option " + keyText(key) + ": " + message);
    }

    /**
     * A name for a message: as it is when it is a plain name (letters, digits, {@code . _ -}, 1 to 64 characters),
     * else {@link #echo quoted and escaped}. For option keys, label and variable names in warnings.
     */
    public static String name(String key) {
        return keyText(key);
    }

    private static String keyText(String key) {
        if (key.isEmpty() || key.length() > MAX_ECHO) {
            return echo(key);
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!plain) {
                return echo(key);
            }
        }
        return key;
    }

    /** Whether the option was given. */
    public boolean has(String key) {
        check(key);
        return values.containsKey(key);
    }

    /** The value as given, or null. */
    public String raw(String key) {
        check(key);
        return values.get(key);
    }

    /**
     * A string of at most {@code maxLength} characters.
     *
     * @return the value, or {@code dflt} when absent
     */
    public String string(String key, String dflt, int maxLength) throws LogDriverException {
        String v = raw(key);
        if (v == null) {
            return dflt;
        }
        if (v.length() > maxLength) {
            throw error(key, "longer than " + maxLength + " characters (" + echo(v) + ")");
        }
        return v;
    }

    /** As {@link #string} for a key that must be given. */
    public String requiredString(String key, int maxLength) throws LogDriverException {
        String v = string(key, null, maxLength);
        if (v == null) {
            throw error(key, "required");
        }
        return v;
    }

    /**
     * Go's {@code strconv.ParseBool}, which Docker uses for its log options: {@code 1 t T TRUE true True} and
     * {@code 0 f F FALSE false False}. An empty value is the default, as Docker's drivers treat it.
     */
    public boolean bool(String key, boolean dflt) throws LogDriverException {
        String v = raw(key);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        return switch (v) {
            case "1", "t", "T", "TRUE", "true", "True" -> true;
            case "0", "f", "F", "FALSE", "false", "False" -> false;
            default -> throw error(key, echo(v) + " is not a boolean (true or false; also 1, t, TRUE, 0, f, FALSE)");
        };
    }

    /**
     * A decimal integer (optional sign, as Go's {@code strconv.Atoi}) in {@code [min, max]}.
     *
     * @return the value, or {@code dflt} when absent (the default is not checked against the bounds: -1 may mean
     * "no limit")
     */
    public long integer(String key, long dflt, long min, long max) throws LogDriverException {
        String v = raw(key);
        if (v == null) {
            return dflt;
        }
        long n;
        try {
            if (v.length() > MAX_NUMBER_TEXT || !v.matches("[+-]?[0-9]+")) {
                throw new NumberFormatException();
            }
            n = Long.parseLong(v.startsWith("+") ? v.substring(1) : v);
        } catch (NumberFormatException e) {
            throw error(key, echo(v) + " is not an integer" + range(min, max));
        }
        return bounded(key, v, n, min, max, Long.toString(min), Long.toString(max));
    }

    /** As {@link #integer} for an {@code int}. */
    public int intValue(String key, int dflt, int min, int max) throws LogDriverException {
        return (int) integer(key, dflt, min, max);
    }

    /**
     * A size in the syntax of {@link BinarySize} ({@code 65536}, {@code 512k}, {@code 4m}, {@code 1g}; 1024-based)
     * in {@code [min, max]} bytes.
     */
    public long size(String key, long dflt, long min, long max) throws LogDriverException {
        String v = raw(key);
        if (v == null) {
            return dflt;
        }
        long n = v.length() > MAX_NUMBER_TEXT ? -1 : BinarySize.parse(v);
        if (n <= 0) {
            throw error(key, echo(v) + " is not a size (such as 65536, 512k, 4m, 1g)");
        }
        return bounded(key, v, n, min, max, BinarySize.format(min), BinarySize.format(max));
    }

    /**
     * A duration in Go's {@code time.ParseDuration} syntax ({@code 500ms}, {@code 1s}, {@code 1m30s}, {@code 1.5h};
     * units ns, us, µs, ms, s, m, h; {@code 0} alone) in {@code [min, max]}.
     */
    public Duration duration(String key, Duration dflt, Duration min, Duration max) throws LogDriverException {
        String v = raw(key);
        if (v == null) {
            return dflt;
        }
        Duration d = v.length() > MAX_NUMBER_TEXT ? null : GoDuration.parse(v);
        if (d == null) {
            throw error(key, echo(v) + " is not a duration (such as 500ms, 1s, 1m30s)");
        }
        if (d.compareTo(min) < 0) {
            throw error(key, echo(v) + " is below the minimum " + GoDuration.format(min));
        }
        if (d.compareTo(max) > 0) {
            throw error(key, echo(v) + " is above the maximum " + GoDuration.format(max));
        }
        return d;
    }

    /** One of {@code allowed}, compared exactly. */
    public String choice(String key, String dflt, String... allowed) throws LogDriverException {
        Map<String, String> m = new LinkedHashMap<>();
        for (String a : allowed) {
            m.put(a, a);
        }
        return choice(key, dflt, m);
    }

    /**
     * One of the keys of {@code values} (compared exactly), mapped to its value; the message lists the keys in the
     * map's order.
     */
    public <T> T choice(String key, T dflt, Map<String, T> values) throws LogDriverException {
        String v = raw(key);
        if (v == null) {
            return dflt;
        }
        T t = values.get(v);
        if (t == null) {
            throw error(key, echo(v) + " is not one of " + String.join(", ", new ArrayList<>(values.keySet())));
        }
        return t;
    }

    private long bounded(String key, String v, long n, long min, long max, String minText, String maxText)
            throws LogDriverException {
        if (n < min) {
            throw error(key, echo(v) + " is below the minimum " + minText);
        }
        if (n > max) {
            throw error(key, echo(v) + " is above the maximum " + maxText);
        }
        return n;
    }

    private static String range(long min, long max) {
        return " (" + min + " to " + max + ")";
    }

    private void check(String key) {
        if (!declared.contains(key)) {
            throw new IllegalArgumentException("option " + key + " was not declared");
        }
    }

    /**
     * A value quoted for a message: in single quotes, control characters, quotes and backslashes escaped, cut after
     * {@value #MAX_ECHO} characters. Keys and values are hostile: they must not forge lines in the monitor's log.
     */
    public static String echo(String value) {
        StringBuilder sb = new StringBuilder(Math.min(value.length(), MAX_ECHO) + 8).append('\'');
        int n = Math.min(value.length(), MAX_ECHO);
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c == '\'' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029') {
                sb.append(String.format("\\x%02x", (int) c & 0xffff));
            } else {
                sb.append(c);
            }
        }
        sb.append('\'');
        if (value.length() > MAX_ECHO) {
            sb.append("... (").append(value.length()).append(" characters)");
        }
        return sb.toString();
    }
}
