package io.conmonj.host.attach;

/**
 * The {@code %d} conversions of C {@code sscanf}, as glibc performs them on
 * ctl and winsz lines (conmon-behaviour.md §6.1): each conversion skips white space
 * ({@code isspace}: space, \t, \n, \v, \f, \r — so a conversion can run past
 * the end of the line into the next one, as in conmon, which hands sscanf
 * the rest of its buffer), takes an optional sign and one or more decimal
 * digits, stops at the first non-digit; the value saturates at the range of
 * {@code long} (strtol) and is then truncated to {@code int} (so
 * {@code 4294967306} reads as 10, as glibc does). Leading zeros are plain
 * decimal ({@code 0010} = 10); {@code 0x10} reads as 0 followed by a failed
 * conversion; {@code 10.5} as 10 followed by a failed conversion.
 */
final class CtlScanner {
    private CtlScanner() {}

    /** sscanf's EOF: the input ended before the first conversion. */
    static final int EOF = -1;

    /**
     * Converts up to {@code out.length} integers from {@code s[start..end)}
     * (the data of a C string: no NUL inside); returns how many were
     * converted, or {@link #EOF} if the input held nothing but white space.
     */
    static int scanInts(byte[] s, int start, int end, int[] out) {
        int pos = start;
        int converted = 0;
        while (converted < out.length) {
            while (pos < end && isSpace(s[pos])) {
                pos++;
            }
            if (pos == end) {
                return converted == 0 ? EOF : converted;
            }
            boolean negative = false;
            if (s[pos] == '-' || s[pos] == '+') {
                negative = s[pos] == '-';
                pos++;
            }
            if (pos == end || !isDigit(s[pos])) {
                return converted;
            }
            long value = 0;
            boolean saturated = false;
            while (pos < end && isDigit(s[pos])) {
                int digit = s[pos] - '0';
                if (!saturated) {
                    // accumulate the magnitude negatively: -Long.MIN_VALUE does not fit
                    if (value < (Long.MIN_VALUE + digit) / 10) {
                        saturated = true;
                    } else {
                        value = value * 10 - digit;
                    }
                }
                pos++;
            }
            long result;
            if (saturated) {
                result = negative ? Long.MIN_VALUE : Long.MAX_VALUE;
            } else if (negative) {
                result = value;
            } else {
                result = value == Long.MIN_VALUE ? Long.MAX_VALUE : -value;
            }
            out[converted++] = (int) result;
        }
        return converted;
    }

    static boolean isSpace(byte b) {
        return b == ' ' || (b >= '\t' && b <= '\r');
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }
}
