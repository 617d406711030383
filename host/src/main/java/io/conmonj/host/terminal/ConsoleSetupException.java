package io.conmonj.host.terminal;

import io.conmonj.host.sys.NativeCallException;

import java.io.IOException;

/**
 * A fatal console-socket failure (contract §9.1). The message is conmon's
 * text followed by a space and the C library's text for the errno, as
 * conmon's {@code pexit} prints it after {@code "[conmon:e]: "}, e.g.
 * {@code "Failed to receive console file descriptor Communication error on
 * send"}; the monitor logs it and exits 1.
 */
public final class ConsoleSetupException extends IOException {
    private final String text;

    ConsoleSetupException(String text, NativeCallException cause) {
        super(text + " " + cause.reason(), cause);
        this.text = text;
    }

    /** conmon's text without the errno part. */
    public String text() {
        return text;
    }

    /** The failed call. */
    public NativeCallException call() {
        return (NativeCallException) getCause();
    }
}
