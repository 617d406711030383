package io.conmonj.plugin;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * Go's {@code time.ParseDuration} syntax, which Docker's log options use ({@code fluentd-retry-wait=1s}): an optional
 * sign, then one or more decimal numbers (a fraction allowed) each with a unit ({@code ns}, {@code us}, {@code µs},
 * {@code μs}, {@code ms}, {@code s}, {@code m}, {@code h}); {@code 0} alone. Parsed by hand in one pass (no regular
 * expression), exactly (BigDecimal), refusing what does not fit Go's int64 nanoseconds.
 */
final class GoDuration {
    private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);

    private GoDuration() {
    }

    /** The duration, or null if {@code s} is not one (or overflows). */
    static Duration parse(String s) {
        int i = 0;
        int n = s.length();
        boolean negative = false;
        if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        if (s.substring(i).equals("0")) {
            return Duration.ZERO;
        }
        if (i == n) {
            return null;
        }
        BigDecimal total = BigDecimal.ZERO;
        while (i < n) {
            int start = i;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
            }
            int intEnd = i;
            int fracStart = i;
            if (i < n && s.charAt(i) == '.') {
                i++;
                fracStart = i;
                while (i < n && isDigit(s.charAt(i))) {
                    i++;
                }
            }
            boolean hasInt = intEnd > start;
            boolean hasFrac = i > fracStart && fracStart > intEnd;
            if (!hasInt && !hasFrac) {
                return null;
            }
            String number = s.substring(start, i);
            int unitStart = i;
            while (i < n && !isDigit(s.charAt(i)) && s.charAt(i) != '.') {
                i++;
            }
            long unit = switch (s.substring(unitStart, i)) {
                case "ns" -> 1L;
                case "us", "µs", "μs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "h" -> 3_600_000_000_000L;
                default -> 0L;
            };
            if (unit == 0) {
                return null;
            }
            String digits = number.endsWith(".") ? number + "0" : number.startsWith(".") ? "0" + number : number;
            total = total.add(new BigDecimal(digits).multiply(BigDecimal.valueOf(unit)));
            if (total.compareTo(MAX_NANOS) > 0) {
                return null;
            }
        }
        long nanos = total.longValue(); // Go truncates fractions of a nanosecond
        return Duration.ofNanos(negative ? -nanos : nanos);
    }

    /** The shortest Go duration text for {@code d} in one unit ({@code 1h}, {@code 90s}, {@code 500ms}). */
    static String format(Duration d) {
        long nanos = d.toNanos();
        long[] units = {3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L};
        String[] names = {"h", "m", "s", "ms", "us"};
        for (int k = 0; k < units.length; k++) {
            if (nanos != 0 && nanos % units[k] == 0) {
                return nanos / units[k] + names[k];
            }
        }
        return nanos == 0 ? "0" : nanos + "ns";
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
