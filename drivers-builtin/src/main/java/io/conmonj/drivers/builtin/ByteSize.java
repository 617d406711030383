package io.conmonj.drivers.builtin;

import io.conmonj.plugin.LogDriverException;

import java.util.Locale;

/** Docker's size syntax for log options: {@code 1024}, {@code 10k}, {@code 20m}, {@code 1g} (1024-based; a trailing {@code b}/{@code ib} is allowed). */
final class ByteSize {
    private ByteSize() {
    }

    static long parse(String driver, String key, String value) throws LogDriverException {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.endsWith("ib")) {
            v = v.substring(0, v.length() - 2);
        } else if (v.endsWith("b")) {
            v = v.substring(0, v.length() - 1);
        }
        long unit = 1;
        if (!v.isEmpty()) {
            switch (v.charAt(v.length() - 1)) {
                case 'k' -> unit = 1L << 10;
                case 'm' -> unit = 1L << 20;
                case 'g' -> unit = 1L << 30;
                default -> unit = 1;
            }
            if (unit != 1) {
                v = v.substring(0, v.length() - 1);
            }
        }
        try {
            long n = Long.parseLong(v);
            if (n <= 0) {
                throw new NumberFormatException();
            }
            return Math.multiplyExact(n, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new LogDriverException("log driver " + driver + ": option " + key + "=" + value
                    + " is not a positive size (e.g. 4096, 512k, 10m)");
        }
    }

    static long parseCount(String driver, String key, String value) throws LogDriverException {
        try {
            int n = Integer.parseInt(value.trim());
            if (n <= 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new LogDriverException("log driver " + driver + ": option " + key + "=" + value
                    + " is not a positive number");
        }
    }
}
