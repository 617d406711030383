package io.conmonj.drivers.builtin.k8sfile;

import io.conmonj.plugin.LogStream;
import static io.conmonj.drivers.builtin.k8sfile.LogTestSupport.read;
import static io.conmonj.drivers.builtin.k8sfile.LogTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.zone.ZoneRules;
import java.util.SplittableRandom;
import java.util.TimeZone;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Timestamp format of conmon-behaviour.md §7.1.2: local time, 9 nanosecond digits, numeric offset, never {@code Z}. */
class TimestampsTest {
    @TempDir
    Path dir;

    private static String format(Instant t, ZoneId zone) {
        Timestamps ts = new Timestamps(LogClock.fixed(t, zone));
        byte[] b = new byte[64];
        int n = ts.formatNow(b, 0);
        return new String(b, 0, n, StandardCharsets.US_ASCII);
    }

    @ParameterizedTest
    @CsvSource({
        // instant (UTC),                 zone,                expected
        "2026-11-30T02:05:46.309194498Z, UTC,                 2026-11-30T02:05:46.309194498+00:00",
        "2026-11-30T02:05:46.309194498Z, Z,                   2026-11-30T02:05:46.309194498+00:00",
        "2026-11-30T02:05:46.000000007Z, America/New_York,    2026-11-29T21:05:46.000000007-05:00",
        "2026-07-01T12:00:00Z,           America/New_York,    2026-07-01T08:00:00.000000000-04:00",
        "2026-11-30T02:05:46.5Z,         America/St_Johns,    2026-11-29T22:35:46.500000000-03:30",
        "2026-11-30T20:00:00.123Z,       Asia/Kolkata,        2026-12-01T01:30:00.123000000+05:30",
        "2026-12-31T23:59:59.999999999Z, Pacific/Kiritimati,  2027-01-01T13:59:59.999999999+14:00",
        "2024-02-29T00:00:00Z,           Etc/GMT+12,          2024-02-28T12:00:00.000000000-12:00",
        "1970-01-01T00:00:00Z,           UTC,                 1970-01-01T00:00:00.000000000+00:00",
        "1969-12-31T23:59:59.999999999Z, UTC,                 1969-12-31T23:59:59.999999999+00:00",
    })
    void formatsLikeConmon(String instant, String zone, String expected) {
        assertEquals(expected, format(Instant.parse(instant), ZoneId.of(zone)));
    }

    @Test
    void extremesOfTheNanosecondClockRange() {
        // epochNanos() is a long: 1677-09-21 .. 2262-04-11, always 4-digit years.
        assertEquals("2262-04-11T23:47:16.854775807+00:00",
                format(Instant.ofEpochSecond(0, Long.MAX_VALUE), ZoneOffset.UTC));
        assertEquals("1677-09-21T00:12:43.145224192+00:00",
                format(Instant.ofEpochSecond(0, Long.MIN_VALUE), ZoneOffset.UTC));
    }

    @Test
    void offsetSecondsAreDroppedAsInConmon() {
        // Historic local-mean-time offsets have seconds: conmon prints off/3600 and (off%3600)/60 only.
        assertEquals("1880-01-01T00:19:32.000000000+00:19",
                format(Instant.parse("1880-01-01T00:00:00Z"), ZoneOffset.ofHoursMinutesSeconds(0, 19, 32)));
        assertEquals("1880-01-01T23:58:45.000000000-00:01",
                format(Instant.parse("1880-01-02T00:00:00Z"), ZoneOffset.ofHoursMinutesSeconds(0, -1, -15)));
    }

    @Test
    void agreesWithJavaTimeForRandomInstantsAndZones() {
        DateTimeFormatter f = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.nnnnnnnnnxxx");
        String[] zones = {"UTC", "Europe/Berlin", "America/Los_Angeles", "Australia/Lord_Howe", "Asia/Kathmandu",
            "America/Sao_Paulo", "Pacific/Chatham"};
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < 5000; i++) {
            Instant t = Instant.ofEpochSecond(r.nextLong(0, 4_102_444_800L), r.nextInt(1_000_000_000));
            ZoneId z = ZoneId.of(zones[r.nextInt(zones.length)]);
            assertEquals(OffsetDateTime.ofInstant(t, z).format(f), format(t, z), () -> t + " in " + z);
        }
    }

    @Test
    void timestampReachesTheFileInTheConfiguredZone() throws IOException {
        Path p = dir.resolve("log");
        Instant t = Instant.parse("2026-11-30T02:05:46.309194498Z");
        try (K8sFileLog log = new K8sFileLog(K8sFileOptions.of(p), LogClock.fixed(t, ZoneId.of("America/New_York")),
                s -> { })) {
            write(log, LogStream.STDOUT, "ny\n");
        }
        try (K8sFileLog log = new K8sFileLog(K8sFileOptions.of(p), LogClock.fixed(t, ZoneId.of("Asia/Tokyo")), s -> { })) {
            write(log, LogStream.STDERR, "tokyo\n");
        }
        assertEquals("2026-11-29T21:05:46.309194498-05:00 stdout F ny\n"
                + "2026-11-30T11:05:46.309194498+09:00 stderr F tokyo\n", read(p));
    }

    @Test
    void systemClockProducesTheSameShape() {
        LogClock c = LogClock.system();
        Timestamps ts = new Timestamps(c);
        byte[] b = new byte[64];
        String s = new String(b, 0, ts.formatNow(b, 0), StandardCharsets.US_ASCII);
        assertEquals(35, s.length(), s);
        OffsetDateTime parsed = OffsetDateTime.parse(s);
        long diffMillis = Math.abs(parsed.toInstant().toEpochMilli() - System.currentTimeMillis());
        assertEquals(true, diffMillis < 60_000, s);
        assertEquals(false, s.endsWith("Z"));
    }

    @Test
    void systemClockOffsetsAgreeWithJavaTimeAcrossTransitions() {
        for (String id : new String[] {"America/New_York", "Europe/London", "Asia/Tokyo", "Australia/Lord_Howe",
                "America/Sao_Paulo", "Etc/UTC"}) {
            LogClock c = new LogClock.SystemClock(TimeZone.getTimeZone(id));
            ZoneRules rules = ZoneId.of(id).getRules();
            for (long t = 0; t < 4_102_444_800L; t += 86_400L * 7 + 3_613) {   // 1970-2100, weekly, drifting hour
                assertEquals(rules.getOffset(Instant.ofEpochSecond(t)).getTotalSeconds(), c.offsetSeconds(t),
                        id + " at " + t);
            }
        }
    }
}
