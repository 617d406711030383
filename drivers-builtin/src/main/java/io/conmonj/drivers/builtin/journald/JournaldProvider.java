package io.conmonj.drivers.builtin.journald;

import io.conmonj.drivers.common.UnixDatagramSocket;
import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.DriverOptions;
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
 * false is {@code --no-container-partial-message}). The labels and environment variables in the metadata (those the
 * container selected with the host's {@code labels} and {@code env} options) become fields after conmon's, named as
 * Docker's journald driver names them ({@link #fieldName}), in name order, an env variable winning over a label of
 * the same field name. A name that would replace one of conmon's fields ({@code MESSAGE}, {@code PRIORITY},
 * {@code CONTAINER_*}, {@code SYSLOG_IDENTIFIER}) or that journald would drop (first character a digit, more than
 * 64 characters) is left out with a warning.
 */
public final class JournaldProvider implements LogDriverProvider {
    public static final String NAME = "journald";
    /** conmon's fields, which a label or env variable must not replace. */
    private static final java.util.Set<String> RESERVED = java.util.Set.of("MESSAGE", "PRIORITY", "CONTAINER_ID",
            "CONTAINER_ID_FULL", "CONTAINER_NAME", "CONTAINER_TAG", "CONTAINER_PARTIAL_MESSAGE", "SYSLOG_IDENTIFIER");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public LogDriver open(ContainerMetadata container, Map<String, String> options, Consumer<String> warnings)
            throws LogDriverException {
        DriverOptions o = DriverOptions.of(options, "socket", "partial-message");
        String socket = o.string("socket", JournalSocket.DEFAULT_PATH, UnixDatagramSocket.MAX_PATH_BYTES);
        if (socket.isEmpty() || socket.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                > UnixDatagramSocket.MAX_PATH_BYTES || socket.indexOf('\0') >= 0) {
            throw DriverOptions.error("socket", DriverOptions.echo(socket) + " is not a socket path (1 to "
                    + UnixDatagramSocket.MAX_PATH_BYTES + " bytes)");
        }
        boolean partialField = o.choice("partial-message", Boolean.TRUE,
                new java.util.LinkedHashMap<>(Map.of("true", Boolean.TRUE, "false", Boolean.FALSE)));
        if (container.id().length() <= 12) {
            throw new LogDriverException("Container ID must be longer than 12 characters");
        }
        JournaldEntry entry = new JournaldEntry(container.id(), container.name(), container.tag(), extraFields(container, warnings),
                partialField);
        return JournaldLog.open(entry, socket, warnings);
    }

    /** {@code NAME=VALUE} for each label, then each env variable, of the metadata, by field name. */
    static List<String> extraFields(ContainerMetadata container, Consumer<String> warnings) {
        java.util.TreeMap<String, String> fields = new java.util.TreeMap<>();
        for (String kind : List.of("label ", "env ")) {
            Map<String, String> m = kind.equals("env ") ? container.env() : container.labels();
            for (Map.Entry<String, String> e : new java.util.TreeMap<>(m).entrySet()) {
                String name = fieldName(e.getKey());
                String why = name.isEmpty() ? "no letter or digit"
                        : RESERVED.contains(name) ? "it would replace conmon's field"
                        : name.charAt(0) >= '0' && name.charAt(0) <= '9' ? "journald drops names that start with a digit"
                        : name.length() > 64 ? "journald drops names longer than 64 characters" : null;
                if (why != null) {
                    warnings.accept(kind + e.getKey() + " is not written as "
                            + "journal field '" + name + "': " + why);
                } else {
                    fields.put(name, e.getValue());
                }
            }
        }
        List<String> out = new java.util.ArrayList<>();
        fields.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }

    /**
     * Docker's journald {@code sanitizeKeyMod}: lower-case letters upper-cased, anything but {@code A-Z} and
     * {@code 0-9} becomes {@code _}, and leading {@code _} are dropped (journald reserves them for trusted fields).
     */
    static String fieldName(String key) {
        StringBuilder n = new StringBuilder();
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c >= 'a' && c <= 'z') {
                c = (char) (c - 'a' + 'A');
            } else if (!(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')) {
                c = '_';
            }
            if (!(n.isEmpty() && c == '_')) {
                n.append(c);
            }
        }
        return n.toString();
    }
}
