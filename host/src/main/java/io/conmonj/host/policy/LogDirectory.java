package io.conmonj.host.policy;

import java.nio.file.Path;

/**
 * The container's own log directory (the directory of {@code -l k8s-file:PATH}) and the rules for a file an
 * annotation names in it. An annotation gives a plain file name, never a path: no {@code /}, no {@code ..}, not
 * hidden, ending in {@code .log} or {@code .json}; not the monitor's own log or one of its rotations, not Podman's
 * {@code config.json}, not a CRI-O restart log ({@code N.log}). The directory also holds the runtime's files (the
 * bundle's {@code config.json}, {@code attach}, {@code ctl} for Podman), hence the narrow names.
 *
 * @param dir        the directory, or null when the monitor writes no k8s-file log
 * @param conmonLog  the file name of the monitor's own k8s-file log, or null
 */
public record LogDirectory(Path dir, String conmonLog) {
    public static final LogDirectory NONE = new LogDirectory(null, null);
    static final int MAX_NAME = 128;

    /** The directory of a {@code -l k8s-file} path as given (relative to the cwd, as the monitor opens it). */
    public static LogDirectory of(String k8sFilePath) {
        if (k8sFilePath == null || k8sFilePath.isEmpty()) {
            return NONE;
        }
        Path p = Path.of(k8sFilePath).toAbsolutePath().normalize();
        return p.getParent() == null || p.getFileName() == null ? NONE
                : new LogDirectory(p.getParent(), p.getFileName().toString());
    }

    /**
     * The absolute path of file {@code name} in the directory.
     *
     * @throws IllegalArgumentException with the reason, when {@code name} is not allowed
     */
    public String resolve(String name) {
        if (dir == null) {
            throw new IllegalArgumentException("the container has no log directory (the monitor writes no -l k8s-file "
                    + "log), so an annotation cannot name a file");
        }
        if (name.isEmpty() || name.length() > MAX_NAME) {
            throw new IllegalArgumentException("a file name of 1 to " + MAX_NAME + " characters is needed");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                    || c == '.')) {
                throw new IllegalArgumentException("an annotation names a file in the container's log directory, not a "
                        + "path: letters, digits, '.', '-', '_' only (no '/')");
            }
        }
        if (name.startsWith(".")) {
            throw new IllegalArgumentException("the name may not start with '.'");
        }
        if (!name.endsWith(".log") && !name.endsWith(".json")) {
            throw new IllegalArgumentException("the name must end in .log or .json");
        }
        String stem = name.substring(0, name.lastIndexOf('.'));
        if (name.equals("config.json") || stem.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException(name + " is a name the runtime uses in the log directory");
        }
        if (conmonLog != null && (name.equals(conmonLog) || name.startsWith(conmonLog + "."))) {
            throw new IllegalArgumentException(name + " is the container's own log (" + conmonLog + ")");
        }
        return dir.resolve(name).toString();
    }
}
