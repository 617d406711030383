package io.conmonj.drivers.contrib.syslog;

import io.conmonj.plugin.DriverOptions;
import io.conmonj.plugin.LogDriverException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code syslog-facility} option: Docker's names (its {@code facilities} map, RFC 5424 section 6.2.1 numbering,
 * with Go's {@code authpriv} = 10 and {@code ftp} = 11) or a number 0..23, as Docker also accepts.
 */
final class Facility {
    static final String OPTION = "syslog-facility";
    /** Docker's default. */
    static final int DAEMON = 3;

    private static final Map<String, Integer> BY_NAME = new LinkedHashMap<>();

    static {
        String[] names = {"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron",
                "authpriv", "ftp"};
        for (int i = 0; i < names.length; i++) {
            BY_NAME.put(names[i], i);
        }
        for (int i = 0; i <= 7; i++) {
            BY_NAME.put("local" + i, 16 + i);
        }
    }

    private Facility() {
    }

    /** The facility code (0..23) of {@code value}. */
    static int parse(String value) throws LogDriverException {
        Integer code = BY_NAME.get(value);
        if (code != null) {
            return code;
        }
        try {
            int n = value.length() > 2 ? -1 : Integer.parseInt(value);
            if (n >= 0 && n <= 23) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // not a number either
        }
        throw DriverOptions.error(OPTION, DriverOptions.echo(value) + " is not a syslog facility (use a number 0..23"
                + " or one of " + String.join(", ", BY_NAME.keySet()) + ")");
    }
}
