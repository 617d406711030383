package io.conmonj.host.reader;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code --since}/{@code --until} values and record times. */
final class TimeArg {
    private TimeArg() {}

    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");

    /**
     * An RFC 3339 time ({@code 2026-11-30T05:22:01Z}, {@code 2026-11-30T05:22:01.5+01:00}) or a Go
     * duration before {@code now} ({@code 10m}, {@code 1h30m}, {@code 45s}, {@code 1.5h}).
     * @throws IllegalArgumentException with a message for the user
     */
    static Instant parse(String value, Instant now) {
        Instant t = rfc3339(value);
        if (t != null) return t;
        Matcher m = DURATION_PART.matcher(value);
        int at = 0;
        double nanos = 0;
        while (at < value.length() && m.find(at) && m.start() == at) {
            double n = Double.parseDouble(m.group(1));
            nanos += n * switch (m.group(2)) {
                case "ns" -> 1d;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
            at = m.end();
        }
        if (at == 0 || at != value.length()) {
            throw new IllegalArgumentException("invalid time \"" + value
                    + "\": expected an RFC 3339 time (2026-11-30T05:22:01Z) or a duration (10m, 1h30m)");
        }
        return now.minusNanos((long) nanos);
    }

    /** A record's time (k8s-file or json-file), or null if it is not RFC 3339. */
    static Instant rfc3339(String value) {
        try {
            return OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
