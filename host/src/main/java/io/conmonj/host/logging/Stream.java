package io.conmonj.host.logging;

import io.conmonj.plugin.LogStream;

/** The container output stream a chunk was read from (conmon-behaviour.md §7: in terminal mode everything is {@link #STDOUT}). */
public enum Stream {
    STDOUT("stdout", LogStream.STDOUT),
    STDERR("stderr", LogStream.STDERR);

    private final String label;
    private final LogStream spi;

    Stream(String label, LogStream spi) {
        this.label = label;
        this.spi = spi;
    }

    /** The same stream as the driver SPI names it. */
    public LogStream toSpi() {
        return spi;
    }

    /** {@code "stdout"} or {@code "stderr"}, as written into k8s-file records. */
    public String label() {
        return label;
    }
}
