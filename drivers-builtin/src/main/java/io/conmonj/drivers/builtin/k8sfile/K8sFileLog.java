package io.conmonj.drivers.builtin.k8sfile;

import io.conmonj.drivers.builtin.logfile.LogDirectory;
import io.conmonj.drivers.builtin.logfile.LogFile;
import io.conmonj.drivers.builtin.logfile.LogFileException;
import io.conmonj.drivers.builtin.logfile.LogFileLimits;
import io.conmonj.drivers.builtin.logfile.RotatedCompressor;


import io.conmonj.plugin.ErrnoText;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogRecord;
import io.conmonj.plugin.LogStream;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;


/**
 * The k8s-file log driver of conmon 2.2.x (conmon-behaviour.md §7.1): CRI records
 * {@code TIMESTAMP STREAM F|P CONTENT\n}, size limit by truncation or rotation, global size budget.
 *
 * <p>The file, its buffer and its numbered backups are the shared {@link LogFile} engine's; what is k8s-file's
 * own is the format, conmon's accounting ({@link #RECORD_OVERHEAD} per record), truncation, the global budget and
 * conmon's rotation with its checks and messages. The records of one read of container output (one
 * {@link #flush()} apart) are formatted into the engine's buffer and written with one {@code write(2)}; a second
 * write happens only when a truncation/rotation falls inside the read (the records before it go to the old file
 * first, as in conmon) or when the records do not fit the buffer. Not thread-safe (the host calls a driver from one
 * thread at a time).
 *
 * <p>Files: conmon's {@code -l} file is opened as conmon opens it (a symbolic link at the name is followed at the
 * initial open and at a reopen; rotation refuses one, as conmon's does); a file chosen by driver options never
 * follows one. Either way the opened file must be a regular file with one link, and every temporary, rotated and
 * compressed file is created {@code O_EXCL}, renamed and removed relative to the directory's descriptor
 * ({@link LogDirectory}).
 *
 * <p>Errors: only a failing truncate-mode reopen throws ({@link LogFileException}, fatal in conmon,
 * conmon-behaviour.md §7.1.5 and §16.10); everything conmon merely warns about goes to the warning sink.
 *
 * <p>With the driver option {@code compress} (not in conmon; {@link K8sFileOptions#compress()}) and rotation,
 * each rotated file is gzipped to {@code PATH.N.gz} by the engine's compression thread after the rotation;
 * numbering and the number of kept files stay conmon's (conmon-behaviour.md §16.8 included). Without it nothing changes.
 *
 * <p>Warnings (conmon {@code nwarn}) go to the sink given to the constructor, without the {@code [conmon:w]: }
 * prefix.
 */
public final class K8sFileLog implements LogDriver {

    /**
     * conmon accounts every record as {@code TSBUFLEN + 1 + len} = 43 + 2 + len bytes, {@code +1} for P records,
     * regardless of the real prefix length (which is 43 for 4-digit years).
     */
    static final int RECORD_OVERHEAD = 45;

    /** Longest prefix: 64-bit year, ".NNNNNNNNN+HH:MM", " stdout ". */
    private static final int MAX_PREFIX = 64;

    private final K8sFileOptions options;
    private final Path path;
    private final String pathString;
    private final Consumer<String> warnings;
    private final LogClock clock;
    private final Timestamps timestamps;
    private final LogPathCheck pathCheck;
    private final LogFile file;

    /** conmon {@code k8s_bytes_written}: accounted bytes in the current file. */
    private long written;
    /** conmon {@code k8s_total_bytes_written}: never reset. */
    private long total;
    private boolean closed;

    /** "TIMESTAMP STREAM " of the last record, valid for {@link #prefixNanos} and {@link #prefixStream}. */
    private final byte[] prefix = new byte[MAX_PREFIX];
    private int prefixLen;
    private long prefixNanos;
    private LogStream prefixStream;

    private static final byte[] STDOUT = "stdout".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STDERR = "stderr".getBytes(StandardCharsets.US_ASCII);

    /**
     * conmon's {@code -l k8s-file:PATH}: opens (creates, mode 0640 before umask) {@code options.path()} for
     * appending, as conmon does (a symbolic link at PATH is followed); its current size counts toward both limits.
     *
     * @throws LogFileException {@code Failed to open log file <strerror>} (fatal in conmon)
     */
    public K8sFileLog(K8sFileOptions options, LogClock clock, Consumer<String> warnings) throws LogFileException {
        this(locate(options), -1, true, options, clock, warnings);
    }

