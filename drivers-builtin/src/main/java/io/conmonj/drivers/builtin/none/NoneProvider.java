package io.conmonj.drivers.builtin.none;

import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.DriverOptions;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogDriverException;
import io.conmonj.plugin.LogDriverProvider;
import io.conmonj.plugin.LogRecord;

import java.util.Map;
import java.util.function.Consumer;

/** {@code none}: discards every record (conmon-behaviour.md §7.3). Takes no options. */
public final class NoneProvider implements LogDriverProvider {
    public static final String NAME = "none";

    /** The driver: stateless, one instance serves every container. */
    static final LogDriver DISCARD = new LogDriver() {
        @Override
        public void write(LogRecord record) {
        }

        @Override
        public void close() {
        }
    };

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public LogDriver open(ContainerMetadata container, Map<String, String> options, Consumer<String> warnings)
            throws LogDriverException {
        if (!options.isEmpty()) {
            String key = new java.util.TreeSet<>(options.keySet()).first();
            throw DriverOptions.error(key, "unknown (" + NAME + " takes no options)");
        }
        return DISCARD;
    }
}
