package io.conmonj.plugin;

import io.conmonj.plugin.property.ForAll;
import io.conmonj.plugin.property.Gen;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Option values are hostile (annotations): every value up to 4 KiB is answered with a value inside the driver's
 * bounds or a {@link LogDriverException} of the one format, on one line of bounded length. Every getter is linear in
 * the value's length with a 64-character cap on numbers, so the parse of 4 KiB takes microseconds. The stated bound,
 * {@link #BOUND}, is per getter call and generous (a loaded machine): it catches a parser that loops or back-tracks,
 * it does not measure speed.
 */
class DriverOptionsPropertiesTest {
    private static final int MAX_MESSAGE = 400;
    static final Duration BOUND = Duration.ofSeconds(1);

    static Gen<String> values() {
        Gen<String> any = Gen.strings(4096);
        Gen<String> numberish = Gen.strings("0123456789+-.kmgbiKMGBnsuµhx ", 30);
        Gen<String> near = Gen.of("1", "t", "TRUE", "false", "0", "1h", "1m30s", "512k", "4MiB", "1g",
                "-0", "+0", "0s", "9223372036854775807", "9223372036854775808", "1.5.5s", "1e3", "");
        return Gen.oneOf(any, numberish, near);
    }

    @Test
    void everyGetterAnswersWithABoundedValueOrTheOneError() {
        ForAll.of(values()).tries(1000).check(DriverOptionsPropertiesTest::everyGetter);
    }

    private static void everyGetter(String value) {
        DriverOptions o;
        try {
            o = DriverOptions.of(Map.of("k", value), "k");
        } catch (LogDriverException e) {
            throw new AssertionError(e);
        }
        check(() -> {
            long n = o.integer("k", 0, -10, 1000);
            assertTrue(n >= -10 && n <= 1000);
        });
        check(() -> {
            long n = o.size("k", 0, 4096, 1L << 30);
            assertTrue(n >= 4096 && n <= 1L << 30);
        });
        check(() -> {
            Duration d = o.duration("k", Duration.ZERO, Duration.ofMillis(1), Duration.ofMinutes(1));
            assertTrue(d.toMillis() >= 1 && d.compareTo(Duration.ofMinutes(1)) <= 0);
        });
        check(() -> o.bool("k", false));
        check(() -> assertTrue(o.string("k", null, 100).length() <= 100));
        check(() -> o.choice("k", "a", "a", "b"));
    }

    @Test
    void unknownKeysAreRefusedWithTheOneError() {
        ForAll.of(Gen.strings(4096)).tries(300).check(key -> {
            try {
                DriverOptions.of(Map.of(key, "v"), "known");
                assertEquals("known", key);
            } catch (LogDriverException e) {
                assertOneError(e.getMessage());
            }
        });
    }

    @Test
    void integersRoundTripInsideTheBounds() {
        ForAll.of(Gen.longs(-1000, 1000)).tries(300).check(n ->
                assertEquals(n, DriverOptions.of(Map.of("k", Long.toString(n)), "k").integer("k", 0, -1000, 1000)));
    }

    @Test
    void sizesRoundTripThroughFormat() {
        ForAll.of(Gen.longs(1, 1L << 40)).tries(300).check(n ->
                assertEquals(n, DriverOptions.of(Map.of("k", BinarySize.format(n)), "k").size("k", 0, 1, 1L << 40)));
    }

    @Test
    void durationsRoundTripThroughFormat() {
        ForAll.of(Gen.longs(0, 1L << 50)).tries(300).check(nanos -> {
            Duration d = Duration.ofNanos(nanos);
            assertEquals(d, DriverOptions.of(Map.of("k", GoDuration.format(d)), "k")
                    .duration("k", null, Duration.ZERO, Duration.ofNanos(1L << 50)));
        });
    }

    interface Call {
        void run() throws LogDriverException;
    }

    private static void check(Call call) {
        try {
            assertTimeoutPreemptively(BOUND, () -> {
                try {
                    call.run();
                } catch (LogDriverException e) {
                    assertOneError(e.getMessage());
                }
            });
        } catch (RuntimeException e) {
            fail("not the documented error: " + e);
        }
    }

    private static void assertOneError(String m) {
        assertTrue(m.startsWith("option "), m);
        assertTrue(m.length() <= MAX_MESSAGE, m);
        assertTrue(m.chars().noneMatch(c -> c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029), m);
    }
}
