package io.conmonj.host.logging.select;

/** Driver selection or opening failed; the message is shown to the user (it reaches {@code podman run}). */
public final class SelectionException extends Exception {
    private static final long serialVersionUID = 1L;

    public SelectionException(String message) {
        super(message, null, false, false);
    }

    public SelectionException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
