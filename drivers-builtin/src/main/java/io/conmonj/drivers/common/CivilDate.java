package io.conmonj.drivers.common;

/**
 * Days since 1970-01-01 to a proleptic Gregorian date, as glibc and Go compute
 * it (H. Hinnant's civil_from_days), without java.time: the log formats write
 * their timestamps digit by digit on the hot path.
 */
public final class CivilDate {
    private CivilDate() {}

    /** The date of {@code epochDay}, packed as {@code year * 10_000 + month * 100 + day}. */
    public static long fromEpochDay(long epochDay) {
        long z = epochDay + 719_468L;
        long era = Math.floorDiv(z, 146_097L);
        long doe = z - era * 146_097L;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int day = (int) (doy - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        return year * 10_000 + month * 100 + day;
    }

    public static long year(long packed) {
        return Math.floorDiv(packed, 10_000L);
    }

    public static int month(long packed) {
        return (int) (Math.floorMod(packed, 10_000L) / 100);
    }

    public static int day(long packed) {
        return (int) Math.floorMod(packed, 100L);
    }
}
