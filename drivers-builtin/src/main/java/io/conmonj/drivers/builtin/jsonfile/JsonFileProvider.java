package io.conmonj.drivers.builtin.jsonfile;


import io.conmonj.drivers.builtin.logfile.ConfinedFileProvider;
import io.conmonj.drivers.builtin.logfile.LogDirectory;
import io.conmonj.drivers.builtin.logfile.LogFileLimits;
import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.DriverOptions;
import io.conmonj.plugin.ErrnoText;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogDriverException;
import io.conmonj.plugin.LogDriverProvider;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code json-file}: Docker's json-file log (one JSON object per line), with Docker's rotation and compression.
 * Options, as Docker's json-file driver takes them:
 * <ul>
 *   <li>{@code path} (required): the file, created 0640 and appended to;</li>
 *   <li>{@code max-size}: Docker's {@code units.FromHumanSize}: {@code 10m} = 10,000,000 bytes (k, m, g, t, p are
 *       1000-based, as Docker's json-file; fractions such as {@code 1.5m} allowed);</li>
 *   <li>{@code max-size} is bounded to 4k (4000 bytes) .. 1 TiB ({@link LogFileLimits});</li>
 *   <li>{@code max-file}: how many files to keep, the current one included (default 1, at most 100);</li>
 *   <li>{@code compress}: gzip rotated files (Go's {@code strconv.ParseBool} values); needs {@code max-size} and
 *       {@code max-file} &gt;= 2, as in Docker;</li>
 *   <li>{@code labels}, {@code env}: comma-separated names of container labels / environment variables to put in
 *       {@code "attrs"} (names not present are skipped, as Docker). The host takes these options itself and gives
 *       the driver only the selected labels and variables in its metadata; without the options, every label and
 *       variable of the metadata goes to {@code "attrs"};</li>
 *   <li>{@code tag}: {@code attrs.tag}. The host normally takes {@code tag} itself and passes it as the metadata's
 *       tag, which is used when the option is absent; no tag, no {@code attrs.tag} (Docker has no default).</li>
 * </ul>
 */
public final class JsonFileProvider implements LogDriverProvider, ConfinedFileProvider {
    public static final String NAME = "json-file";
    static final List<String> KNOWN = List.of("path", "max-size", "max-file", "compress", "labels", "env", "tag");
    /** Longest {@code labels}, {@code env} and {@code tag} values (the host normally takes these options). */
    private static final int MAX_TEXT = 4096;

    /** go-units sizeRegex: {@code (?i)^(\d+(\.\d+)*) ?([kmgtp])?i?b?$} */
    private static final Pattern SIZE = Pattern.compile("(?i)^(\\d+(\\.\\d+)*) ?([kmgtp])?i?b?$");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public LogDriver open(ContainerMetadata container, Map<String, String> options, Consumer<String> warnings)
            throws LogDriverException {
        return open(container, options, null, warnings);
    }

    @Override
    public LogDriver openConfined(ContainerMetadata container, Map<String, String> options, Path baseDirectory,
                                  Consumer<String> warnings) throws LogDriverException {
        return open(container, options, Objects.requireNonNull(baseDirectory, "baseDirectory"), warnings);
    }

    private LogDriver open(ContainerMetadata container, Map<String, String> options, Path base,
                           Consumer<String> warnings) throws LogDriverException {
        DriverOptions o = DriverOptions.of(options, KNOWN);
        String path = o.requiredString("path", LogFileLimits.MAX_PATH);
        long maxSize = o.has("max-size") ? parseSize(o.raw("max-size")) : JsonFileOptions.UNLIMITED;
        int maxFiles = o.intValue("max-file", 1, 1, LogFileLimits.MAX_FILES);
        boolean compress = o.bool("compress", false);
        String labels = o.string("labels", null, MAX_TEXT);
        String env = o.string("env", null, MAX_TEXT);
        String tag = o.string("tag", container.tag(), MAX_TEXT);
        if (compress && (maxFiles < 2 || maxSize == JsonFileOptions.UNLIMITED)) {
            throw DriverOptions.error("compress",
                    "true needs max-size and max-file of at least 2 (only rotated files are compressed)");
        }
        Map<String, String> attrs = attributes(container, labels, env, tag);
        LogDirectory.Location location;
        try {
            location = ConfinedFileProvider.locate(path, base);
        } catch (IOException e) {
            throw new LogDriverException("cannot open " + LogDirectory.printable(path) + ": " + ErrnoText.of(e), e);
        }
        JsonFileOptions jo = new JsonFileOptions(location.path(), maxSize, maxFiles, compress,
                attrs.isEmpty() ? null : DockerJson.attrs(attrs));
        try {
            return new JsonFileLog(location, jo, warnings);
        } catch (IOException e) {
            throw new LogDriverException("cannot open " + LogDirectory.printable(path) + ": " + ErrnoText.of(e), e);
        }
    }

    /**
     * moby {@code Info.ExtraAttributes} for {@code labels} and {@code env} (each a comma-separated list of names,
     * env after labels so an env name wins over a label of the same name), then {@code tag}.
     */
    static Map<String, String> attributes(ContainerMetadata container, String labels, String env, String tag) {
        Map<String, String> attrs = new HashMap<>();
        if (labels == null) {
            attrs.putAll(container.labels()); // selected by the host
        } else if (!labels.isEmpty()) {
            for (String name : labels.split(",", -1)) {
                String v = container.labels().get(name);
                if (v != null) {
                    attrs.put(name, v);
                }
            }
        }
        if (env == null) {
            attrs.putAll(container.env()); // selected by the host
        } else if (!env.isEmpty()) {
            for (String name : env.split(",", -1)) {
                String v = container.env().get(name);
                if (v != null) {
                    attrs.put(name, v);
                }
            }
        }
        if (tag != null && !tag.isEmpty()) {
            attrs.put("tag", tag);
        }
        return attrs;
    }

    /**
     * Docker's {@code units.FromHumanSize} (decimal units; a fraction of a byte is truncated), within
     * {@link LogFileLimits#MIN_SIZE} and {@link LogFileLimits#MAX_SIZE}.
     */
    static long parseSize(String value) throws LogDriverException {
        Matcher m = SIZE.matcher(value);
        if (value.length() <= 64 && m.matches()) {
            try {
                BigDecimal bytes = new BigDecimal(m.group(1)).scaleByPowerOfTen(exponent(m.group(3)));
                if (bytes.compareTo(BigDecimal.valueOf(LogFileLimits.MAX_SIZE)) > 0) {
                    throw DriverOptions.error("max-size", DriverOptions.echo(value) + " is above the maximum "
                            + LogFileLimits.MAX_SIZE + " bytes");
                }
                if (bytes.longValue() < LogFileLimits.MIN_SIZE_DECIMAL) {
                    throw DriverOptions.error("max-size", DriverOptions.echo(value) + " is below the minimum "
                            + LogFileLimits.MIN_SIZE_DECIMAL + " bytes (4k)");
                }
                return bytes.longValue();
            } catch (NumberFormatException e) {
                // "1.2.3" matches the pattern but is no number, as in Go
            }
        }
        throw DriverOptions.error("max-size", DriverOptions.echo(value)
                + " is not a size (such as 500k, 10m, 1g; 1000-based as in Docker)");
    }

    private static int exponent(String unit) {
        if (unit == null) {
            return 0;
        }
        return switch (unit.toLowerCase(Locale.ROOT)) {
            case "k" -> 3;
            case "m" -> 6;
            case "g" -> 9;
            case "t" -> 12;
            case "p" -> 15;
            default -> 0;
        };
    }
}
