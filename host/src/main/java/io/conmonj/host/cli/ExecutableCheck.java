package io.conmonj.host.cli;

import io.conmonj.plugin.ErrnoText;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * conmon's {@code access(runtime, X_OK)} check (conmon-behaviour.md §1.4 step 11) with the strerror text
 * its error line ends with.
 */
final class ExecutableCheck {
    private ExecutableCheck() {
    }

    /**
     * Emulates {@code access(path, X_OK)}: returns {@code null} when it would succeed, else the
     * strerror text of its errno (ENOENT, EACCES, ENOTDIR, ELOOP, ENAMETOOLONG...).
     * {@link Files#isExecutable} is access(X_OK) itself but only says yes or no, so on failure
     * the path is stat'ed to recover the reason; if stat succeeds, access failed with EACCES.
     */
    static String accessExecutable(String path) {
        if (path.isEmpty()) {
            return "No such file or directory"; // Path.of("") would mean the cwd
        }
        Path p;
        try {
            p = Path.of(path);
        } catch (InvalidPathException e) {
            return "No such file or directory";
        }
        boolean trailingSlash = path.length() > 1 && path.endsWith("/");
        if (Files.isExecutable(p)) {
            // Path.of drops a trailing '/', but the kernel then insists on a directory.
            return trailingSlash && !Files.isDirectory(p) ? "Not a directory" : null;
        }
        try {
            BasicFileAttributes attrs = Files.readAttributes(p, BasicFileAttributes.class);
            return trailingSlash && !attrs.isDirectory() ? "Not a directory" : "Permission denied";
        } catch (NoSuchFileException e) {
            return enoentOrEnotdir(p);
        } catch (IOException e) {
            return ErrnoText.of(e);
        }
    }

    /**
     * JDK 25's stat path reports ENOTDIR as {@link NoSuchFileException}; the kernel says ENOTDIR
     * when an intermediate component exists but is not a directory, so look for one.
     */
    private static String enoentOrEnotdir(Path p) {
        Path root = p.getRoot();
        for (int i = 1; i < p.getNameCount(); i++) {
            Path prefix = root == null ? p.subpath(0, i) : root.resolve(p.subpath(0, i));
            if (!Files.exists(prefix)) {
                break;
            }
            if (!Files.isDirectory(prefix)) {
                return "Not a directory";
            }
        }
        return "No such file or directory";
    }
}
