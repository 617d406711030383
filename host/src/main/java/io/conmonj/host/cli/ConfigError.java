package io.conmonj.host.cli;

/**
 * A validation failure of conmon-behaviour.md §1.4 (steps 3-15): the launcher prints {@link #line()} on
 * stderr and exits 1, before forking.
 *
 * <p>The prefix is not contractual (Podman only shows it to users) but is kept as conmon
 * 2.2.1 prints it: the checks done in {@code initialize_cli} (log-max-files, missing
 * {@code --cid}) print {@code conmon: }, everything later goes through {@code nexit}/
 * {@code pexit} and prints {@code [conmon:e]: }. (2.1.x printed some of the latter as
 * {@code [conmon:e] } without the colon; we use the 2.2.1 form everywhere.)
 */
public final class ConfigError extends Exception {
    private static final long serialVersionUID = 1L;

    /** Which prefix conmon puts in front of the message. */
    public enum Style {
        /** {@code conmon: } (steps 1-5). */
        PLAIN("conmon: "),
        /** {@code [conmon:e]: } (steps 6 and later). */
        ERROR("[conmon:e]: ");

        private final String prefix;

        Style(String prefix) {
            this.prefix = prefix;
        }

        public String prefix() {
            return prefix;
        }
    }

    private final Style style;

    public ConfigError(Style style, String message) {
        super(message, null, false, false); // expected user error: no stack trace needed
        this.style = style;
    }

    /** A {@code [conmon:e]: } error; the usual kind, and the one the monitor gives when it cannot open the log. */
    public static ConfigError error(String message) {
        return new ConfigError(Style.ERROR, message);
    }

    /** A {@code conmon: } error. */
    public static ConfigError plain(String message) {
        return new ConfigError(Style.PLAIN, message);
    }

    public Style style() {
        return style;
    }

    /** The full line for stderr, without the trailing newline. */
    public String line() {
        return style.prefix() + getMessage();
    }
}
