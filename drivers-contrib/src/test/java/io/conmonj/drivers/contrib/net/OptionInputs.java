package io.conmonj.drivers.contrib.net;

import io.conmonj.plugin.LogDriverException;
import io.conmonj.plugin.property.Gen;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Generators and the one check of the drivers' option property tests: option maps whose keys are mostly the
 * driver's own and whose values are anything up to 4 KiB or near-valid text; each is answered with options or a
 * {@link LogDriverException} in the one format ({@code option KEY: ...}), on one line of bounded length. The
 * parsers are linear in the input (no regular expressions with back-tracking over values), so a try is microseconds;
 * the stated bound, {@link #BOUND} per map, is generous (a loaded machine): it catches a parser that loops or
 * back-tracks, it does not measure speed.
 */
public final class OptionInputs {
    public static final int MAX_MESSAGE = 1024;
    public static final java.time.Duration BOUND = java.time.Duration.ofSeconds(1);

    private OptionInputs() {
    }

    public static Gen<Map<String, String>> maps(List<String> keys, List<String> nearValues) {
        Gen<String> key = Gen.oneOf(Gen.of(keys), Gen.of(keys), Gen.strings(80));
        Gen<String> value = Gen.oneOf(Gen.strings(4096), Gen.of(nearValues),
                Gen.strings("0123456789:/.[]-+kmsgh@ \n", 40));
        return Gen.maps(key, value, 4);
    }

    public interface Parse {
        void run() throws LogDriverException;
    }

    /** Runs {@code parse}; fails unless it returns or throws the one error. */
    public static void check(Parse parse) {
        try {
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(BOUND, () -> {
                try {
                    parse.run();
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
