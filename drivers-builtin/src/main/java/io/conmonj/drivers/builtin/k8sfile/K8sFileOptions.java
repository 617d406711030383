package io.conmonj.drivers.builtin.k8sfile;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the k8s-file driver, straight from the command line (conmon-behaviour.md §1.2).
 *
 * @param path          {@code -l k8s-file:PATH}; relative paths resolve against the process working directory
 * @param sizeMax       {@code --log-size-max}; only values &gt; 0 enable it (default -1)
 * @param globalSizeMax {@code --log-global-size-max}; only values &gt; 0 enable it (default -1)
 * @param rotate        {@code --log-rotate}
 * @param maxFiles      {@code --log-max-files} (default 1; values &lt;= 0 make every rotation fail, as in conmon)
 * @param allowlistDirs {@code --log-allowlist-dir}, in order; empty = none given. Empty strings are skipped.
 * @param compress      driver option {@code compress} (conmon has none; default false = conmon's behaviour):
 *                      with {@code rotate}, rotated files are gzipped to {@code PATH.N.gz} off the caller's thread
 */
public record K8sFileOptions(Path path, long sizeMax, long globalSizeMax, boolean rotate, int maxFiles,
                             List<String> allowlistDirs, boolean compress) {

    public static final long UNLIMITED = -1;
    public static final int DEFAULT_MAX_FILES = 1;

    public K8sFileOptions {
        Objects.requireNonNull(path, "path");
        allowlistDirs = List.copyOf(allowlistDirs);
    }

    /** conmon's options (no {@code compress}). */
    public K8sFileOptions(Path path, long sizeMax, long globalSizeMax, boolean rotate, int maxFiles,
                          List<String> allowlistDirs) {
        this(path, sizeMax, globalSizeMax, rotate, maxFiles, allowlistDirs, false);
    }

    /** {@code -l k8s-file:PATH} with every other option at its default. */
    public static K8sFileOptions of(Path path) {
        return new K8sFileOptions(path, UNLIMITED, UNLIMITED, false, DEFAULT_MAX_FILES, List.of());
    }

    public K8sFileOptions withSizeMax(long v) {
        return new K8sFileOptions(path, v, globalSizeMax, rotate, maxFiles, allowlistDirs, compress);
    }

    public K8sFileOptions withGlobalSizeMax(long v) {
        return new K8sFileOptions(path, sizeMax, v, rotate, maxFiles, allowlistDirs, compress);
    }

    public K8sFileOptions withRotate(boolean v, int maxFiles) {
        return new K8sFileOptions(path, sizeMax, globalSizeMax, v, maxFiles, allowlistDirs, compress);
    }

    public K8sFileOptions withAllowlistDirs(List<String> v) {
        return new K8sFileOptions(path, sizeMax, globalSizeMax, rotate, maxFiles, v, compress);
    }

    public K8sFileOptions withCompress(boolean v) {
        return new K8sFileOptions(path, sizeMax, globalSizeMax, rotate, maxFiles, allowlistDirs, v);
    }
}
