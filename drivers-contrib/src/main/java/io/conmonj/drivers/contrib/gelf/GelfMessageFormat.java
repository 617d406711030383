package io.conmonj.drivers.contrib.gelf;

import io.conmonj.drivers.contrib.net.ByteSink;
import io.conmonj.drivers.contrib.net.MetadataBudget;
import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.DriverOptions;
import io.conmonj.plugin.LogStream;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * One line of container output as a GELF 1.1 message (Graylog docs, "GELF Payload Specification"), with the fields
 * and the byte layout of Docker's gelf driver (moby {@code daemon/logger/gelf}, go-gelf's {@code Message}):
 *
 * <pre>{"version":"1.1","host":HOST,"short_message":LINE,"timestamp":SECONDS,"level":6|3,EXTRAS...}</pre>
 *
 * <ul>
 *   <li>{@code host}: the machine's host name (Docker: the daemon's {@code os.Hostname()});</li>
 *   <li>{@code short_message}: the line without its {@code \n} (never empty: empty lines are not sent, see
 *       {@link GelfDriver});</li>
 *   <li>{@code timestamp}: seconds since the epoch with milliseconds, as Docker computes it
 *       ({@code float64(UnixNano/1e6)/1000}, printed by Go as the shortest decimal: {@code 1700000000.5},
 *       {@code 1700000000} when the milliseconds are 0);</li>
 *   <li>{@code level}: 6 (informational) for stdout, 3 (error) for stderr, as Docker;</li>
 *   <li>extras, sorted by name as Go's {@code json.Marshal} of a map sorts them: {@code _container_id} (the full
 *       id), {@code _container_name} (if known), {@code _image_name} (if known), {@code _tag} (the tag, default the
 *       short id, Docker's {@code {{.ID}}}), and each selected label and env variable as {@code _NAME} (a name that
 *       starts with {@code _} is kept as it is, Docker's {@code ExtraAttributes} key function).</li>
 * </ul>
 * Docker also sends {@code _command}, {@code _created} and {@code _image_id}, which the monitor does not know.
 *
 * <p>Everything but the line, the timestamp and the level is the same for every message of a container, so it is
 * encoded once; {@link #encode} copies the prefix and suffix around the escaped line into a reused buffer.
 */
final class GelfMessageFormat {
    /** GELF 1.1, "GELF Payload Specification": additional field names; {@code _id} is not allowed. */
    static final Pattern FIELD_NAME = Pattern.compile("^[\\w\\.\\-]*$");
    /** Characters of names and values of the selected labels and env variables in each message (Graylog indexes a
     * field value of at most 32766 bytes). */
    static final int MAX_EXTRAS = 32 * 1024;
    /** The driver's own extras, which a label or env variable must not replace. */
    static final Set<String> OWN_FIELDS = Set.of("_container_id", "_container_name", "_image_name", "_tag");

    private static final byte[] TIMESTAMP = ",\"timestamp\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LEVEL_INFO = ",\"level\":6".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LEVEL_ERR = ",\"level\":3".getBytes(StandardCharsets.US_ASCII);

    private final byte[] prefix;
    private final byte[] suffix;

    GelfMessageFormat(String host, ContainerMetadata container, Consumer<String> warnings) {
        ByteSink b = new ByteSink(256);
        b.append("{\"version\":\"1.1\",\"host\":".getBytes(StandardCharsets.US_ASCII));
        GelfJson.appendString(b, host);
        b.append(",\"short_message\":".getBytes(StandardCharsets.US_ASCII));
        prefix = b.toByteArray();

        b.reset();
        for (Map.Entry<String, String> e : extras(container, warnings).entrySet()) {
            b.append((byte) ',');
            GelfJson.appendString(b, e.getKey());
            b.append((byte) ':');
            GelfJson.appendString(b, e.getValue());
        }
        b.append((byte) '}');
        suffix = b.toByteArray();
    }

    /** The extras, by name (Go sorts a map's keys by their bytes; these names are ASCII, so String order is that). */
    static TreeMap<String, String> extras(ContainerMetadata c, Consumer<String> warnings) {
        TreeMap<String, String> fields = new TreeMap<>();
        // Docker's ExtraAttributes: labels first, then env, so an env variable wins over a label of the same name
        addSelected(fields, "label", c.labels(), warnings);
        addSelected(fields, "env", c.env(), warnings);
        fields = new TreeMap<>(MetadataBudget.fit(fields, MAX_EXTRAS, "the GELF messages", warnings));
        fields.put("_container_id", c.id());
        if (c.name() != null) {
            fields.put("_container_name", c.name());
        }
        if (c.image() != null) {
            fields.put("_image_name", c.image());
        }
        fields.put("_tag", c.tag() != null ? c.tag() : c.shortId());
        return fields;
    }

    private static void addSelected(TreeMap<String, String> fields, String kind, Map<String, String> selected,
                                    Consumer<String> warnings) {
        for (Map.Entry<String, String> e : new TreeMap<>(selected).entrySet()) {
            String key = e.getKey();
            String field = key.startsWith("_") ? key : "_" + key;
            String why = !FIELD_NAME.matcher(field).matches() ? "GELF field names are letters, digits, _ . and -"
                    : field.equals("_id") ? "GELF does not allow the field _id"
                    : OWN_FIELDS.contains(field) ? "it would replace the driver's own field" : null;
            if (why != null) {
                warnings.accept(kind + " " + DriverOptions.name(key) + " is not sent as GELF field "
                        + DriverOptions.echo(field) + ": " + why);
            } else {
                fields.put(field, e.getValue());
            }
        }
    }

    /** Replaces {@code out}'s content with the message for {@code line[off, off+len)} (without its newline). */
    void encode(ByteSink out, LogStream stream, long timestampNanos, byte[] line, int off, int len) {
        out.reset();
        out.append(prefix);
        GelfJson.appendString(out, line, off, len);
        out.append(TIMESTAMP);
        appendSeconds(out, timestampNanos);
        out.append(stream == LogStream.STDERR ? LEVEL_ERR : LEVEL_INFO);
        out.append(suffix);
    }

    /** Docker's timestamp: milliseconds (truncated), as seconds with up to 3 decimals, trailing zeros dropped. */
    static void appendSeconds(ByteSink out, long epochNanos) {
        long millis = epochNanos / 1_000_000; // Go's integer division truncates toward zero, as Java's does
        if (millis < 0) {
            out.append((byte) '-');
            millis = -millis;
        }
        out.appendDecimal(millis / 1000);
        int frac = (int) (millis % 1000);
        if (frac != 0) {
            out.append((byte) '.');
            out.append((byte) ('0' + frac / 100));
            if (frac % 100 != 0) {
                out.append((byte) ('0' + frac / 10 % 10));
                if (frac % 10 != 0) {
                    out.append((byte) ('0' + frac % 10));
                }
            }
        }
    }
}
