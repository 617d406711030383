package io.conmonj.drivers.builtin.logfile;

import java.io.IOException;

/**
 * A fatal log-file error. {@link #getMessage()} is exactly the text conmon prints after {@code [conmon:e]: }
 * before exiting with status 1, e.g. {@code Failed to open log file No such file or directory}.
 */
public final class LogFileException extends IOException {
    private static final long serialVersionUID = 1L;

    public LogFileException(String conmonMessage, Throwable cause) {
        super(conmonMessage, cause);
    }
}
