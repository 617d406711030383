package io.conmonj.drivers.contrib.syslog;

import io.conmonj.plugin.DriverOptions;

import java.util.function.Consumer;

/**
 * The syslog header fields that come from outside the monitor (the tag, which a container's annotations may set,
 * and the host name), made safe for the wire before the first message. A receiver splits messages on LF on
 * newline-framed transports (RFC 6587 section 3.4.2; unix stream sockets of local daemons) and fields on SP, so a tag
 * holding {@code "\n<13>..."} would forge whole messages and a tag with a space would shift every field after it.
 * Docker writes the tag as it is (srslog); conmon-j replaces instead, as RFC 5424's own rules require for its fields:
 *
 * <ul>
 *   <li>RFC 5424 (section 6.2): HOSTNAME, APP-NAME and MSGID are 1*PRINTUSASCII (33..126); every other character
 *       becomes {@code _}; HOSTNAME is cut to 255, APP-NAME to 48, MSGID to 32 characters; empty is {@code -};</li>
 *   <li>RFC 3164 and Docker's default form: the TAG and HOSTNAME keep their characters (UTF-8 as Docker sends them)
 *       except C0 controls, SP, DEL and the line separators of Unicode, which become {@code _}; cut to 255
 *       characters (RFC 3164 asks for 32, which Docker does not keep either).</li>
 * </ul>
 * A tag that had to be changed is reported once, at start-up, with what is sent instead.
 */
final class HeaderFields {
    static final int RFC5424_HOSTNAME = 255;
    static final int RFC5424_APP_NAME = 48;
    static final int RFC5424_MSGID = 32;
    static final int RFC3164_FIELD = 255;

    private HeaderFields() {
    }

    /** {@code s} with characters outside printable US-ASCII replaced by {@code _}, cut to {@code max}; "-" if empty. */
    static String printUsAscii(String s, int max) {
        if (s == null || s.isEmpty()) {
            return "-";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), max));
        for (int i = 0; i < s.length() && b.length() < max; i++) {
            char c = s.charAt(i);
            b.append(c >= 33 && c <= 126 ? c : '_');
        }
        return b.toString();
    }

    /** An RFC 3164 / Docker-form TAG or HOSTNAME: no control character, space or line separator; cut to 255. */
    static String rfc3164(String s) {
        if (s == null || s.isEmpty()) {
            return "-";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), RFC3164_FIELD));
        for (int i = 0; i < s.length() && b.length() < RFC3164_FIELD; i++) {
            char c = s.charAt(i);
            boolean unsafe = c <= ' ' || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == '\u2028' || c == '\u2029';
            if (Character.isHighSurrogate(c) && b.length() == RFC3164_FIELD - 1) {
                break; // do not cut a character in two
            }
            b.append(unsafe ? '_' : c);
        }
        return b.toString();
    }

    /** The tag as the format sends it; a start-up warning when it differs from {@code tag}. */
    static String tag(SyslogFormat format, String tag, Consumer<String> warnings) {
        String sent = format.isRfc5424() ? printUsAscii(tag, RFC5424_APP_NAME) : rfc3164(tag);
        if (!sent.equals(tag)) {
            warnings.accept("tag " + DriverOptions.echo(tag) + " is sent as " + DriverOptions.echo(sent) + ": "
                    + (format.isRfc5424() ? "an RFC 5424 APP-NAME is 1 to 48 printable US-ASCII characters"
                    : "a syslog TAG has no control characters, spaces or line breaks and at most 255 characters"));
        }
        return sent;
    }
}
