package io.conmonj.drivers.builtin.logfile;

import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.DriverOptions;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogDriverException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A file driver (k8s-file, json-file) whose {@code path} option can be confined to a directory.
 *
 * <p>For the host: when a driver's {@code path} came from an annotation (written by someone who is not root), open
 * the driver with {@link #openConfined} and the container's log directory as {@code baseDirectory} instead of
 * {@link io.conmonj.plugin.LogDriverProvider#open}. {@code path} must then be relative to that directory: an
 * absolute path, {@code ..}, {@code .}, an empty component or NUL is an error ({@code option path: ...}); every
 * directory on the way is opened with {@code O_NOFOLLOW} relative to the previous one, so a symbolic link below the
 * base cannot lead out of it; the file itself is opened as every driver-chosen log file is (never followed, a
 * regular file with one link; {@link LogDirectory}). Every other option is the same as with {@code open}.
 */
public interface ConfinedFileProvider {

    /** As {@code open}, with {@code path} relative to {@code baseDirectory} and confined to it. */
    LogDriver openConfined(ContainerMetadata container, Map<String, String> options, Path baseDirectory,
                           Consumer<String> warnings) throws LogDriverException;

    /**
     * The directory and name of {@code path}: below {@code base} ({@link LogDirectory#confined}) or, with
     * {@code base} null, as given ({@link LogDirectory#locate}).
     *
     * @throws LogDriverException {@code option path: ...} when the path is not an acceptable one
     * @throws IOException        a directory cannot be opened
     */
    static LogDirectory.Location locate(String path, Path base) throws LogDriverException, IOException {
        try {
            return base == null ? LogDirectory.locate(Path.of(path)) : LogDirectory.confined(base, path);
        } catch (IllegalArgumentException e) { // InvalidPathException included
            throw DriverOptions.error("path", DriverOptions.echo(path) + ": " + e.getMessage());
        }
    }
}
