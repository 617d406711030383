package io.conmonj.drivers.contrib.syslog;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The TIMESTAMP field of each format, written into a message buffer. The part down to the second (and the zone
 * offset) is formatted once per second and cached: records of one second share it.
 *
 * <ul>
 *   <li>{@link SyslogFormat#UNIX}, {@link SyslogFormat#RFC3164}: RFC 3164 section 4.1.2, {@code Mmm dd hh:mm:ss},
 *   the day padded with a space (Go's {@code time.Stamp}, which srslog uses), local time.</li>
 *   <li>{@link SyslogFormat#RFC5424}: RFC 5424 section 6.2.3, {@code YYYY-MM-DDThh:mm:ss} and the offset, {@code Z}
 *   for UTC (Go's {@code time.RFC3339}, as Docker).</li>
 *   <li>{@link SyslogFormat#RFC5424_MICRO}: the same with six TIME-SECFRAC digits (Docker's
 *   {@code 2006-01-02T15:04:05.000000Z07:00}).</li>
 * </ul>
 * Not thread-safe; one per driver.
 */
final class Timestamps {
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
            "Nov", "Dec"};

    private final SyslogFormat format;
    private final ZoneId zone;
    private long cachedSecond = Long.MIN_VALUE;
    /** Up to the seconds digits. */
    private byte[] cachedDateTime;
    /** RFC 5424 only: {@code Z} or {@code +hh:mm}. */
    private byte[] cachedOffset;

    Timestamps(SyslogFormat format, ZoneId zone) {
        this.format = format;
        this.zone = zone;
    }

    /** The most bytes {@link #write} writes. */
    static final int MAX_LENGTH = 32;

    /** Writes the timestamp of {@code epochNanos} at {@code pos}; returns the position after it. */
    int write(long epochNanos, byte[] out, int pos) {
        long second = Math.floorDiv(epochNanos, 1_000_000_000L);
        if (second != cachedSecond) {
            format(second);
        }
        System.arraycopy(cachedDateTime, 0, out, pos, cachedDateTime.length);
        pos += cachedDateTime.length;
        if (format == SyslogFormat.RFC5424_MICRO) {
            int micros = (int) (Math.floorMod(epochNanos, 1_000_000_000L) / 1000);
            out[pos++] = '.';
            for (int div = 100_000; div > 0; div /= 10) {
                out[pos++] = (byte) ('0' + micros / div % 10);
            }
        }
        if (cachedOffset != null) {
            System.arraycopy(cachedOffset, 0, out, pos, cachedOffset.length);
            pos += cachedOffset.length;
        }
        return pos;
    }

    private void format(long second) {
        Instant instant = Instant.ofEpochSecond(second);
        ZoneOffset offset = zone.getRules().getOffset(instant);
        LocalDateTime t = LocalDateTime.ofEpochSecond(second, 0, offset);
        String text;
        if (format.isRfc5424()) {
            text = String.format("%04d-%02d-%02dT%02d:%02d:%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth(),
                    t.getHour(), t.getMinute(), t.getSecond());
            cachedOffset = offset(offset.getTotalSeconds()).getBytes(StandardCharsets.US_ASCII);
        } else {
            text = String.format("%s %2d %02d:%02d:%02d", MONTHS[t.getMonthValue() - 1], t.getDayOfMonth(),
                    t.getHour(), t.getMinute(), t.getSecond());
            cachedOffset = null;
        }
        cachedDateTime = text.getBytes(StandardCharsets.US_ASCII);
        cachedSecond = second;
    }

    /** RFC 5424 TIME-OFFSET: {@code Z} or {@code +hh:mm} / {@code -hh:mm} (seconds of an offset are dropped, as Go). */
    private static String offset(int totalSeconds) {
        if (totalSeconds == 0) {
            return "Z";
        }
        int minutes = Math.abs(totalSeconds) / 60;
        return String.format("%c%02d:%02d", totalSeconds < 0 ? '-' : '+', minutes / 60, minutes % 60);
    }
}
