package io.conmonj.drivers.builtin;

import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogDriverException;
import io.conmonj.plugin.LogDriverProvider;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code journald} selected by annotation or environment (docs/logging.md): the same entries as conmon's
 * {@code -l journald}, with the container's id, name and tag. Options: {@code socket} (journald's native socket,
 * default {@code /run/systemd/journal/socket}), {@code partial-message} ({@code true}/{@code false}, default true:
 * false is {@code --no-container-partial-message}).
 */
public final class JournaldProvider implements LogDriverProvider {
    public static final String NAME = "journald";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public LogDriver open(ContainerMetadata container, Map<String, String> options, Consumer<String> warnings)
            throws LogDriverException {
        String socket = JournalSocket.DEFAULT_PATH;
        boolean partialField = true;
        for (Map.Entry<String, String> option : options.entrySet()) {
            String value = option.getValue();
            switch (option.getKey()) {
                case "socket" -> {
                    if (value.isEmpty() || value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length >= 108) {
                        throw new LogDriverException("log driver " + NAME + ": bad socket path '" + value + "'");
                    }
                    socket = value;
                }
                case "partial-message" -> partialField = switch (value) {
                    case "true" -> true;
                    case "false" -> false;
                    default -> throw new LogDriverException("log driver " + NAME
                            + ": partial-message must be true or false, got '" + value + "'");
                };
                default -> throw new LogDriverException("log driver " + NAME + ": unknown option " + option.getKey()
                        + " (known: socket, partial-message)");
            }
        }
        if (container.id().length() <= 12) {
            throw new LogDriverException("log driver " + NAME + ": Container ID must be longer than 12 characters");
        }
        JournaldEntry entry = new JournaldEntry(container.id(), container.name(), container.tag(), List.of(), partialField);
        return JournaldLog.open(entry, socket, warnings);
    }
}
