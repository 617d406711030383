package io.conmonj.plugin.property;

import io.conmonj.plugin.LogDriverException;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The one check of the option property tests, for plugin-api's getters and every driver's option parser: hostile
 * input is answered with a result or a {@link LogDriverException} in the one format ({@code option KEY: ...}), on one
 * line of at most the caller's length, within {@link #BOUND}. The bound is generous (a loaded machine): it catches a
 * parser that loops or back-tracks, it does not measure speed.
 */
public final class OptionErrors {
    public static final Duration BOUND = Duration.ofSeconds(1);

    private OptionErrors() {
    }

    /** A parse that may refuse its input. */
    @FunctionalInterface
    public interface Parse {
        void run() throws LogDriverException;
    }

    /** Runs {@code parse} within {@link #BOUND}; fails unless it returns or throws the one error of at most {@code maxMessage} characters. */
    public static void check(int maxMessage, Parse parse) {
        try {
            assertTimeoutPreemptively(BOUND, () -> {
                try {
                    parse.run();
                } catch (LogDriverException e) {
                    assertOneError(maxMessage, e.getMessage());
                }
            });
        } catch (RuntimeException e) {
            fail("not the documented error: " + e);
        }
    }

    /** {@code message} is the one error: {@code option ...}, at most {@code maxMessage} characters, no control characters or line breaks. */
    public static void assertOneError(int maxMessage, String message) {
        assertTrue(message.startsWith("option "), message);
        assertTrue(message.length() <= maxMessage, message);
        assertTrue(message.chars().noneMatch(c -> c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029), message);
    }
}
