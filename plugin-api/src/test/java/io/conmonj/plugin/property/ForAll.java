package io.conmonj.plugin.property;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Runs a property over generated inputs: {@code ForAll.of(gen).tries(1000).check(input -> ...)}. Each try gets a
 * fresh input from a {@link Random} seeded once per run; a failure names the try, the input (escaped, cut) and the
 * seed, and {@code -Dconmonj.property.seed=SEED} replays the same inputs. With {@link #within} every try must end
 * within the stated bound: a parser that loops or back-tracks fails instead of hanging the build.
 */
public final class ForAll<T> {
    /** What one try checks; any exception or assertion failure fails the property. */
    @FunctionalInterface
    public interface Check<T> {
        void check(T input) throws Exception;
    }

    private final Gen<T> gen;
    private int tries = 1000;
    private Duration bound;

    private ForAll(Gen<T> gen) {
        this.gen = gen;
    }

    public static <T> ForAll<T> of(Gen<T> gen) {
        return new ForAll<>(gen);
    }

    public ForAll<T> tries(int tries) {
        this.tries = tries;
        return this;
    }

    /** Every try must end within {@code bound} (checked on a separate thread, so a hang is cut short). */
    public ForAll<T> within(Duration bound) {
        this.bound = bound;
        return this;
    }

    public void check(Check<T> check) {
        long seed = Long.getLong("conmonj.property.seed", System.nanoTime());
        Random random = new Random(seed);
        for (int i = 0; i < tries; i++) {
            T input = gen.next(random);
            try {
                if (bound == null) {
                    check.check(input);
                } else {
                    assertTimeoutPreemptively(bound, () -> {
                        check.check(input);
                        return null;
                    });
                }
            } catch (Throwable e) {
                throw new AssertionError("property failed at try " + (i + 1) + " of " + tries + " (seed " + seed
                        + ", replay with -Dconmonj.property.seed=" + seed + ") for input " + describe(input)
                        + ": " + e, e);
            }
        }
    }

    /** The input for a failure message: escaped, at most 300 characters. */
    static String describe(Object input) {
        String text = switch (input) {
            case byte[] b -> b.length + " bytes " + Arrays.toString(Arrays.copyOf(b, Math.min(b.length, 64)));
            case String s -> s.length() + " chars \"" + escape(s) + "\"";
            case Collection<?> c -> c.size() + " elements " + escape(String.valueOf(c));
            case Map<?, ?> m -> m.size() + " entries " + escape(String.valueOf(m));
            case null -> "null";
            default -> escape(String.valueOf(input));
        };
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 300; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || Character.isSurrogate(c) || c == '\u2028'
                    || c == '\u2029') {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
