package io.conmonj.host.cli;

/**
 * A GOption parse error (conmon-behaviour.md §1.4 step 1). The message is GLib's text, e.g.
 * {@code Unknown option --foo} or {@code Missing argument for -c}; integer errors contain
 * GLib's curly quotes (U+201C/U+201D) exactly as conmon prints them in a UTF-8 locale.
 *
 * <p>The caller prints {@link #line()} and exits with status 1. Note: C conmon prints this line
 * with {@code g_print()}, i.e. on <em>stdout</em> (verified with 2.1.6, and 2.2.x's
 * {@code initialize_cli} still uses {@code g_print}); conmon-behaviour.md §1.1 says stderr. Podman only
 * shows it to the user, so either stream works; stdout matches the C binary.
 */
public final class OptionParsingException extends Exception {
    private static final long serialVersionUID = 1L;

    public OptionParsingException(String message) {
        super(message, null, false, false); // no stack trace: this is an expected user error
    }

    /** The full line conmon prints, without the trailing newline. */
    public String line() {
        return "conmon: option parsing failed: " + getMessage();
    }
}
