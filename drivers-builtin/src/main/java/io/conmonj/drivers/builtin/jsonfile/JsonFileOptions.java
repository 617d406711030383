package io.conmonj.drivers.builtin.jsonfile;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Settings of the json-file driver.
 *
 * @param path     the log file
 * @param maxSize  rotate before a record that would take the file past this many bytes; -1 = never
 * @param maxFiles files kept including the current one (1 = the current file is replaced at rotation, as Docker)
 * @param compress gzip rotated files ({@code PATH.N.gz})
 * @param attrs    the encoded {@code "attrs"} object (Go's json.Marshal of the map), or null for none
 */
public record JsonFileOptions(Path path, long maxSize, int maxFiles, boolean compress, byte[] attrs) {
    public static final long UNLIMITED = -1;

    public JsonFileOptions {
        Objects.requireNonNull(path, "path");
        if (maxFiles < 1) {
            throw new IllegalArgumentException("maxFiles < 1");
        }
        attrs = attrs == null || attrs.length == 0 ? null : attrs.clone();
    }

    public static JsonFileOptions of(Path path) {
        return new JsonFileOptions(path, UNLIMITED, 1, false, null);
    }

    public JsonFileOptions withRotation(long maxSize, int maxFiles, boolean compress) {
        return new JsonFileOptions(path, maxSize, maxFiles, compress, attrs);
    }

    public JsonFileOptions withAttrs(byte[] attrs) {
        return new JsonFileOptions(path, maxSize, maxFiles, compress, attrs);
    }
}
