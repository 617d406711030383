package io.conmonj.host.cli;

/**
 * The {@code --help} text, laid out like GLib's {@code g_option_context_get_help()} for
 * conmon's context ({@code "- conmon utility"}, main entries only, so {@code --help-all} prints
 * the same thing and no {@code --help-all} line is listed). Hidden aliases are omitted.
 *
 * <p>Column rule from GLib: descriptions start at column {@code max(10, L) + 9}, where L is the
 * longest listed "long name (+4 if it has a short name)"; each entry is indented by two spaces.
 */
public final class Usage {
    private Usage() {
    }

    /** The whole text, ending with an empty line, to print on stdout before exiting 0. */
    public static String text() {
        int maxLength = "-?, --help".length(); // GLib's minimum
        for (ConmonOption o : ConmonOption.values()) {
            if (!o.hidden()) {
                int len = o.longName().length() + (o.shortName() != '\0' ? 4 : 0);
                maxLength = Math.max(maxLength, len);
            }
        }
        maxLength += 4;

        StringBuilder sb = new StringBuilder(4096);
        sb.append("Usage:\n  conmon [OPTION\u2026] - conmon utility\n\n");
        sb.append("Help Options:\n");
        appendEntry(sb, "  -h, --help", "Show help options", maxLength);
        sb.append('\n');
        sb.append("Application Options:\n");
        for (ConmonOption o : ConmonOption.values()) {
            if (o.hidden()) {
                continue;
            }
            String names = o.shortName() != '\0'
                    ? "  -" + o.shortName() + ", --" + o.longName()
                    : "  --" + o.longName();
            appendEntry(sb, names, o.description(), maxLength);
        }
        sb.append('\n');
        return sb.toString();
    }

    private static void appendEntry(StringBuilder sb, String names, String description, int maxLength) {
        sb.append(names);
        for (int pad = maxLength + 4 - names.length(); pad > 0; pad--) {
            sb.append(' ');
        }
        sb.append(' ').append(description).append('\n');
    }
}
