package io.conmonj.drivers.contrib.syslog;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

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

    /** The option's values, in the order the refusal lists them. */
    static final Map<String, SyslogFormat> BY_VALUE;

    static {
        Map<String, SyslogFormat> m = new LinkedHashMap<>();
        for (SyslogFormat f : values()) {
            m.put(f.value, f);
        }
        BY_VALUE = Collections.unmodifiableMap(m);
    }
}
