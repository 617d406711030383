package io.conmonj.host.cli;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A small runner for property tests of the parsers of untrusted input: a property is checked
 * on many generated inputs, each try under a time bound. Every try has its own seed, named in
 * the failure together with the input, and {@code -Dconmonj.tries.seed=SEED} makes the first
 * try of every property use that seed, so a failure can be replayed exactly. Without it the
 * seeds differ from run to run, so repeated runs cover more inputs.
 *
 * <p>No property-testing library: jqwik 1.10 (managed in the root pom) carries a clause against
 * use by AI agents, and these tests were written by one; this runner is all they need, and it
 * adds no dependency.
 */
public final class RandomTries {
    private RandomTries() {}

    /** The largest input the properties generate (issue 10: every input up to 4 KiB). */
    public static final int MAX_BYTES = 4096;

    /** A property of one input. */
    @FunctionalInterface
    public interface Property<T> {
        void check(T input) throws Throwable;
    }

    /**
     * Checks {@code property} on {@code tries} inputs made by {@code generator}; each check must
     * end within {@code bound} (a preemptive timeout: a parser that hangs fails, it does not
     * hang the build). The first input is checked once more before, without the bound, so that
     * class loading does not count.
     */
    public static <T> void forAll(int tries, Duration bound, Function<SplittableRandom, T> generator,
                                  Function<T, String> show, Property<T> property) {
        long base = Long.getLong("conmonj.tries.seed", System.nanoTime());
        // Warm-up, untimed: loading classes and native libraries is not the parser's time.
        try {
            property.check(generator.apply(new SplittableRandom(base)));
        } catch (Throwable t) {
            throw new AssertionError("warm-up try failed (replay: -Dconmonj.tries.seed=" + base + "): "
                    + t.getMessage(), t);
        }
        for (int i = 0; i < tries; i++) {
            long seed = base + i;
            T input = generator.apply(new SplittableRandom(seed));
            try {
                assertTimeoutPreemptively(bound, () -> {
                    property.check(input);
                    return null;
                });
            } catch (Throwable t) {
                throw new AssertionError("try " + (i + 1) + " of " + tries + " failed (replay: -Dconmonj.tries.seed="
                        + seed + "): " + t.getMessage() + "\ninput: " + show.apply(input), t);
            }
        }
    }

    /** One element of {@code choices}. */
    public static <T> T oneOf(SplittableRandom r, List<T> choices) {
        return choices.get(r.nextInt(choices.size()));
    }

    /** A length from 0 to {@code max}, short lengths more likely (most bugs need little input). */
    public static int length(SplittableRandom r, int max) {
        int scale = oneOf(r, List.of(8, 64, max));
        return r.nextInt(Math.min(scale, max) + 1);
    }

    /**
     * Text of up to {@code maxChars} chars: sometimes from {@code alphabet}, sometimes any char
     * at all (control characters, lone surrogates, characters outside Latin-1).
     */
    public static String text(SplittableRandom r, int maxChars, String alphabet) {
        int n = length(r, maxChars);
        boolean any = r.nextInt(3) == 0;
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            s.append(any ? (char) r.nextInt(Character.MAX_VALUE + 1) : alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    /** Any bytes, up to {@code max}. */
    public static byte[] bytes(SplittableRandom r, int max) {
        byte[] b = new byte[length(r, max)];
        r.nextBytes(b);
        return b;
    }

    /** The bytes shown as Java escapes, for failure messages. */
    public static String show(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(x >= 32 && x < 127 && x != '\\' ? String.valueOf((char) x) : String.format("\\x%02x", x & 0xff));
        }
        return s.toString();
    }
}
