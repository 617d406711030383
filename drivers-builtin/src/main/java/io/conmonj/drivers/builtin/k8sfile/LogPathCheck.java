package io.conmonj.drivers.builtin.k8sfile;

import io.conmonj.plugin.ErrnoText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * conmon's secure_validate_log_path(), run before a rotation (conmon-behaviour.md §7.1.5 step 1). conmon-behaviour.md §16.7, reproduced:
 * the allowlist (and the parent-directory checks) are consulted only when PATH does not exist at that moment;
 * the initial open is never checked.
 */
final class LogPathCheck {
    private static final int PATH_MAX = 4096;

    private final Path path;
    private final String pathString;
    private final List<String> allowlistDirs;
    private final Consumer<String> warnings;

    LogPathCheck(Path path, List<String> allowlistDirs, Consumer<String> warnings) {
        this.path = path;
        this.pathString = path.toString();
        this.allowlistDirs = allowlistDirs;
        this.warnings = warnings;
    }

    /** True if rotation may proceed; reasons for refusal are reported as warnings where conmon reports them. */
    boolean validate() {
        if (pathString.isEmpty() || pathString.length() >= PATH_MAX) {
            return false;
        }
        if (pathString.contains("../") || pathString.contains("/..")) {
            return false;
        }
        Path parent = path.getParent() != null ? path.getParent() : Path.of(".");
        String parentString = parent.toString(); // g_path_get_dirname()
        BasicFileAttributes attrs;
        try {
            Files.readAttributes(parent, BasicFileAttributes.class); // open(parent, O_PATH)
        } catch (IOException e) {
            return false;
        }
        try {
            attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            attrs = null;
        } catch (IOException e) {
            return false;
        }
        if (attrs != null) {
            if (attrs.isSymbolicLink()) {
                warnings.accept("Log path is a symbolic link");
                return false;
            }
            return true;
        }

        // PATH does not exist: check the parent directory.
        int mode;
        int uid;
        try {
            Map<String, Object> m = Files.readAttributes(parent, "unix:mode,uid");
            mode = (Integer) m.get("mode");
            uid = (Integer) m.get("uid");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            warnings.accept("Failed to stat parent directory: " + ErrnoText.of(e));
            return false;
        }
        if ((mode & 0002) != 0) {
            warnings.accept("Parent directory is world-writable, security risk: " + parentString);
            return false;
        }
        if (uid != 0 && uid != ProcessIds.uid() && uid != ProcessIds.euid()) {
            warnings.accept("Parent directory owned by unexpected UID " + uid + ": " + parentString);
            return false;
        }
        String canonical;
        try {
            canonical = parent.toRealPath().toString();
        } catch (IOException e) {
            return false;
        }
        if (!allowlistDirs.isEmpty() && !inAllowlist(canonical)) {
            warnings.accept("Parent directory not in allowlist");
            return false;
        }
        if (containsSymlinks(canonical)) {
            warnings.accept("Parent path contains symlinks");
            return false;
        }
        return true;
    }

    /** conmon is_path_in_allowlist(): string prefix of realpath(dir), ending at a '/' or the end. */
    private boolean inAllowlist(String canonical) {
        for (String dir : allowlistDirs) {
            if (dir.isEmpty()) {
                continue;
            }
            String allowed;
            try {
                allowed = Path.of(dir).toRealPath().toString();
            } catch (IOException | RuntimeException e) {
                warnings.accept("Invalid allowlist directory");
                continue;
            }
            // Same as conmon, including its quirk that an allowlisted "/" only matches "/" itself.
            if (canonical.startsWith(allowed)
                    && (canonical.length() == allowed.length() || canonical.charAt(allowed.length()) == '/')) {
                return true;
            }
        }
        return false;
    }

    /**
     * conmon path_contains_symlinks_atomic(): lstat every component; a symlink or an error other than ENOENT
     * counts as unsafe. (Applied to a realpath(), so in practice it only catches races.)
     */
    private static boolean containsSymlinks(String canonical) {
        Path p = Path.of(canonical);
        Path cur = p.getRoot() != null ? p.getRoot() : Path.of("");
        for (Path name : p) {
            cur = cur.resolve(name);
            try {
                if (Files.readAttributes(cur, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isSymbolicLink()) {
                    return true;
                }
            } catch (NoSuchFileException e) {
                // conmon goes on with the next component
            } catch (IOException e) {
                return true;
            }
        }
        return false;
    }
}
