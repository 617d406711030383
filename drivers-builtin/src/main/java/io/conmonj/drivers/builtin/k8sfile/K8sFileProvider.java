package io.conmonj.drivers.builtin.k8sfile;

import io.conmonj.drivers.builtin.logfile.ConfinedFileProvider;
import io.conmonj.drivers.builtin.logfile.LogDirectory;
import io.conmonj.drivers.builtin.logfile.LogFileException;
import io.conmonj.drivers.builtin.logfile.LogFileLimits;
import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.DriverOptions;
import io.conmonj.plugin.ErrnoText;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogDriverException;
import io.conmonj.plugin.LogDriverProvider;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code k8s-file}: the CRI log file of conmon (conmon-behaviour.md §7.1).
 *
 * <p>The monitor opens the file Podman names with {@code -l k8s-file:PATH} itself, with the command-line limits
 * ({@link K8sFileLog#K8sFileLog(K8sFileOptions, java.util.function.Consumer)}). This provider serves additional
 * k8s-file logs selected by name, with these options ({@link DriverOptions}; bounds in {@link LogFileLimits}):
 * <ul>
 *   <li>{@code path} (required): the file, created 0640 and appended to; never followed if it is a symbolic link,
 *       and refused unless it is a regular file with one link ({@link LogDirectory});</li>
 *   <li>{@code max-size}: size limit in bytes ({@code k}, {@code m}, {@code g} suffixes, 1024-based), 4 KiB to 1 TiB;
 *       without {@code max-file} the file is truncated when full, as {@code --log-size-max} does;</li>
 *   <li>{@code max-file}: rotate instead of truncating, keeping this many backups ({@code --log-rotate
 *       --log-max-files N}), 1 to 100;</li>
 *   <li>{@code global-max-size}: stop logging for good after this many bytes ({@code --log-global-size-max});</li>
 *   <li>{@code compress}: {@code true}/{@code false} (Go's {@code strconv.ParseBool} values), default false: gzip
 *       rotated files to {@code PATH.N.gz}; needs {@code max-file}. Not in conmon, whose behaviour is kept
 *       unchanged without it.</li>
 * </ul>
 * {@link #openConfined} is the same with {@code path} relative to a directory the host names (a path that came from
 * an annotation).
 */
public final class K8sFileProvider implements LogDriverProvider, ConfinedFileProvider {
    public static final String NAME = "k8s-file";
    static final List<String> KNOWN = List.of("path", "max-size", "max-file", "global-max-size", "compress");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public LogDriver open(ContainerMetadata container, Map<String, String> options, Consumer<String> warnings)
            throws LogDriverException {
        return open(options, null, warnings);
    }

    @Override
    public LogDriver openConfined(ContainerMetadata container, Map<String, String> options, Path baseDirectory,
                                  Consumer<String> warnings) throws LogDriverException {
        return open(options, java.util.Objects.requireNonNull(baseDirectory, "baseDirectory"), warnings);
    }

    private LogDriver open(Map<String, String> options, Path base, Consumer<String> warnings)
            throws LogDriverException {
        DriverOptions o = DriverOptions.of(options, KNOWN);
        String path = o.requiredString("path", LogFileLimits.MAX_PATH);
        long sizeMax = o.size("max-size", K8sFileOptions.UNLIMITED, LogFileLimits.MIN_SIZE, LogFileLimits.MAX_SIZE);
        long globalMax = o.size("global-max-size", K8sFileOptions.UNLIMITED, LogFileLimits.MIN_SIZE,
                LogFileLimits.MAX_TOTAL_SIZE);
        boolean rotate = o.has("max-file");
        int maxFiles = o.intValue("max-file", K8sFileOptions.DEFAULT_MAX_FILES, 1, LogFileLimits.MAX_FILES);
        boolean compress = o.bool("compress", false);
        if (compress && !rotate) {
            throw DriverOptions.error("compress", "true needs max-file (only rotated files are compressed)");
        }
        LogDirectory.Location location;
        try {
            location = ConfinedFileProvider.locate(path, base);
        } catch (IOException e) {
            throw new LogDriverException("Failed to open log file " + ErrnoText.of(e) + ": "
                    + LogDirectory.printable(path), e);
        }
        K8sFileOptions k8s = new K8sFileOptions(location.path(), sizeMax, globalMax, rotate, maxFiles, List.of(),
                compress);
        try {
            return new K8sFileLog(location, k8s, LogClock.system(), warnings);
        } catch (LogFileException e) {
            throw new LogDriverException(e.getMessage() + ": " + LogDirectory.printable(location.path().toString()), e);
        }
    }
}
