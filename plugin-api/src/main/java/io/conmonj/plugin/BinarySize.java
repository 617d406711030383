package io.conmonj.plugin;

import java.util.Locale;

/**
 * The size syntax of conmon-j's log options (Docker's log-opt sizes, 1024-based): digits with an
 * optional {@code k}, {@code m} or {@code g}, optionally followed by {@code b} or {@code ib};
 * {@code 4096}, {@code 512k}, {@code 10MiB}. For drivers and the host alike.
 */
public final class BinarySize {
    private BinarySize() {
    }

    /** The number of bytes, or -1 if {@code value} is not a positive size. */
    public static long parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.endsWith("ib")) {
            v = v.substring(0, v.length() - 2);
        } else if (v.endsWith("b")) {
            v = v.substring(0, v.length() - 1);
        }
        long unit = 1;
        if (!v.isEmpty()) {
            char c = v.charAt(v.length() - 1);
            unit = c == 'k' ? 1L << 10 : c == 'm' ? 1L << 20 : c == 'g' ? 1L << 30 : 1;
            if (unit != 1) {
                v = v.substring(0, v.length() - 1);
            }
        }
        try {
            long n = Long.parseLong(v);
            return n > 0 ? Math.multiplyExact(n, unit) : -1;
        } catch (NumberFormatException | ArithmeticException e) {
            return -1;
        }
    }

    /** The shortest text of {@code bytes} in this syntax ({@code 4096} → {@code 4k}, {@code 1536} → {@code 1536}). */
    public static String format(long bytes) {
        String[] units = {"g", "m", "k"};
        int[] shifts = {30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << shifts[i];
            if (bytes != 0 && bytes % unit == 0) {
                return bytes / unit + units[i];
            }
        }
        return Long.toString(bytes);
    }
}
