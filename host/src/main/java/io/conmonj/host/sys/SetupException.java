package io.conmonj.host.sys;

import java.io.IOException;

/**
 * A fatal failure while setting up one of the monitor's endpoints (attach
 * socket, its symlink, the ctl/winsz FIFOs, the console socket). The message
 * is conmon's text followed by a space and the C library's text for the errno,
 * as conmon's {@code pexit} prints it after {@code "[conmon:e]: "}, e.g.
 * {@code "Failed to create symlink for notify socket No such file or
 * directory"}; the monitor logs it and exits 1.
 */
public final class SetupException extends IOException {
    private final String text;

    public SetupException(String text, NativeCallException cause) {
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
