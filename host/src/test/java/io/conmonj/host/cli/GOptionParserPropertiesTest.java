package io.conmonj.host.cli;

import io.conmonj.plugin.property.ForAll;
import io.conmonj.plugin.property.Gen;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Property tests of the GOption command-line parser (issue 10: every parser of untrusted
 * input). The argv comes from Podman or CRI-O, but many of its values (names, paths, runtime
 * arguments, exit-command arguments) are chosen by users, so the parser must answer anything.
 *
 * <p>The documented answers: an {@link Options}, or an {@link OptionParsingException} whose
 * message is one of GLib's five texts ({@code Unknown option X}, {@code Missing argument for
 * X}, {@code Error parsing option -X}, {@code Cannot parse integer value “V” for X},
 * {@code Integer value “V” for X out of range}); never another exception.
 *
 * <p>Bound: each argv of at most 4 KiB (UTF-8, all elements together) is answered within
 * {@link #BOUND} (1 s, the project's bound for parsers of up to 4 KiB), asserted for every try
 * with a preemptive timeout. A parse takes microseconds; the margin is for a loaded, shared
 * machine, and a parser that loops or backtracks still exceeds it.
 */
class GOptionParserPropertiesTest {
    static final int MAX_BYTES = 4096;
    static final Duration BOUND = Duration.ofSeconds(1);

    private static final Pattern UNKNOWN = Pattern.compile("Unknown option (.*)", Pattern.DOTALL);
    private static final Pattern MISSING = Pattern.compile("Missing argument for (-.|--[a-z0-9-]+)");
    private static final Pattern TWO_VALUES = Pattern.compile("Error parsing option (-.)");
    private static final Pattern NOT_INTEGER =
            Pattern.compile("Cannot parse integer value \u201c(.*)\u201d for (-.|--[a-z0-9-]+)", Pattern.DOTALL);
    private static final Pattern OUT_OF_RANGE =
            Pattern.compile("Integer value \u201c(.*)\u201d for (-.|--[a-z0-9-]+) out of range", Pattern.DOTALL);

    private static final List<String> SPELLINGS = spellings();
    private static final List<String> NUMBERS = List.of("0", "010", "0x10", "0X1f", "-1", "+7", " 5", "5 ", "2147483648",
            "-2147483649", "9223372036854775807", "9223372036854775808", "99999999999999999999", "0x", "1e3", "08",
            "\t-0x7fffffff", "--1", "");

    /** Class loading is not the parser's time: the first timed try must not pay for it. */
    @BeforeAll
    static void loadTheParser() throws OptionParsingException {
        Options.parse(new String[] {"--cid", "x", "-T", "0x10", "-l", "k8s-file:/x"}, "/cwd", name -> null);
    }

    // ------------------------------------------------------------------ any argv

    @Test
    void anyArgvIsParsedOrRefusedWithOneOfGlibsTexts() {
        ForAll.of(GOptionParserPropertiesTest::argv).tries(3000).within(BOUND).check(argv -> {
            try {
                Options.parse(argv.toArray(String[]::new), "/cwd", name -> null);
            } catch (OptionParsingException e) {
                assertDocumentedError(e.getMessage(), argv);
                assertEquals("conmon: option parsing failed: " + e.getMessage(), e.line());
            }
        });
    }

    /** The message is one of GLib's texts, and what it names or quotes is really in argv. */
    private static void assertDocumentedError(String message, List<String> argv) {
        Matcher m;
        if ((m = UNKNOWN.matcher(message)).matches()) {
            assertTrue(argv.contains(m.group(1)), "names an element of argv: " + message);
        } else if ((m = MISSING.matcher(message)).matches()) {
            assertTrue(valueOption(m.group(1)), "names a value-taking option: " + message);
        } else if ((m = TWO_VALUES.matcher(message)).matches()) {
            assertTrue(valueOption(m.group(1)), "names a value-taking short option: " + message);
        } else if ((m = NOT_INTEGER.matcher(message)).matches() || (m = OUT_OF_RANGE.matcher(message)).matches()) {
            assertTrue(integerOption(m.group(2)), "names an integer option: " + message);
            String value = m.group(1);
            assertTrue(argv.stream().anyMatch(a -> a.equals(value) || a.endsWith("=" + value)),
                    "quotes a value from argv: " + message);
        } else {
            fail("undocumented parse error: " + message);
        }
    }

    private static ConmonOption byName(String name) {
        for (ConmonOption o : ConmonOption.values()) {
            if (name.equals("--" + o.longName()) || (o.shortName() != '\0' && name.equals("-" + o.shortName()))) {
                return o;
            }
        }
        return null;
    }

    private static boolean valueOption(String name) {
        ConmonOption o = byName(name);
        return o != null && o.kind() != ConmonOption.Kind.FLAG;
    }

    private static boolean integerOption(String name) {
        ConmonOption o = byName(name);
        return o != null && (o.kind() == ConmonOption.Kind.INT || o.kind() == ConmonOption.Kind.INT64);
    }

    private static List<String> spellings() {
        List<String> s = new ArrayList<>();
        for (ConmonOption o : ConmonOption.values()) {
            s.add("--" + o.longName());
            if (o.shortName() != '\0') {
                s.add("-" + o.shortName());
            }
        }
        s.addAll(List.of("--", "-", "", "-h", "-?", "--help", "--help-all", "-ti", "-tic", "-cu", "-x", "--foo",
                "--cid=", "--terminal=false", "--timeout=0x10", "--Cid", "--ci", "---cid"));
        return List.copyOf(s);
    }

    /** Text from {@code alphabet}, or now and then any text at all (control characters, surrogates, ...). */
    static String text(Random r, int maxChars, String alphabet) {
        return r.nextInt(3) == 0 ? Gen.strings(maxChars).next(r) : Gen.strings(alphabet, maxChars).next(r);
    }

    /** An argv of at most 4 KiB: option spellings, values, numbers, clusters and any text. */
    static List<String> argv(Random r) {
        List<String> argv = new ArrayList<>();
        int bytes = 0;
        int elements = Gen.lengths(200).next(r);
        for (int i = 0; i < elements; i++) {
            String e = switch (r.nextInt(18)) {
                case 0, 1, 2, 3, 4, 5 -> Gen.of(SPELLINGS).next(r);
                case 6, 7 -> Gen.of(SPELLINGS).next(r) + "=" + text(r, 40, "-=x0\t ");
                case 8, 9, 10 -> Gen.of(NUMBERS).next(r);
                case 11, 12 -> "-" + text(r, 5, "tiesPpcunbr0lTh?x");
                case 13 -> text(r, MAX_BYTES, "-=x0\t ");
                default -> text(r, 30, "-=abc0\t ");
            };
            int n = e.getBytes(StandardCharsets.UTF_8).length + 1;
            if (bytes + n > MAX_BYTES) {
                break;
            }
            bytes += n;
            argv.add(e);
        }
        return argv;
    }

    // ------------------------------------------------------------------ values are taken verbatim

    /** One occurrence of a string option: {@code --name V}, {@code --name=V} or {@code -x V}. */
    record Occurrence(ConmonOption option, int spelling, String value) {
        List<String> argv() {
            if (spelling == 1) {
                return List.of("--" + option.longName() + "=" + value);
            }
            if (spelling == 2 && option.shortName() != '\0') {
                return List.of("-" + option.shortName(), value);
            }
            return List.of("--" + option.longName(), value);
        }
    }

    record Occurrences(List<Occurrence> occurrences, List<String> positionals) {
        List<String> argv() {
            List<String> argv = new ArrayList<>();
            for (int i = 0; i < occurrences.size(); i++) {
                argv.addAll(occurrences.get(i).argv());
                if (i < positionals.size()) {
                    argv.add(positionals.get(i));
                }
            }
            return argv;
        }

        @Override
        public String toString() {
            return argv().toString();
        }
    }

    /**
     * Any value of a string option is stored as given, however it looks (empty, dash-leading,
     * {@code --}, containing '='): last occurrence wins, arrays accumulate in order, aliases
     * share their target, and positional arguments between the options change nothing.
     */
    @Test
    void stringValuesAreStoredVerbatimLastWinsArraysAccumulate() {
        List<ConmonOption> stringOptions = new ArrayList<>();
        for (ConmonOption o : ConmonOption.values()) {
            if (o.kind() == ConmonOption.Kind.STRING || o.kind() == ConmonOption.Kind.STRING_ARRAY) {
                stringOptions.add(o);
            }
        }
        List<String> trickyValues = List.of("", "-", "--", "--log-format=json", "-c", "--cid", "=", "a=b", "--help", "-h");
        Gen<Occurrences> occurrences = r -> {
            List<Occurrence> list = new ArrayList<>();
            int n = Gen.lengths(30).next(r);
            for (int i = 0; i < n; i++) {
                String value = r.nextBoolean() ? Gen.of(trickyValues).next(r) : text(r, 60, "-=x/ ");
                list.add(new Occurrence(Gen.of(stringOptions).next(r), r.nextInt(3), value));
            }
            List<String> positionals = new ArrayList<>();
            int p = Gen.lengths(30).next(r);
            for (int i = 0; i < p; i++) {
                String s = r.nextInt(4) == 0 ? "-" : text(r, 20, "abc/= ");
                positionals.add(s.startsWith("-") && !s.equals("-") ? "x" + s : s);
            }
            return new Occurrences(list, positionals);
        };
        ForAll.of(occurrences).tries(2000).within(BOUND).check(input -> {
            Map<ConmonOption, String> lastValue = new EnumMap<>(ConmonOption.class);
            Map<ConmonOption, List<String>> accumulated = new EnumMap<>(ConmonOption.class);
            for (Occurrence o : input.occurrences()) {
                ConmonOption target = o.option().target();
                if (o.option().kind() == ConmonOption.Kind.STRING) {
                    lastValue.put(target, o.value());
                } else {
                    accumulated.computeIfAbsent(target, k -> new ArrayList<>()).add(o.value());
                }
            }
            GOptionParser.Result r = GOptionParser.parse(input.argv().toArray(String[]::new));
            for (ConmonOption o : ConmonOption.values()) {
                if (o.target() != o) {
                    continue; // an alias: checked through its target
                }
                if (o.kind() == ConmonOption.Kind.STRING) {
                    assertEquals(lastValue.get(o), r.string(o), o.longName());
                } else if (o.kind() == ConmonOption.Kind.STRING_ARRAY) {
                    assertEquals(accumulated.getOrDefault(o, List.of()), r.strings(o), o.longName());
                }
            }
        });
    }

    // ------------------------------------------------------------------ integers

    record IntegerCase(ConmonOption option, BigInteger n, int base) {
        String text() {
            String digits = switch (base) {
                case 16 -> "0x" + n.abs().toString(16);
                case 8 -> "0" + n.abs().toString(8);
                default -> n.abs().toString();
            };
            return (n.signum() < 0 ? "-" : "") + digits;
        }

        @Override
        public String toString() {
            return "--" + option.longName() + " " + text();
        }
    }

    /**
     * Integer options follow C's {@code strtol} with base 0 (decimal, {@code 0x} hex, {@code 0}
     * octal) and GLib's range checks: a value that fits is stored, a larger one is "out of
     * range" (beyond 32 bits for {@code int} options, beyond 64 for {@code int64} ones).
     */
    @Test
    void integersInEveryBaseAreParsedOrOutOfRange() {
        List<ConmonOption> ints = new ArrayList<>();
        for (ConmonOption o : ConmonOption.values()) {
            if (o.kind() == ConmonOption.Kind.INT || o.kind() == ConmonOption.Kind.INT64) {
                ints.add(o);
            }
        }
        List<BigInteger> centers = List.of(BigInteger.ZERO, BigInteger.valueOf(Integer.MAX_VALUE),
                BigInteger.valueOf(Integer.MIN_VALUE), BigInteger.valueOf(Long.MAX_VALUE), BigInteger.valueOf(Long.MIN_VALUE));
        Gen<IntegerCase> cases = r -> {
            BigInteger offset = new BigInteger(1 + r.nextInt(100), r);
            if (r.nextBoolean()) {
                offset = offset.negate();
            }
            BigInteger n = r.nextInt(4) == 0 ? offset : Gen.of(centers).next(r).add(offset.shiftRight(r.nextInt(100)));
            return new IntegerCase(Gen.of(ints).next(r), n, Gen.of(8, 10, 16).next(r));
        };
        ForAll.of(cases).tries(3000).within(BOUND).check(c -> {
            String name = "--" + c.option().longName();
            boolean int64 = c.option().kind() == ConmonOption.Kind.INT64;
            BigInteger min = BigInteger.valueOf(int64 ? Long.MIN_VALUE : Integer.MIN_VALUE);
            BigInteger max = BigInteger.valueOf(int64 ? Long.MAX_VALUE : Integer.MAX_VALUE);
            if (c.n().compareTo(min) < 0 || c.n().compareTo(max) > 0) {
                try {
                    GOptionParser.parse(new String[] {name, c.text()});
                    fail("accepted");
                } catch (OptionParsingException e) {
                    assertEquals("Integer value \u201c" + c.text() + "\u201d for " + name + " out of range", e.getMessage());
                }
            } else {
                GOptionParser.Result r = GOptionParser.parse(new String[] {name, c.text()});
                long stored = int64 ? r.longValue(c.option(), 0) : r.intValue(c.option(), 0);
                assertEquals(c.n().longValueExact(), stored);
            }
        });
    }
}
