package io.conmonj.drivers.builtin.logfile;

/**
 * Bounds of the file drivers' options (k8s-file, json-file), the same for both. Their values come from annotations,
 * which people who are not root write, and each rotation costs the monitor's one thread work in proportion to them.
 *
 * <ul>
 *   <li>{@link #MAX_FILES}: Docker caps nothing; a rotation renames (and stats) up to two names per kept file, so
 *       {@code max-file=2147483647} kept the container's output waiting for billions of system calls at each
 *       rotation. 100 files of the largest size are 100 TiB, more than any log needs.</li>
 *   <li>{@link #MIN_SIZE}: a file smaller than one read of container output (8 KiB) rotates several times per read;
 *       below 4 KiB a container printing short lines makes every record a rotation (up to
 *       {@code 4 × MAX_FILES} directory operations each).</li>
 *   <li>{@link #MAX_SIZE}: 1 TiB per file; larger sizes are mistakes (or overflow attempts).</li>
 * </ul>
 */
public final class LogFileLimits {
    public static final int MAX_FILES = 100;
    public static final long MIN_SIZE = 4096;
    /** {@link #MIN_SIZE} for json-file, whose sizes are 1000-based as Docker's: {@code 4k} is 4000 bytes. */
    public static final long MIN_SIZE_DECIMAL = 4000;
    public static final long MAX_SIZE = 1L << 40;
    /** {@code global-max-size} (k8s-file): up to 1 PiB in total. */
    public static final long MAX_TOTAL_SIZE = 1L << 50;
    /** The longest {@code path} option (PATH_MAX minus the NUL). */
    public static final int MAX_PATH = LogDirectory.MAX_PATH_BYTES;

    private LogFileLimits() {
    }
}
