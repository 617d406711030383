package io.conmonj.host.logging;

import java.nio.charset.StandardCharsets;

/** The container output stream a chunk was read from (contract 7: in terminal mode everything is {@link #STDOUT}). */
public enum Stream {
    STDOUT("stdout"),
    STDERR("stderr");

    private final String label;
    /** The label as bytes, copied into every k8s-file record. Never modified. */
    final byte[] labelBytes;

    Stream(String label) {
        this.label = label;
        this.labelBytes = label.getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code "stdout"} or {@code "stderr"}, as written into k8s-file records. */
    public String label() {
        return label;
    }
}
