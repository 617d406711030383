package io.conmonj.drivers.common;

import io.conmonj.plugin.BinarySize;
import io.conmonj.plugin.LogDriverException;

/** The drivers' size options, with their error text; the syntax is {@link BinarySize}. */
public final class ByteSize {
    private ByteSize() {
    }

    public static long parse(String driver, String key, String value) throws LogDriverException {
        long bytes = BinarySize.parse(value);
        if (bytes < 0) {
            throw new LogDriverException("log driver " + driver + ": option " + key + "=" + value
                    + " is not a positive size (e.g. 4096, 512k, 10m)");
        }
        return bytes;
    }

    public static long parseCount(String driver, String key, String value) throws LogDriverException {
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
