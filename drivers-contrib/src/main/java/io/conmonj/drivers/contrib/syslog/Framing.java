package io.conmonj.drivers.contrib.syslog;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How messages are delimited on a stream transport (TCP, unix stream), conmon-j's {@code syslog-framing} option.
 * Datagram transports carry one message per datagram and need none.
 */
enum Framing {
    /** RFC 6587 section 3.4.1 / RFC 5425 section 4.3: {@code MSG-LEN SP SYSLOG-MSG}, no trailer. */
    OCTET_COUNTED("octet-counted"),
    /** RFC 6587 section 3.4.2: the message followed by LF (what Docker sends without TLS). */
    NEWLINE("newline");

    static final String OPTION = "syslog-framing";

    final String value;

    Framing(String value) {
        this.value = value;
    }

    /**
     * The default of a stream transport: octet counting for RFC 5424 over TCP (RFC 6587's recommended method, which
     * rsyslog and syslog-ng detect on their TCP inputs), newline otherwise (RFC 3164 receivers, and the unix stream
     * inputs of local daemons, split on LF).
     */
    static Framing defaultFor(SyslogFormat format, boolean tcp) {
        return format.isRfc5424() && tcp ? OCTET_COUNTED : NEWLINE;
    }

    /** The option's values, in the order the refusal lists them. */
    static final Map<String, Framing> BY_VALUE;

    static {
        Map<String, Framing> m = new LinkedHashMap<>();
        for (Framing f : values()) {
            m.put(f.value, f);
        }
        BY_VALUE = Collections.unmodifiableMap(m);
    }
}
