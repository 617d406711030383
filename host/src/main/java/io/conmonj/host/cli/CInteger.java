package io.conmonj.host.cli;

/**
 * Integer option values as GLib parses them: {@code strtol(arg, &end, 0)} for INT and
 * {@code g_ascii_strtoll(arg, &end, 0)} for INT64 (conmon-behaviour.md §1.1).
 *
 * <p>Rules reproduced (all checked against {@code /usr/bin/conmon}): leading ASCII white space
 * (space, \t, \n, \v, \f, \r) is skipped, trailing white space is not; optional sign; base
 * auto-detection ({@code 0x}/{@code 0X} hex, leading {@code 0} octal, so {@code 09} is an
 * error); only ASCII digits; the whole string must be consumed, else
 * {@code Cannot parse integer value “X” for OPT}; a value that overflows 64 bits, or does not
 * fit in 32 bits for INT, is {@code Integer value “X” for OPT out of range}. The "cannot
 * parse" check comes first, as in GLib. Hand-written rather than {@link Long#decode} because
 * that accepts other forms ({@code #1F}, Unicode digits) and rejects white space.
 */
final class CInteger {
    private CInteger() {
    }

    static int parseInt(String text, String optionName) throws OptionParsingException {
        long value = parse(text, optionName);
        if (value != (int) value) {
            throw outOfRange(text, optionName);
        }
        return (int) value;
    }

    static long parseInt64(String text, String optionName) throws OptionParsingException {
        return parse(text, optionName);
    }

    private static long parse(String s, String optionName) throws OptionParsingException {
        int n = s.length();
        int i = 0;
        while (i < n && isCSpace(s.charAt(i))) {
            i++;
        }
        boolean negative = false;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        int base = 10;
        if (i < n && s.charAt(i) == '0') {
            // "0x" counts as a prefix only when a hex digit follows; otherwise strtol parses
            // the "0" and stops at the 'x', which then fails the "whole string" check.
            if (i + 2 < n && (s.charAt(i + 1) | 0x20) == 'x' && digit(s.charAt(i + 2), 16) >= 0) {
                base = 16;
                i += 2;
            } else {
                base = 8;
            }
        }
        int firstDigit = i;
        // Accumulate the magnitude as a negative number so that Long.MIN_VALUE fits.
        long acc = 0;
        boolean overflow = false;
        long limit = negative ? Long.MIN_VALUE : -Long.MAX_VALUE;
        long multMin = limit / base;
        for (; i < n; i++) {
            int d = digit(s.charAt(i), base);
            if (d < 0) {
                break;
            }
            if (overflow) {
                continue; // strtol keeps consuming digits after an overflow
            }
            if (acc < multMin) {
                overflow = true;
                continue;
            }
            acc *= base;
            if (acc < limit + d) {
                overflow = true;
                continue;
            }
            acc -= d;
        }
        if (i == firstDigit || i != n) {
            // No digits at all (strtol sets end = arg) or trailing garbage.
            throw new OptionParsingException("Cannot parse integer value \u201c" + s + "\u201d for " + optionName);
        }
        if (overflow) {
            throw outOfRange(s, optionName);
        }
        return negative ? acc : -acc;
    }

    private static OptionParsingException outOfRange(String s, String optionName) {
        return new OptionParsingException("Integer value \u201c" + s + "\u201d for " + optionName + " out of range");
    }

    private static boolean isCSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    private static int digit(char c, int base) {
        int d;
        if (c >= '0' && c <= '9') {
            d = c - '0';
        } else if (c >= 'a' && c <= 'z') {
            d = c - 'a' + 10;
        } else if (c >= 'A' && c <= 'Z') {
            d = c - 'A' + 10;
        } else {
            return -1;
        }
        return d < base ? d : -1;
    }
}