    /**
     * conmon's {@code -l} log for a monitor resumed after hibernation: the file its predecessor had open, inherited
     * as {@code adoptedFd}, whatever is at the path now (a link planted there while no monitor ran is not followed:
     * an awake monitor would not have opened the name again either). Rotation works on the path, as before.
     */
    public static K8sFileLog adopt(K8sFileOptions options, int adoptedFd, Consumer<String> warnings)
            throws LogFileException {
        return new K8sFileLog(locate(options), adoptedFd, true, options, LogClock.system(), warnings);
    }

    /**
     * A k8s-file log chosen by driver options, in a directory already opened (see {@link LogDirectory#locate} and
     * {@link LogDirectory#confined}): the name is never followed. {@code options.path()} is used for messages and
     * conmon's rotation checks.
     */
    public K8sFileLog(LogDirectory.Location location, K8sFileOptions options, LogClock clock,
                      Consumer<String> warnings) throws LogFileException {
        this(location, -1, false, options, clock, warnings);
    }

    private K8sFileLog(LogDirectory.Location location, int adoptedFd, boolean followAtOpen, K8sFileOptions options,
                       LogClock clock, Consumer<String> warnings) throws LogFileException {
        this.options = Objects.requireNonNull(options, "options");
        this.warnings = Objects.requireNonNull(warnings, "warnings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.timestamps = new Timestamps(clock);
        this.path = options.path();
        this.pathString = path.toString();
        this.pathCheck = new LogPathCheck(path, options.allowlistDirs(), warnings);
        boolean compress = options.compress() && options.rotate() && options.maxFiles() > 0;
        try {
            file = new LogFile(location, adoptedFd, followAtOpen, K8sFileProvider.NAME, compress, compress, null,
                    warnings);
        } catch (IOException | RuntimeException e) {
            closeQuietly(location.directory());
            throw new LogFileException("Failed to open log file " + ErrnoText.of(e), e);
        }
        written = file.size();
        total = written;
    }

    private static LogDirectory.Location locate(K8sFileOptions options) throws LogFileException {
        try {
            return LogDirectory.locate(options.path());
        } catch (IOException | RuntimeException e) {
            throw new LogFileException("Failed to open log file " + ErrnoText.of(e), e);
        }
    }

    /** The compression thread's state (null without {@code compress}); for tests. */
    RotatedCompressor compressor() {
        return file.compressor();
    }

    /** Convenience: system clock and time zone. */
    public K8sFileLog(K8sFileOptions options, Consumer<String> warnings) throws LogFileException {
        this(options, LogClock.system(), warnings);
    }

    /** The clock whose time zone formats the timestamps (tests also take "now" from it). */
    LogClock clock() {
        return clock;
    }

    public K8sFileOptions options() {
        return options;
    }

    /** Identity (dev/inode) of the file being written, so a hibernating monitor can find its descriptor. */
    public Object fileKey() {
        return file.fileKey();
    }

    /** Bytes accounted to the current file (conmon's {@code k8s_bytes_written}). */
    public long bytesWritten() {
        return written;
    }

    /** Bytes accounted since start, including the initial file size (conmon's {@code k8s_total_bytes_written}). */
    public long totalBytesWritten() {
        return total;
    }

    /**
     * Appends one record to the pending batch (written by {@link #flush()}): {@code F} for a line, {@code P} (plus
     * the newline conmon adds) for a partial tail. Size accounting, truncation/rotation and the global budget are
     * applied per record exactly as conmon does per line of a chunk (conmon-behaviour.md §7.1.3, §7.1.4): before a truncation
     * the pending records go to the old file.
     *
     * @throws LogFileException when a truncation needed for this record fails (fatal in conmon)
     */
    @Override
    public void write(LogRecord record) throws IOException {
        if (closed) {
            return;
        }
        final int lineLen = record.length();
        if (lineLen == 0) {
            return; // the host never sends empty records; conmon writes nothing for an empty read
        }
        final boolean partial = record.partial();
        final long bytes = (long) lineLen + RECORD_OVERHEAD + (partial ? 1 : 0);
        final long globalMax = options.globalSizeMax();
        if (globalMax > 0 && total >= globalMax) {
            return; // this record (and, since total never shrinks, every later one) is dropped
        }
        final long sizeMax = options.sizeMax();
        if (sizeMax > 0 && written + bytes > sizeMax) {
            writeOut(); // pending records belong to the old file
            reopenFile(); // truncate (fatal on failure) or rotate (warning on failure)
        }
        // One timestamp per read of container output: the prefix is formatted once per (timestamp, stream).
        if (record.timestampNanos() != prefixNanos || record.stream() != prefixStream || prefixLen == 0) {
            formatPrefix(record.timestampNanos(), record.stream());
        }
        final int pl = prefixLen;
        int need = pl + 3 + lineLen;
        byte[] o;
        try {
            o = file.reserve(need);
        } catch (IOException e) {
            warnings.accept("failed to flush buffer to log");
            o = file.reserve(need); // nothing pending now: only grows
        }
        int p = file.position();
        System.arraycopy(prefix, 0, o, p, pl);
        p += pl;
        o[p] = (byte) (partial ? 'P' : 'F');
        o[p + 1] = ' ';
        p += 2;
        System.arraycopy(record.data(), record.offset(), o, p, lineLen);
        p += lineLen;
        if (partial) {
            o[p++] = '\n';
        }
        file.commit(p);
        written += bytes;
        total += bytes;
    }

    /** Writes the pending records with one {@code write(2)} (more only if they did not fit the buffer). */
    @Override
    public void flush() {
        if (!closed) {
            writeOut();
        }
    }

    private void formatPrefix(long nanos, LogStream stream) {
        int n = timestamps.format(nanos, prefix, 0);
        prefix[n++] = ' ';
        byte[] label = stream == LogStream.STDOUT ? STDOUT : STDERR;
        System.arraycopy(label, 0, prefix, n, label.length);
        n += label.length;
        prefix[n++] = ' ';
        prefixLen = n;
        prefixNanos = nanos;
        prefixStream = stream;
    }

    @Override
    public void reopen() throws IOException {
        if (!closed) {
            flush();
            reopenFile();
        }
    }

    @Override
    public void sync() {
        if (closed) {
            return;
        }
        flush();
        try {
            file.channel().force(true);
        } catch (IOException e) {
            warnings.accept("Failed to sync log file before exit: " + ErrnoText.of(e));
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        flush();
        closed = true;
        file.close(); // waits for compressions in progress: no PATH.gz.tmp left behind
    }

    /** Writes the pending records; on error the data is lost and a warning issued (conmon's writev_buffer_flush). */
    private void writeOut() {
        try {
            file.writePending();
        } catch (IOException e) {
            warnings.accept("failed to flush buffer to log");
        }
    }

    /** conmon reopen_k8s_file(): on size overflow and on ctl type 2. */
    private void reopenFile() throws LogFileException {
        if (options.rotate()) {
            rotate();
        } else {
            truncate();
        }
    }

    /**
     * Truncate mode: replace the log with an empty file ({@code PATH.tmp} + rename). Failure is fatal, as in
     * conmon (conmon-behaviour.md §16.10: without a prior rename by the caller the current content is lost).
     */
    private void truncate() throws LogFileException {
        written = 0;
        try {
            file.truncate();
        } catch (LogFile.StepException e) {
            closed = true;
            throw new LogFileException(e.step() == LogFile.Step.OPEN
                    ? "Failed to open log file " + pathString + " " + e.getMessage()
                    : "Failed to rename log file " + e.getMessage(), e);
        }
    }

    /**
     * {@code --log-rotate} (conmon-behaviour.md §7.1.5, conmon rotate_k8s_file()). Any failure: warning, rotation skipped,
     * writing continues to the old file and {@code written} is not reset (so the next record tries again).
     */
    private void rotate() {
        if (!pathCheck.validate()) {
            warnings.accept("Cannot rotate: invalid log path");
            return;
        }
        FileChannel old = file.channel();
        FileLock lock;
        try {
            lock = old.tryLock(); // F_SETLK, F_WRLCK, whole file
        } catch (IOException | OverlappingFileLockException e) {
            lock = null; // OverlappingFileLockException: held through another channel of this JVM
        }
        if (lock == null) {
            warnings.accept("Log file locked by another process, skipping rotation");
            return;
        }
        try {
            if (!fdStillRefersToPath()) {
                warnings.accept("File descriptor security validation failed");
                return;
            }
            LogDirectory dir = file.directory();
            String name = file.name();
            String newName = name + ".new";
            LogDirectory.OpenFile fresh;
            try {
                fresh = dir.createNew(newName);
            } catch (IOException | UnsupportedOperationException e) {
                warnings.accept("Failed to create new log file: " + ErrnoText.of(e));
                return;
            }
            RotatedCompressor.Job job = null;
            file.lockNames();
            try {
                if (!shiftBackups() || !moveIntoPlace(newName)) {
                    LogFile.closeQuietly(fresh.channel());
                    try {
                        dir.deleteIfExists(newName);
                    } catch (IOException e) {
                        warnings.accept("Failed to remove temporary file: " + ErrnoText.of(e));
                    }
                    return;
                }
                job = file.rotated(file.fileKey(), Long.MIN_VALUE);
            } finally {
                file.unlockNames();
            }
            releaseQuietly(lock);
            lock = null;
            file.install(fresh);
            file.submit(job);
            written = 0;
        } finally {
            if (lock != null) {
                releaseQuietly(lock);
            }
        }
    }

    /**
     * Step 4: for i = max(N,2) down to 2, rename PATH.(i-1) to PATH.i (with {@code compress}: in whichever form,
     * {@link LogFile#shift}). conmon-behaviour.md §16.8, reproduced on purpose: the loop always starts at 2, so
     * {@code --log-max-files 1} keeps two backups ({@code .1} and {@code .2}).
     */
    private boolean shiftBackups() {
        int maxFiles = options.maxFiles();
        if (maxFiles <= 0) {
            warnings.accept("Invalid log_max_files value: " + maxFiles);
            return false;
        }
        if (!pathCheck.validate()) {
            warnings.accept("Invalid log path for rotation");
            return false;
        }
        boolean hadErrors = false;
        int start = maxFiles > 1 ? maxFiles : 2;
        List<Integer> from;
        if (start <= LogFileLimits.MAX_FILES) {
            from = new ArrayList<>(start - 1);
            for (int i = start - 1; i >= 1; i--) {
                from.add(i);
            }
        } else {
            // --log-max-files is not bounded on the command line (conmon loops over every number, 2^31 renames for
            // 2147483647): only the backups that exist move, which is the same outcome, since a rename of a missing
            // backup does nothing and the loop touches PATH.(i-1) only at step i.
            try {
                from = file.existingBackups(start);
            } catch (IOException e) {
                warnings.accept("Failed to list backup files of " + pathString + ": " + ErrnoText.of(e));
                return false;
            }
        }
        for (int j : from) {
            try {
                file.shift(j, j + 1); // a missing backup is fine
            } catch (IOException e) {
                warnings.accept("Failed to shift backup file " + pathString + "." + j + " to " + pathString
                        + "." + (j + 1) + ": " + ErrnoText.of(e));
                hadErrors = true;
            }
        }
        if (hadErrors) {
            warnings.accept("Backup file shifting completed with some errors");
        }
        return true;
    }

    /** Step 5: PATH to PATH.1, PATH.new to PATH (restoring PATH if the second rename fails). */
    private boolean moveIntoPlace(String newName) {
        LogDirectory dir = file.directory();
        String name = file.name();
        String backup = file.numbered(1, false);
        try {
            dir.rename(name, backup);
        } catch (IOException e) {
            warnings.accept("Failed to rotate log file: " + ErrnoText.of(e));
            return false;
        }
        try {
            dir.rename(newName, name);
        } catch (IOException e) {
            warnings.accept("Failed to move new log file into place: " + ErrnoText.of(e));
            try {
                dir.rename(backup, name);
            } catch (IOException e2) {
                warnings.accept("CRITICAL: Failed to restore original log file: " + ErrnoText.of(e2));
                warnings.accept("Original log data may be in backup file");
            }
            return false;
        }
        return true;
    }

    /**
     * conmon validate_fd_path_security(): the open fd must still be the file at PATH. conmon compares
     * /proc/self/fd/N with realpath(PATH) and then dev/inode; here the dev/inode of the opened file (checked when it
     * was opened) is compared with stat(realpath(PATH)), with conmon's messages.
     */
    private boolean fdStillRefersToPath() {
        Object current;
        try {
            Path real = path.toRealPath();
            current = Files.readAttributes(real, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            warnings.accept("Failed to canonicalize expected path " + pathString + ": " + ErrnoText.of(e));
            return false;
        }
        Object key = file.fileKey();
        if (key == null || !key.equals(current)) {
            warnings.accept("File descriptor and path point to different files");
            return false;
        }
        return true;
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing useful to do
        }
    }

    private static void releaseQuietly(FileLock lock) {
        try {
            lock.release();
        } catch (IOException ignored) {
            // the lock goes away with the fd anyway
        }
    }
}
