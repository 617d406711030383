package io.conmonj.drivers.builtin.k8sfile;

import io.conmonj.drivers.common.CivilDate;

/**
 * Formats conmon's k8s-file timestamp by hand, without allocation:
 * {@code printf("%d-%02d-%02dT%02d:%02d:%02d.%09ld%c%02d:%02d", ...)} of {@code localtime_r()}.
 * The part up to the seconds and the offset are cached per epoch second.
 */
final class Timestamps {
    private final LogClock clock;
    private long cachedSecond = Long.MIN_VALUE;
    /** "YYYY-MM-DDTHH:MM:SS." (20 bytes for 4-digit years) */
    private final byte[] head = new byte[40];
    private int headLen;
    /** "+HH:MM" */
    private final byte[] zone = new byte[8];
    private int zoneLen;

    Timestamps(LogClock clock) {
        this.clock = clock;
    }

    /** Writes the timestamp of "now" into {@code dst} at {@code pos}; returns the new position. */
    int formatNow(byte[] dst, int pos) {
        return format(clock.epochNanos(), dst, pos);
    }

    int format(long epochNanos, byte[] dst, int pos) {
        long sec = Math.floorDiv(epochNanos, 1_000_000_000L);
        int nanos = (int) Math.floorMod(epochNanos, 1_000_000_000L);
        if (sec != cachedSecond) {
            fill(sec);
        }
        System.arraycopy(head, 0, dst, pos, headLen);
        pos += headLen;
        for (int i = 8; i >= 0; i--) {
            dst[pos + i] = (byte) ('0' + nanos % 10);
            nanos /= 10;
        }
        pos += 9;
        System.arraycopy(zone, 0, dst, pos, zoneLen);
        return pos + zoneLen;
    }

    private void fill(long sec) {
        int off = clock.offsetSeconds(sec);
        long local = sec + off;
        long days = Math.floorDiv(local, 86_400L);
        int secOfDay = (int) Math.floorMod(local, 86_400L);
        long date = CivilDate.fromEpochDay(days);
        int day = CivilDate.day(date);
        int month = CivilDate.month(date);
        long year = CivilDate.year(date);

        int p = 0;
        if (year >= 1000 && year <= 9999) {
            int y = (int) year;
            head[p++] = (byte) ('0' + y / 1000);
            head[p++] = (byte) ('0' + y / 100 % 10);
            head[p++] = (byte) ('0' + y / 10 % 10);
            head[p++] = (byte) ('0' + y % 10);
        } else { // %d: no padding, sign if negative
            for (char c : Long.toString(year).toCharArray()) {
                head[p++] = (byte) c;
            }
        }
        head[p++] = '-';
        p = two(head, p, month);
        head[p++] = '-';
        p = two(head, p, day);
        head[p++] = 'T';
        p = two(head, p, secOfDay / 3600);
        head[p++] = ':';
        p = two(head, p, secOfDay / 60 % 60);
        head[p++] = ':';
        p = two(head, p, secOfDay % 60);
        head[p++] = '.';
        headLen = p;

        // conmon: sign, then off / 3600 and (off % 3600) / 60 with %02d; seconds of odd historic offsets dropped.
        int q = 0;
        int abs = off;
        zone[q++] = (byte) (off < 0 ? '-' : '+');
        if (off < 0) {
            abs = -off;
        }
        q = two(zone, q, abs / 3600);
        zone[q++] = ':';
        q = two(zone, q, abs % 3600 / 60);
        zoneLen = q;
        cachedSecond = sec;
    }

    /** %02d for 0..99 */
    private static int two(byte[] b, int p, int v) {
        b[p] = (byte) ('0' + v / 10);
        b[p + 1] = (byte) ('0' + v % 10);
        return p + 2;
    }
}
