package io.conmonj.plugin;

/** Which of the container's streams a record came from. In terminal mode everything is STDOUT. */
public enum LogStream {
    STDOUT("stdout"),
    STDERR("stderr");

    private final String label;

    LogStream(String label) {
        this.label = label;
    }

    /** "stdout" or "stderr", the names the log formats use. */
    public String label() {
        return label;
    }
}
