package io.conmonj.plugin.property;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * A generator of test input for {@link ForAll}: hostile text, bytes, numbers and their mixtures, drawn from a
 * seeded {@link Random} so that a failure can be replayed. Lengths are biased towards the edges (empty, one, the
 * maximum) where parsers break most often.
 *
 * <p>The project writes its property tests with this small kit rather than a property-testing library, so that
 * the tests of every module share one dependency-free way to state "every input up to N bytes is answered with a
 * result or the documented error, within a bound".
 */
@FunctionalInterface
public interface Gen<T> {
    T next(Random random);

    default <R> Gen<R> map(Function<? super T, ? extends R> f) {
        return r -> f.apply(next(r));
    }

    default <R> Gen<R> flatMap(Function<? super T, Gen<? extends R>> f) {
        return r -> f.apply(next(r)).next(r);
    }

    /** One of {@code values}, equally likely. */
    @SafeVarargs
    static <T> Gen<T> of(T... values) {
        List<T> copy = List.of(values);
        return r -> copy.get(r.nextInt(copy.size()));
    }

    /** One of {@code values}, equally likely. */
    static <T> Gen<T> of(List<T> values) {
        List<T> copy = List.copyOf(values);
        return r -> copy.get(r.nextInt(copy.size()));
    }

    /** A value of one of {@code gens}, each chosen equally often. */
    @SafeVarargs
    static <T> Gen<T> oneOf(Gen<? extends T>... gens) {
        List<Gen<? extends T>> copy = List.of(gens);
        return r -> copy.get(r.nextInt(copy.size())).next(r);
    }

    static Gen<Boolean> booleans() {
        return Random::nextBoolean;
    }

    /** In {@code [min, max]}, with the bounds and their neighbours more likely than in a uniform draw. */
    static Gen<Long> longs(long min, long max) {
        return r -> switch (r.nextInt(8)) {
            case 0 -> min;
            case 1 -> max;
            case 2 -> min < max ? min + 1 : min;
            case 3 -> min < max ? max - 1 : max;
            default -> min == Long.MIN_VALUE && max == Long.MAX_VALUE ? r.nextLong() : r.nextLong(min, max == Long.MAX_VALUE ? max : max + 1);
        };
    }

    static Gen<Integer> ints(int min, int max) {
        return longs(min, max).map(Long::intValue);
    }

    /** A length in {@code [0, max]}: 0, 1 and {@code max} each one time in eight, else uniform. */
    static Gen<Integer> lengths(int max) {
        return r -> switch (r.nextInt(8)) {
            case 0 -> 0;
            case 1 -> Math.min(1, max);
            case 2 -> max;
            default -> r.nextInt(max + 1);
        };
    }

    /**
     * Any text of at most {@code maxLength} chars: a mix of printable ASCII, control characters (NUL, CR, LF, ESC,
     * DEL), Latin-1, other BMP characters, line separators, lone surrogates and supplementary characters.
     */
    static Gen<String> strings(int maxLength) {
        return r -> {
            int n = lengths(maxLength).next(r);
            StringBuilder b = new StringBuilder(n);
            int mode = r.nextInt(4); // some strings stay in one class, so that long runs of it occur
            while (b.length() < n) {
                int kind = mode < 3 ? mode : r.nextInt(7);
                switch (kind) {
                    case 0 -> b.append((char) (0x20 + r.nextInt(0x5f)));
                    case 1 -> b.append("\0\r\n\t\u001b\u007f\u0085".charAt(r.nextInt(7)));
                    case 2 -> b.append((char) (0xa0 + r.nextInt(0x60)));
                    case 3 -> b.append((char) (0x100 + r.nextInt(0xd700)));
                    case 4 -> b.append(r.nextBoolean() ? '\u2028' : '\u2029');
                    case 5 -> b.append((char) (0xd800 + r.nextInt(0x800))); // a lone surrogate
                    default -> {
                        if (b.length() + 2 <= n) {
                            b.appendCodePoint(0x10000 + r.nextInt(0xfffff));
                        } else {
                            b.append('x');
                        }
                    }
                }
            }
            return b.toString();
        };
    }

    /** Text of at most {@code maxLength} chars taken from {@code alphabet} alone. */
    static Gen<String> strings(String alphabet, int maxLength) {
        return r -> {
            int n = lengths(maxLength).next(r);
            StringBuilder b = new StringBuilder(n);
            for (int i = 0; i < n; i++) {
                b.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            return b.toString();
        };
    }

    /** Text made of {@code n} tokens of {@code tokens} (structure-aware input: keywords, separators, numbers). */
    static Gen<String> tokens(List<String> tokens, int maxTokens) {
        return r -> {
            int n = lengths(maxTokens).next(r);
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < n; i++) {
                b.append(tokens.get(r.nextInt(tokens.size())));
            }
            return b.toString();
        };
    }

    /** Any bytes, at most {@code maxLength}. */
    static Gen<byte[]> bytes(int maxLength) {
        return r -> {
            byte[] b = new byte[lengths(maxLength).next(r)];
            r.nextBytes(b);
            return b;
        };
    }

    /** A list of at most {@code maxSize} elements of {@code element}. */
    static <T> Gen<List<T>> lists(Gen<T> element, int maxSize) {
        return r -> {
            int n = lengths(maxSize).next(r);
            List<T> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                list.add(element.next(r));
            }
            return list;
        };
    }

    /** A map of at most {@code maxSize} entries (fewer when keys repeat). */
    static <K, V> Gen<Map<K, V>> maps(Gen<K> key, Gen<V> value, int maxSize) {
        return r -> {
            int n = lengths(maxSize).next(r);
            Map<K, V> map = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                map.put(key.next(r), value.next(r));
            }
            return map;
        };
    }
}
