package io.conmonj.plugin;

import io.conmonj.plugin.property.ForAll;
import io.conmonj.plugin.property.Gen;
import io.conmonj.plugin.property.OptionErrors;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Option values are hostile (annotations): every value up to 4 KiB is answered with a value inside the driver's
 * bounds or a {@link LogDriverException} of the one format, on one line of bounded length. Every getter is linear in
 * the value's length with a 64-character cap on numbers, so the parse of 4 KiB takes microseconds. The check is
 * {@link OptionErrors#check}, per getter call, with this API's own message bound.
 */
class DriverOptionsPropertiesTest {
    private static final int MAX_MESSAGE = 400;

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
        OptionErrors.check(MAX_MESSAGE, () -> {
            long n = o.integer("k", 0, -10, 1000);
            assertTrue(n >= -10 && n <= 1000);
        });
        OptionErrors.check(MAX_MESSAGE, () -> {
            long n = o.size("k", 0, 4096, 1L << 30);
            assertTrue(n >= 4096 && n <= 1L << 30);
        });
        OptionErrors.check(MAX_MESSAGE, () -> {
            Duration d = o.duration("k", Duration.ZERO, Duration.ofMillis(1), Duration.ofMinutes(1));
            assertTrue(d.toMillis() >= 1 && d.compareTo(Duration.ofMinutes(1)) <= 0);
        });
        OptionErrors.check(MAX_MESSAGE, () -> o.bool("k", false));
        OptionErrors.check(MAX_MESSAGE, () -> assertTrue(o.string("k", null, 100).length() <= 100));
        OptionErrors.check(MAX_MESSAGE, () -> o.choice("k", "a", "a", "b"));
    }

    @Test
    void unknownKeysAreRefusedWithTheOneError() {
        ForAll.of(Gen.strings(4096)).tries(300).check(key -> {
            try {
                DriverOptions.of(Map.of(key, "v"), "known");
                assertEquals("known", key);
            } catch (LogDriverException e) {
                OptionErrors.assertOneError(MAX_MESSAGE, e.getMessage());
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
}
