package io.conmonj.host.attach;

import io.conmonj.host.sys.NativeCallException;

import java.io.IOException;

/**
 * A fatal failure while creating the attach socket, its symlink or the
 * ctl/winsz FIFOs. The message is conmon's text followed by a space and the
 * C library's text for the errno (what conmon's {@code pexitf} prints after
 * {@code "[conmon:e]: "}, e.g. {@code "Failed to create symlink for notify
 * socket No such file or directory"}); the monitor logs it and exits 1.
 */
public final class AttachSetupException extends IOException {
    private final String text;

    AttachSetupException(String text, NativeCallException cause) {
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
