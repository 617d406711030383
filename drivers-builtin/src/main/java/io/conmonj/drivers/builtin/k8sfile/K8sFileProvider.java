package io.conmonj.drivers.builtin.k8sfile;

import io.conmonj.drivers.builtin.logfile.LogDirectory;
import io.conmonj.drivers.builtin.logfile.LogFileException;
import io.conmonj.plugin.ErrnoText;

import java.io.IOException;
import io.conmonj.drivers.common.ByteSize;

import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogDriverException;
import io.conmonj.plugin.LogDriverProvider;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code k8s-file}: the CRI log file of conmon (contract 7.1).
 *
 * <p>The monitor opens the file Podman names with {@code -l k8s-file:PATH} itself, with the command-line limits
 * ({@link K8sFileLog#K8sFileLog(K8sFileOptions, java.util.function.Consumer)}). This provider serves additional
 * k8s-file logs selected by name, with these options:
 * <ul>
 *   <li>{@code path} (required): the file, created 0640 and appended to;</li>
 *   <li>{@code max-size}: size limit in bytes ({@code k}, {@code m}, {@code g} suffixes, 1024-based); without
 *       {@code max-file} the file is truncated when full, as {@code --log-size-max} does;</li>
 *   <li>{@code max-file}: rotate instead of truncating, keeping this many backups ({@code --log-rotate
 *       --log-max-files N});</li>
 *   <li>{@code global-max-size}: stop logging for good after this many bytes ({@code --log-global-size-max});</li>
 *   <li>{@code compress}: {@code true}/{@code false} (Go's {@code strconv.ParseBool} values), default false: gzip
 *       rotated files to {@code PATH.N.gz}; needs {@code max-file}. Not in conmon, whose behaviour is kept
 *       unchanged without it.</li>
 * </ul>
 */
public final class K8sFileProvider implements LogDriverProvider {
    public static final String NAME = "k8s-file";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public LogDriver open(ContainerMetadata container, Map<String, String> options, Consumer<String> warnings)
            throws LogDriverException {
        String path = null;
        long sizeMax = K8sFileOptions.UNLIMITED;
        long globalMax = K8sFileOptions.UNLIMITED;
        boolean rotate = false;
        int maxFiles = K8sFileOptions.DEFAULT_MAX_FILES;
        boolean compress = false;
        for (Map.Entry<String, String> e : options.entrySet()) {
            String v = e.getValue();
            switch (e.getKey()) {
                case "path" -> path = v;
                case "max-size" -> sizeMax = ByteSize.parse(NAME, "max-size", v);
                case "global-max-size" -> globalMax = ByteSize.parse(NAME, "global-max-size", v);
                case "max-file" -> {
                    rotate = true;
                    maxFiles = (int) ByteSize.parseCount(NAME, "max-file", v);
                }
                case "compress" -> compress = parseBool(v);
                default -> throw new LogDriverException("log driver " + NAME + ": unknown option " + e.getKey()
                        + " (known: path, max-size, max-file, global-max-size, compress)");
            }
        }
        if (path == null || path.isEmpty()) {
            throw new LogDriverException("log driver " + NAME + ": option path is required");
        }
        if (compress && !rotate) {
            throw new LogDriverException("log driver " + NAME
                    + ": option compress=true needs max-file (only rotated files are compressed)");
        }
        K8sFileOptions k8s = new K8sFileOptions(Path.of(path), sizeMax, globalMax, rotate, maxFiles, List.of(),
                compress);
        try {
            return new K8sFileLog(LogDirectory.locate(k8s.path()), k8s, LogClock.system(), warnings);
        } catch (LogFileException e) {
            throw new LogDriverException("log driver " + NAME + ": " + e.getMessage() + ": " + path, e);
        } catch (IOException e) {
            throw new LogDriverException("log driver " + NAME + ": Failed to open log file " + ErrnoText.of(e) + ": "
                    + path, e);
        }
    }

    /** Go's {@code strconv.ParseBool}. */
    private static boolean parseBool(String v) throws LogDriverException {
        return switch (v) {
            case "1", "t", "T", "TRUE", "true", "True" -> true;
            case "0", "f", "F", "FALSE", "false", "False" -> false;
            default -> throw new LogDriverException("log driver " + NAME + ": option compress=" + v
                    + " is not a boolean (true or false)");
        };
    }
}
