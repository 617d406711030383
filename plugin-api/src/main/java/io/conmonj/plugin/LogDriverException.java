package io.conmonj.plugin;

/** A driver could not be created; the message is shown to the user as it is. */
public final class LogDriverException extends Exception {
    public LogDriverException(String message) {
        super(message);
    }

    public LogDriverException(String message, Throwable cause) {
        super(message, cause);
    }
}
