package io.conmonj.host.notify;

import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * Which lines of a container's sd-notify datagram reach the host (conmon-behaviour.md §12): the state changes a
 * service manager acts on, and nothing that could make it act for another process ({@code MAINPID=},
 * {@code FDSTORE=}, {@code NOTIFYACCESS=}, ...). A datagram is split on LF and CR; kept lines are joined with LF.
 */
public final class NotifyFilter {
    private NotifyFilter() {}

    /** Lines relayed as they are. */
    private static final List<String> EXACT = List.of("READY=1", "RELOADING=1", "STOPPING=1", "WATCHDOG=1",
            "WATCHDOG=trigger");
    /** Lines relayed with any value. */
    private static final List<String> PREFIXES = List.of("STATUS=", "ERRNO=", "BUSERROR=", "MONOTONIC_USEC=");

    /** The datagram to relay for {@code datagram[0..len)}, or null when no line is kept. */
    public static byte[] filter(byte[] datagram, int len) {
        ByteArrayOutputStream kept = new ByteArrayOutputStream(len);
        int start = 0;
        for (int i = 0; i <= len; i++) {
            if (i == len || datagram[i] == '\n' || datagram[i] == '\r') {
                if (i > start && keeps(datagram, start, i)) {
                    if (kept.size() > 0) {
                        kept.write('\n');
                    }
                    kept.write(datagram, start, i - start);
                }
                start = i + 1;
            }
        }
        return kept.size() == 0 ? null : kept.toByteArray();
    }

    private static boolean keeps(byte[] buf, int from, int to) {
        for (String exact : EXACT) {
            if (to - from == exact.length() && startsWith(buf, from, to, exact)) {
                return true;
            }
        }
        for (String prefix : PREFIXES) {
            if (startsWith(buf, from, to, prefix)) {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWith(byte[] buf, int from, int to, String ascii) {
        if (to - from < ascii.length()) {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++) {
            if (buf[from + i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
