package io.conmonj.drivers.builtin.k8sfile;

import io.conmonj.drivers.builtin.logfile.LogFileException;
import io.conmonj.drivers.builtin.logfile.RotatedCompressor;


import io.conmonj.plugin.ErrnoText;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogRecord;
import io.conmonj.plugin.LogStream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;

/**
 * The k8s-file log driver of conmon 2.2.x (contract 7.1): CRI records
 * {@code TIMESTAMP STREAM F|P CONTENT\n}, size limit by truncation or rotation, global size budget.
 *
 * <p>The records of one read of container output (one {@link #flush()} apart) are formatted into one reusable
 * buffer and written with one {@code write(2)}; a second write happens only when a truncation/rotation falls
 * inside the read (the records before it go to the old file first, as in conmon) or when the records do not fit
 * the buffer. Not thread-safe (the host calls a driver from one thread at a time).
 *
 * <p>Errors: only a failing truncate-mode reopen throws ({@link LogFileException}, fatal in conmon, contract
 * 7.1.5 / pitfall 10); everything conmon merely warns about goes to the warning sink.
 *
 * <p>With the driver option {@code compress} (not in conmon; {@link K8sFileOptions#compress()}) and rotation,
 * each rotated file is gzipped to {@code PATH.N.gz} by a {@link RotatedCompressor} thread after the rotation;
 * numbering and the number of kept files stay conmon's (pitfall 8 included). Without it nothing changes.
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

    /** Initial/normal size of the output buffer: an 8192-byte chunk of lines of 7+ bytes fits in one write. */
    private static final int BUFFER_SIZE = 64 * 1024;
    /** Longest prefix: 64-bit year, ".NNNNNNNNN+HH:MM", " stdout ". */
    private static final int MAX_PREFIX = 64;

    private static final FileAttribute<Set<PosixFilePermission>> MODE_0640 =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----"));
    private static final OpenOption[] OPEN_APPEND = {WRITE, APPEND, CREATE};
    // conmon opens PATH.tmp (O_WRONLY|O_TRUNC|O_CREAT) and PATH.new (O_WRONLY|O_CREAT|O_EXCL) without O_APPEND;
    // we do the same (Java forbids APPEND with TRUNCATE_EXISTING anyway). It only matters to outside writers.
    private static final OpenOption[] OPEN_TRUNCATE = {WRITE, CREATE, TRUNCATE_EXISTING};
    private static final OpenOption[] OPEN_EXCL = {WRITE, CREATE_NEW};

    private final K8sFileOptions options;
    private final Path path;
    private final String pathString;
    private final Consumer<String> warnings;
    private final LogClock clock;
    private final Timestamps timestamps;
    private final LogPathCheck pathCheck;
    /** Guards renames of the numbered files against the compression thread (only used with a compressor). */
    private final ReentrantLock fileLock = new ReentrantLock();
    /** null unless {@code compress} and {@code rotate}. */
    private final RotatedCompressor compressor;

    private FileChannel channel;
    /** dev/inode of the file {@link #channel} writes to, for the rotation's "fd still refers to PATH" check. */
    private Object fileKey;
    /** conmon {@code k8s_bytes_written}: accounted bytes in the current file. */
    private long written;
    /** conmon {@code k8s_total_bytes_written}: never reset. */
    private long total;
    private boolean closed;

    private byte[] out = new byte[BUFFER_SIZE];
    private ByteBuffer outBuffer = ByteBuffer.wrap(out);
    /** Pending bytes in {@link #out}. */
    private int pos;
    /** "TIMESTAMP STREAM " of the last record, valid for {@link #prefixNanos} and {@link #prefixStream}. */
    private final byte[] prefix = new byte[MAX_PREFIX];
    private int prefixLen;
    private long prefixNanos;
    private LogStream prefixStream;

    private static final byte[] STDOUT = "stdout".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STDERR = "stderr".getBytes(StandardCharsets.US_ASCII);

    /**
     * Opens (creates, mode 0640 before umask) {@code options.path()} for appending; its current size counts
     * toward both limits.
     *
     * @throws LogFileException {@code Failed to open log file <strerror>} (fatal in conmon)
     */
    public K8sFileLog(K8sFileOptions options, LogClock clock, Consumer<String> warnings) throws LogFileException {
        this.options = Objects.requireNonNull(options, "options");
        this.warnings = Objects.requireNonNull(warnings, "warnings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.timestamps = new Timestamps(clock);
        this.path = options.path();
        this.pathString = path.toString();
        this.pathCheck = new LogPathCheck(path, options.allowlistDirs(), warnings);
        try {
            channel = FileChannel.open(path, Set.of(OPEN_APPEND), MODE_0640);
        } catch (IOException | UnsupportedOperationException e) {
            throw new LogFileException("Failed to open log file " + ErrnoText.of(e), e);
        }
        try {
            written = channel.size();
        } catch (IOException e) {
            warnings.accept("Could not stat log file " + pathString + ", assuming 0 size");
            written = 0;
        }
        total = written;
        fileKey = fileKeyOf(path);
        compressor = options.compress() && options.rotate() && options.maxFiles() > 0
                ? new RotatedCompressor(K8sFileProvider.NAME, path, this::numbered, warnings, ts -> null, fileLock)
                : null;
    }

    /** {@code PATH.i} or {@code PATH.i.gz}. */
    Path numbered(int i, boolean gz) {
        return Path.of(pathString + "." + i + (gz ? ".gz" : ""));
    }

    /** The compression thread's state (null without {@code compress}); for tests. */
    RotatedCompressor compressor() {
        return compressor;
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
     * applied per record exactly as conmon does per line of a chunk (contract 7.1.3, 7.1.4): before a truncation
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
            writeOut(pos); // pending records belong to the old file
            pos = 0;
            reopenFile(); // truncate (fatal on failure) or rotate (warning on failure)
        }
        // One timestamp per read of container output: the prefix is formatted once per (timestamp, stream).
        if (record.timestampNanos() != prefixNanos || record.stream() != prefixStream || prefixLen == 0) {
            formatPrefix(record.timestampNanos(), record.stream());
        }
        final int pl = prefixLen;
        int need = pl + 3 + lineLen;
        byte[] o = out;
        int p = pos;
        if (p + need > o.length) {
            writeOut(p);
            p = 0;
            if (need > o.length) {
                o = grow(need);
            }
        }
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
        pos = p;
        written += bytes;
        total += bytes;
    }

    /** Writes the pending records with one {@code write(2)} (more only if they did not fit the buffer). */
    @Override
    public void flush() {
        if (!closed) {
            writeOut(pos);
            pos = 0;
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
            channel.force(true);
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
        FileChannel c = channel;
        channel = null;
        try {
            if (c != null) {
                c.close();
            }
        } finally {
            if (compressor != null) {
                compressor.shutdownAndWait(); // no PATH.gz.tmp left behind
            }
        }
    }

    private byte[] grow(int need) {
        out = new byte[need];
        outBuffer = ByteBuffer.wrap(out);
        return out;
    }

    /** Writes {@code out[0, len)}; on error the data is lost and a warning issued (conmon's writev_buffer_flush). */
    private void writeOut(int len) {
        if (len == 0) {
            return;
        }
        ByteBuffer b = outBuffer;
        b.clear().limit(len);
        try {
            while (b.hasRemaining()) {
                channel.write(b);
            }
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
     * conmon (pitfall 10: without a prior rename by the caller the current content is lost).
     */
    private void truncate() throws LogFileException {
        Path tmp = Path.of(pathString + ".tmp");
        closeQuietly(channel);
        channel = null;
        written = 0;
        try {
            channel = FileChannel.open(tmp, Set.of(OPEN_TRUNCATE), MODE_0640);
        } catch (IOException | UnsupportedOperationException e) {
            closed = true;
            throw new LogFileException("Failed to open log file " + pathString + " " + ErrnoText.of(e), e);
        }
        try {
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            closeQuietly(channel);
            channel = null;
            closed = true;
            throw new LogFileException("Failed to rename log file " + ErrnoText.of(e), e);
        }
        fileKey = fileKeyOf(path);
    }

    /**
     * {@code --log-rotate} (contract 7.1.5, conmon rotate_k8s_file()). Any failure: warning, rotation skipped,
     * writing continues to the old file and {@code written} is not reset (so the next record tries again).
     */
    private void rotate() {
        if (!pathCheck.validate()) {
            warnings.accept("Cannot rotate: invalid log path");
            return;
        }
        FileChannel old = channel;
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
            Path newPath = Path.of(pathString + ".new");
            Path backup = Path.of(pathString + ".1");
            FileChannel fresh;
            try {
                fresh = FileChannel.open(newPath, Set.of(OPEN_EXCL), MODE_0640);
            } catch (IOException | UnsupportedOperationException e) {
                warnings.accept("Failed to create new log file: " + ErrnoText.of(e));
                return;
            }
            Object freshKey = fileKeyOf(newPath);
            RotatedCompressor.Job job = null;
            if (compressor != null) {
                fileLock.lock();
            }
            try {
                if (!shiftBackups() || !moveIntoPlace(newPath, backup)) {
                    closeQuietly(fresh);
                    try {
                        Files.deleteIfExists(newPath);
                    } catch (IOException e) {
                        warnings.accept("Failed to remove temporary file: " + ErrnoText.of(e));
                    }
                    return;
                }
                if (compressor != null) {
                    job = compressor.rotated(fileKey, Long.MIN_VALUE);
                }
            } finally {
                if (compressor != null) {
                    fileLock.unlock();
                }
            }
            if (job != null) {
                compressor.submit(job);
            }
            releaseQuietly(lock);
            lock = null;
            closeQuietly(old);
            channel = fresh;
            fileKey = freshKey;
            written = 0;
        } finally {
            if (lock != null) {
                releaseQuietly(lock);
            }
        }
    }

    /**
     * Step 4: for i = max(N,2) down to 2, rename PATH.(i-1) to PATH.i. Pitfall 8, reproduced on purpose: the loop
     * always starts at 2, so {@code --log-max-files 1} keeps two backups ({@code .1} and {@code .2}).
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
        if (compressor != null) {
            hadErrors = shiftCompressed(start);
        } else for (int i = start; i >= 2; i--) {
            String from = pathString + "." + (i - 1);
            String to = pathString + "." + i;
            try {
                Files.move(Path.of(from), Path.of(to), StandardCopyOption.ATOMIC_MOVE); // rename(2), replaces
            } catch (NoSuchFileException e) {
                // missing backups are fine
            } catch (IOException e) {
                warnings.accept("Failed to shift backup file " + from + " to " + to + ": " + ErrnoText.of(e));
                hadErrors = true;
            }
        }
        if (hadErrors) {
            warnings.accept("Backup file shifting completed with some errors");
        }
        return true;
    }

    /**
     * Step 4 with {@code compress} (caller holds {@link #fileLock}): the backup number i is one file, {@code PATH.i}
     * while it waits for compression, {@code PATH.i.gz} after. As in conmon, a missing {@code i-1} leaves {@code i}
     * alone; an existing one replaces {@code i} in whichever form it is.
     *
     * @return whether there were errors
     */
    private boolean shiftCompressed(int start) {
        boolean hadErrors = false;
        for (int i = start; i >= 2; i--) {
            Path fromPlain = numbered(i - 1, false);
            Path fromGz = numbered(i - 1, true);
            boolean plain = Files.exists(fromPlain, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            boolean gz = Files.exists(fromGz, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            if (!plain && !gz) {
                continue; // missing backups are fine
            }
            compressor.dropped(i); // replaced: a compression of it in progress is not kept
            if (gz) {
                hadErrors |= !shiftOne(fromGz, numbered(i, true));
            } else {
                hadErrors |= !deleteStale(numbered(i, true));
            }
            if (plain) {
                if (shiftOne(fromPlain, numbered(i, false))) {
                    compressor.shifted(i - 1, i);
                } else {
                    hadErrors = true;
                }
            } else {
                hadErrors |= !deleteStale(numbered(i, false));
            }
        }
        return hadErrors;
    }

    private boolean shiftOne(Path from, Path to) {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (NoSuchFileException e) {
            return true;
        } catch (IOException e) {
            warnings.accept("Failed to shift backup file " + from + " to " + to + ": " + ErrnoText.of(e));
            return false;
        }
    }

    /** The other form of a backup that is being replaced. */
    private boolean deleteStale(Path p) {
        try {
            Files.deleteIfExists(p);
            return true;
        } catch (IOException e) {
            warnings.accept("Failed to remove old backup file " + p + ": " + ErrnoText.of(e));
            return false;
        }
    }

    /** Step 5: PATH to PATH.1, PATH.new to PATH (restoring PATH if the second rename fails). */
    private boolean moveIntoPlace(Path newPath, Path backup) {
        try {
            Files.move(path, backup, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            warnings.accept("Failed to rotate log file: " + ErrnoText.of(e));
            return false;
        }
        try {
            Files.move(newPath, path, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            warnings.accept("Failed to move new log file into place: " + ErrnoText.of(e));
            try {
                Files.move(backup, path, StandardCopyOption.ATOMIC_MOVE);
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
     * /proc/self/fd/N with realpath(PATH) and then dev/inode; Java has no fd number, so the dev/inode recorded when
     * the file was opened is compared with stat(PATH).
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
        if (fileKey == null || !fileKey.equals(current)) {
            warnings.accept("File descriptor and path point to different files");
            return false;
        }
        return true;
    }

    private static Object fileKeyOf(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    private static void closeQuietly(FileChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // nothing useful to do; conmon ignores close() errors too
            }
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
