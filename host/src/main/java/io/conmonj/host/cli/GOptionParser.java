package io.conmonj.host.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Parses argv the way GLib's {@code g_option_context_parse()} does for conmon's option table
 * (conmon-behaviour.md §1.1). Podman's argv depends on these quirks, so they are reproduced rather than
 * "fixed":
 * <ul>
 *   <li>a value-taking option consumes the next argv element unconditionally, even
 *       {@code --log-format=json}, {@code --} or the empty string;</li>
 *   <li>{@code --name=value} works for long options only; a short option takes its value only
 *       from the next element, so {@code -cX foo} is {@code Unknown option -cX};</li>
 *   <li>clusters of short options are processed left to right; a second value-taking short in
 *       the same cluster is {@code Error parsing option -X};</li>
 *   <li>flags accept and ignore {@code =anything} ({@code --terminal=false} turns it on);</li>
 *   <li>positional arguments are ignored, {@code --} stops option parsing, a lone {@code -} is
 *       positional;</li>
 *   <li>{@code -h}/{@code -?} anywhere in a cluster, {@code --help} and {@code --help-all} stop
 *       parsing at once and request the usage text (errors in earlier arguments win, later
 *       ones are never seen).</li>
 * </ul>
 * Option names are matched exactly (no prefix abbreviation, case-sensitive), as in GLib.
 *
 * <p>Known, deliberate difference: GLib converts string values with {@code g_locale_to_utf8}
 * and fails with {@code Invalid byte sequence in conversion input} for bytes invalid in the
 * locale's charset. The JVM has already decoded argv before we see it, so that error cannot be
 * reproduced here.
 */
final class GOptionParser {
    private static final ConmonOption[] TABLE = ConmonOption.values();

    private GOptionParser() {
    }

    /** Result of a parse: the values seen (keyed by {@link ConmonOption#target()}) and whether help was asked for. */
    static final class Result {
        /**
         * By ordinal, null where unset. Not an EnumMap: that reads the enum's constants reflectively, which spins a
         * method handle class at every start (docs/design.md, "Native layer").
         */
        private final Object[] values = new Object[TABLE.length];
        private boolean helpRequested;

        boolean helpRequested() {
            return helpRequested;
        }

        boolean isSet(ConmonOption option) {
            return values[option.ordinal()] != null;
        }

        boolean flag(ConmonOption option) {
            return values[option.ordinal()] != null;
        }

        String string(ConmonOption option) {
            return (String) values[option.ordinal()];
        }

        @SuppressWarnings("unchecked")
        List<String> strings(ConmonOption option) {
            List<String> list = (List<String>) values[option.ordinal()];
            return list == null ? List.of() : Collections.unmodifiableList(list);
        }

        int intValue(ConmonOption option, int absent) {
            Object v = values[option.ordinal()];
            return v == null ? absent : (Integer) v;
        }

        long longValue(ConmonOption option, long absent) {
            Object v = values[option.ordinal()];
            return v == null ? absent : (Long) v;
        }
    }

    static Result parse(String[] argv) throws OptionParsingException {
        Result result = new Result();
        boolean stopParsing = false;
        for (int i = 0; i < argv.length; i++) {
            String arg = argv[i];
            if (stopParsing || arg.length() < 2 || arg.charAt(0) != '-') {
                continue; // positional argument (this includes a lone "-"): ignored by conmon
            }
            if (arg.charAt(1) == '-') {
                if (arg.length() == 2) {
                    stopParsing = true;
                    continue;
                }
                String name = arg.substring(2);
                if (name.equals("help") || name.equals("help-all")) {
                    result.helpRequested = true;
                    return result;
                }
                i = parseLong(result, argv, i, name);
            } else {
                int next = parseShortCluster(result, argv, i);
                if (next < 0) {
                    return result; // help requested inside the cluster
                }
                i = next;
            }
        }
        return result;
    }

    /** Returns the index of the last argv element consumed. */
    private static int parseLong(Result result, String[] argv, int i, String name) throws OptionParsingException {
        for (ConmonOption option : TABLE) {
            String longName = option.longName();
            if (!name.startsWith(longName)) {
                continue;
            }
            int len = longName.length();
            if (name.length() != len && name.charAt(len) != '=') {
                continue;
            }
            String value = null;
            if (name.length() > len) {
                value = name.substring(len + 1);
            } else if (option.kind().takesValue()) {
                if (i + 1 >= argv.length) {
                    throw new OptionParsingException("Missing argument for " + optionName(option, false));
                }
                value = argv[++i];
            }
            store(result, option, false, value);
            return i;
        }
        throw new OptionParsingException("Unknown option " + argv[i]);
    }

    /**
     * Processes a cluster such as {@code -ti} or {@code -c}. Returns the index of the last argv
     * element consumed, or -1 when {@code -h}/{@code -?} asked for help.
     */
    private static int parseShortCluster(Result result, String[] argv, int i) throws OptionParsingException {
        String arg = argv[i];
        int consumedUpTo = i;
        for (int j = 1; j < arg.length(); j++) {
            char c = arg.charAt(j);
            if (c == '?' || c == 'h') { // conmon has no -h entry, so GLib treats 'h' as help
                result.helpRequested = true;
                return -1;
            }
            ConmonOption option = findShort(c);
            if (option == null) {
                // GLib reports the whole element, even when an earlier letter consumed a value.
                throw new OptionParsingException("Unknown option " + arg);
            }
            String value = null;
            if (option.kind().takesValue()) {
                if (consumedUpTo > i) {
                    throw new OptionParsingException("Error parsing option " + optionName(option, true));
                }
                if (i + 1 >= argv.length) {
                    throw new OptionParsingException("Missing argument for " + optionName(option, true));
                }
                consumedUpTo = i + 1;
                value = argv[consumedUpTo];
            }
            store(result, option, true, value);
        }
        return consumedUpTo;
    }

    private static ConmonOption findShort(char c) {
        if (c == '\0') {
            return null;
        }
        for (ConmonOption option : TABLE) {
            if (option.shortName() == c) {
                return option;
            }
        }
        return null;
    }

    /** How GLib names the option in messages: as the user spelled it, {@code -T} or {@code --timeout}. */
    private static String optionName(ConmonOption option, boolean asShort) {
        return asShort ? "-".concat(String.valueOf(option.shortName())) : "--".concat(option.longName());
    }

    /**
     * Stores a value the way GLib's parse_arg does. (No lambdas or string concatenation on this
     * path: their invokedynamic bootstraps cost start-up time in every container's monitor.)
     */
    private static void store(Result result, ConmonOption option, boolean asShort, String value)
            throws OptionParsingException {
        ConmonOption target = option.target();
        switch (option.kind()) {
            case FLAG -> result.values[target.ordinal()] = Boolean.TRUE; // any "=value" is ignored
            case STRING -> result.values[target.ordinal()] = value;
            case STRING_ARRAY -> {
                @SuppressWarnings("unchecked")
                List<String> list = (List<String>) result.values[target.ordinal()];
                if (list == null) {
                    list = new ArrayList<>();
                    result.values[target.ordinal()] = list;
                }
                list.add(value);
            }
            case INT -> result.values[target.ordinal()] = CInteger.parseInt(value, optionName(option, asShort));
            case INT64 -> result.values[target.ordinal()] = CInteger.parseInt64(value, optionName(option, asShort));
        }
    }
}
