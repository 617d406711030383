package io.conmonj.drivers.contrib.syslog;

import io.conmonj.plugin.LogStream;

import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.Arrays;

/**
 * Turns one message (a line without its LF) into a syslog message of the chosen format, in a reused buffer. Every
 * field but the timestamp and the message is the same for all records of a container, so it is encoded once:
 *
 * <pre>
 * UNIX      &lt;PRI&gt;TIMESTAMP SP TAG "[" PID "]:" SP MSG                        (Docker's default, srslog UnixFormatter)
 * RFC3164   &lt;PRI&gt;TIMESTAMP SP HOSTNAME SP TAG "[" PID "]:" SP MSG            (RFC 3164 section 4.1, srslog RFC3164Formatter)
 * RFC5424   &lt;PRI&gt;1 SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP "-" SP SD [SP MSG]   (RFC 5424 section 6)
 * </pre>
 *
 * PRI is {@code facility * 8 + severity}, the severity 6 (informational) for stdout and 3 (error) for stderr, as
 * Docker's {@code Info}/{@code Err}. PID/PROCID is the monitor's pid (conmon-j runs one monitor per container, so it
 * tells containers apart where Docker's daemon pid could not). MSGID is the NILVALUE. HOSTNAME and TAG / APP-NAME
 * go through {@link HeaderFields}: no character that could end a message or a field reaches the wire. The MSG bytes are written as the container wrote them
 * (no BOM: they need not be UTF-8).
 *
 * <p>The buffer keeps {@link #HEADROOM} bytes before the message and one after it, so that a framing can add its
 * length prefix or LF without copying.
 */
final class SyslogEncoder {
    /** Room for an octet count ({@code 2147483647 }) before the message. */
    static final int HEADROOM = 11;
    static final int SEVERITY_INFO = 6;
    static final int SEVERITY_ERR = 3;

    private final Timestamps timestamps;
    private final byte[] stdoutPri;
    private final byte[] stderrPri;
    /** Everything between the timestamp and MSG (with the SP before MSG). */
    private final byte[] middle;
    private final boolean rfc5424;
    private byte[] buffer = new byte[HEADROOM + 512];

    SyslogEncoder(SyslogFormat format, int facility, String hostname, String tag, long pid, byte[] structuredData,
                  ZoneId zone) {
        this.timestamps = new Timestamps(format, zone);
        this.rfc5424 = format.isRfc5424();
        String version = rfc5424 ? "1 " : "";
        this.stdoutPri = ("<" + (facility * 8 + SEVERITY_INFO) + ">" + version).getBytes(StandardCharsets.US_ASCII);
        this.stderrPri = ("<" + (facility * 8 + SEVERITY_ERR) + ">" + version).getBytes(StandardCharsets.US_ASCII);
        byte[] head = switch (format) {
            case UNIX -> (" " + HeaderFields.rfc3164(tag) + "[" + pid + "]: ").getBytes(StandardCharsets.UTF_8);
            case RFC3164 -> (" " + HeaderFields.rfc3164(hostname) + " " + HeaderFields.rfc3164(tag) + "[" + pid
                    + "]: ").getBytes(StandardCharsets.UTF_8);
            case RFC5424, RFC5424_MICRO -> (" " + HeaderFields.printUsAscii(hostname, HeaderFields.RFC5424_HOSTNAME)
                    + " " + HeaderFields.printUsAscii(tag, HeaderFields.RFC5424_APP_NAME) + " " + pid
                    + " - ").getBytes(StandardCharsets.US_ASCII);
        };
        if (rfc5424) {
            // STRUCTURED-DATA, then the SP that separates MSG (written only when there is one)
            head = Arrays.copyOf(head, head.length + structuredData.length);
            System.arraycopy(structuredData, 0, head, head.length - structuredData.length, structuredData.length);
        }
        this.middle = head;
    }

    /**
     * Encodes a message whose text is {@code len} bytes of {@code msg} from {@code off}.
     *
     * @return the message's length; it starts at {@link #HEADROOM} in {@link #buffer()}
     */
    int encode(LogStream stream, long epochNanos, byte[] msg, int off, int len) {
        byte[] pri = stream == LogStream.STDERR ? stderrPri : stdoutPri;
        int max = HEADROOM + pri.length + Timestamps.MAX_LENGTH + middle.length + 1 + len + 1;
        if (buffer.length < max) {
            buffer = new byte[Math.max(max, buffer.length * 2)];
        }
        byte[] b = buffer;
        int pos = HEADROOM;
        System.arraycopy(pri, 0, b, pos, pri.length);
        pos += pri.length;
        pos = timestamps.write(epochNanos, b, pos);
        System.arraycopy(middle, 0, b, pos, middle.length);
        pos += middle.length;
        if (rfc5424 && len > 0) {
            b[pos++] = ' ';
        }
        System.arraycopy(msg, off, b, pos, len);
        pos += len;
        return pos - HEADROOM;
    }

    /** The buffer of the last {@link #encode}; valid until the next. */
    byte[] buffer() {
        return buffer;
    }
}
