package io.conmonj.drivers.contrib.syslog;

import io.conmonj.plugin.LogDriverException;

/**
 * The {@code syslog-format} option, Docker's values. Docker's default (the empty value) is srslog's
 * {@code UnixFormatter}, {@code <PRI>Mmm dd hh:mm:ss TAG[PID]: MSG}: RFC 3164 without the HOSTNAME field, the form
 * local syslog sockets expect, and what Docker sends to every address when no format is given.
 */
enum SyslogFormat {
    /** Docker's default (srslog {@code UnixFormatter}): {@code <PRI>TIMESTAMP TAG[PID]: MSG}. */
    UNIX(""),
    /** srslog {@code RFC3164Formatter}: {@code <PRI>TIMESTAMP HOSTNAME TAG[PID]: MSG}. */
    RFC3164("rfc3164"),
    /** RFC 5424 with a seconds timestamp (Docker: {@code time.RFC3339}). */
    RFC5424("rfc5424"),
    /** RFC 5424 with a microseconds timestamp (RFC 5424's TIME-SECFRAC allows at most 6 digits). */
    RFC5424_MICRO("rfc5424micro");

    static final String OPTION = "syslog-format";

    final String value;

    SyslogFormat(String value) {
        this.value = value;
    }

    boolean isRfc5424() {
        return this == RFC5424 || this == RFC5424_MICRO;
    }

    static SyslogFormat parse(String value) throws LogDriverException {
        for (SyslogFormat f : values()) {
            if (f.value.equals(value)) {
                return f;
            }
        }
        throw new LogDriverException(OPTION + "=" + value + ": invalid syslog format (use rfc3164, rfc5424, "
                + "rfc5424micro, or leave it empty for Docker's default)");
    }
}
