package io.conmonj.drivers.builtin.logfile;

import io.conmonj.plugin.ErrnoText;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * A log file that rotates: the engine k8s-file and json-file share, modelled on Docker's
 * {@code daemon/logger/loggerutils.LogFile}. It owns
 * <ul>
 *   <li>the file, opened relative to its directory's descriptor ({@link LogDirectory}: nothing planted in the
 *       directory redirects a write, a rename or a delete);</li>
 *   <li>the batch buffer: a driver formats the records of one read of container output into {@link #buffer()} and
 *       the engine writes them with one {@code write(2)} at {@link #writePending()} (more only when they do not fit
 *       64 KiB, or when a rotation falls inside the batch);</li>
 *   <li>size accounting of the current file ({@link #size()}: its size when opened plus every byte committed);</li>
 *   <li>the numbered files {@code NAME.i} / {@code NAME.i.gz}: shifting them ({@link #shift}), removing one
 *       ({@link #remove}), moving the current file to {@code NAME.1} and starting a new one, Docker's way
 *       ({@link #rotate(int, long)}); the primitives serve k8s-file's conmon rotation, which keeps its own order;</li>
 *   <li>hand-off of a rotated file to compression ({@link RotatedCompressor}, one thread per file, started at the
 *       first rotation), reopen, sync, close (which waits for compressions in progress).</li>
 * </ul>
 * What stays in each driver: the format of a record, when to rotate (json-file: before a record that would pass
 * {@code max-size}; k8s-file: conmon's accounting, truncation mode, global budget), and the messages.
 *
 * <p>Not thread-safe (a driver is called from one thread); the compression thread shares only the numbered names,
 * under {@link #lockNames()}, which rotation holds for its renames and never while compressing.
 */
public final class LogFile implements Closeable {
    /** Batch buffer: an 8192-byte read of lines of 7+ bytes fits in one write, in either format. */
    public static final int BUFFER_SIZE = 64 * 1024;

    private final LogDirectory dir;
    private final String name;
    private final boolean followAtOpen;
    private final boolean gzForms;
    private final Consumer<String> warnings;
    private final ReentrantLock names = new ReentrantLock();
    /** null without compression. */
    private final RotatedCompressor compressor;

    private FileChannel channel;
    private Object fileKey;
    private long size;
    private boolean closed;

    private byte[] buf = new byte[BUFFER_SIZE];
    private ByteBuffer bufView = ByteBuffer.wrap(buf);
    private int pos;

    /**
     * Opens (creates, mode 0640 before umask) {@code location} for appending.
     *
     * @param followAtOpen    conmon's {@code -l} file only: the initial open and reopen are conmon's (a symbolic link
     *                        at the name is followed, any file type taken; rotation refuses a link, as conmon's
     *                        does); everything else is never followed and must be a regular file with one link
     * @param driverName      for messages and the compression thread's name
     * @param compress        gzip rotated files ({@code NAME.i.gz})
     * @param gzForms         numbered files exist in both forms ({@code NAME.i}, {@code NAME.i.gz}) and are shifted
     *                        and removed together (json-file always; k8s-file with {@code compress})
     * @param gzipExtra       the gzip header's extra field for a file whose last record has the given time, or null
     *                        for none
     * @throws IOException    the file cannot be opened, or what is at the name is not a regular file with one link
     */
    public LogFile(LogDirectory.Location location, boolean followAtOpen, String driverName, boolean compress,
                   boolean gzForms, LongFunction<byte[]> gzipExtra, Consumer<String> warnings) throws IOException {
        this(location, -1, followAtOpen, driverName, compress, gzForms, gzipExtra, warnings);
    }

    /**
     * As above, but the current file is {@code adoptedFd} when it is not -1: the file a hibernated monitor had open,
     * inherited by the one that resumes it ({@link LogDirectory#adoptAppend}), not the file now at the name.
     */
    public LogFile(LogDirectory.Location location, int adoptedFd, boolean followAtOpen, String driverName,
                   boolean compress, boolean gzForms, LongFunction<byte[]> gzipExtra, Consumer<String> warnings)
            throws IOException {
        Objects.requireNonNull(location, "location");
        this.dir = location.directory();
        this.name = location.name();
        this.followAtOpen = followAtOpen;
        this.gzForms = gzForms || compress;
        this.warnings = Objects.requireNonNull(warnings, "warnings");
        LogDirectory.OpenFile f = adoptedFd >= 0 ? LogDirectory.adoptAppend(adoptedFd) : dir.openAppend(name, followAtOpen);
        channel = f.channel();
        fileKey = f.fileKey();
        try {
            size = channel.size();
        } catch (IOException e) {
            size = 0;
        }
        compressor = compress ? new RotatedCompressor(driverName, dir, name, warnings, gzipExtra, names) : null;
    }

    public LogDirectory directory() {
        return dir;
    }

    /** The file's name in its directory. */
    public String name() {
        return name;
    }

    /** {@code NAME.i} or {@code NAME.i.gz}. */
    public String numbered(int i, boolean gz) {
        return name + "." + i + (gz ? ".gz" : "");
    }

    /** The compression thread's state (null without compression); for tests. */
    public RotatedCompressor compressor() {
        return compressor;
    }

    /** Identity (dev/inode) of the file being written. */
    public Object fileKey() {
        return fileKey;
    }

    public FileChannel channel() {
        return channel;
    }

    public boolean isClosed() {
        return closed;
    }

    // ---- the batch

    /** The buffer records are formatted into, valid until the next {@link #reserve}. */
    public byte[] buffer() {
        return buf;
    }

    /** End of the pending bytes in {@link #buffer()}. */
    public int position() {
        return pos;
    }

    /**
     * Makes room for {@code need} more bytes at {@link #position()}: writes the pending bytes out if they are in the
     * way, and grows the buffer for a record larger than it. Returns the buffer (maybe another array).
     */
    public byte[] reserve(int need) throws IOException {
        byte[] b = buf;
        if (b.length - pos >= need) {
            return b; // the per-record path: small enough for C1 (the monitor's only compiler) to inline
        }
        return makeRoom(need);
    }

    private byte[] makeRoom(int need) throws IOException {
        try {
            writePending();
        } finally {
            if (buf.length < need) {
                buf = new byte[need];
                bufView = ByteBuffer.wrap(buf);
            }
        }
        return buf;
    }

    /** Records {@code [position(), end)} as formatted: pending, and counted in {@link #size()}. */
    public void commit(int end) {
        size += end - pos;
        pos = end;
    }

    /**
     * Writes the pending bytes with one {@code write(2)} (a short write is continued). On failure they are dropped,
     * the size is taken from the file again, and the error is thrown.
     */
    public void writePending() throws IOException {
        int len = pos;
        pos = 0;
        writeOut(0, len);
    }

    /**
     * Writes the pending bytes before {@code start} (records that belong to the current file) and keeps
     * {@code [start, position())} pending, moved to the start of the buffer (they go to the next file: the caller
     * rotates next, and {@link #install} counts them there).
     */
    public void writePendingBefore(int start) throws IOException {
        int end = pos;
        int keep = end - start;
        try {
            writeOut(0, start);
        } finally {
            System.arraycopy(buf, start, buf, 0, keep);
            pos = keep;
        }
    }

    private void writeOut(int from, int to) throws IOException {
        if (to <= from) {
            return;
        }
        ByteBuffer b = bufView;
        b.clear().position(from).limit(to);
        try {
            while (b.hasRemaining()) {
                channel.write(b);
            }
        } catch (IOException e) {
            try {
                size = channel.size() + pos;
            } catch (IOException ignored) {
                // keep the accounted size
            }
            throw e;
        }
    }

    /** Bytes in the current file, pending ones included. */
    public long size() {
        return size;
    }

    // ---- the current file

    /**
     * Starts writing to what is at the name now (created if missing), e.g. after an outside logrotate moved the file
     * away. Pending bytes go to the old file first.
     */
    public void reopen() throws IOException {
        writePending();
        LogDirectory.OpenFile f = dir.openAppend(name, followAtOpen);
        install(f);
        try {
            size = channel.size() + pos;
        } catch (IOException e) {
            size = 0;
        }
    }

    /**
     * Replaces the current file by an empty one: {@code NAME.tmp} is created ({@code O_EXCL}, after removing a stale
     * entry of that name, whatever it is) and renamed over the name. k8s-file's truncation (conmon's
     * {@code --log-size-max} without rotation). Pending bytes are dropped: the caller writes them first.
     *
     * @throws StepException saying which {@link Step} failed (conmon's messages differ)
     */
    public void truncate() throws StepException {
        String tmp = name + ".tmp";
        closeQuietly(channel);
        channel = null;
        pos = 0;
        size = 0;
        LogDirectory.OpenFile f;
        try {
            dir.deleteIfExists(tmp);
            f = dir.createNew(tmp);
        } catch (IOException e) {
            throw new StepException(Step.OPEN, e);
        }
        try {
            dir.rename(tmp, name);
        } catch (IOException e) {
            closeQuietly(f.channel());
            try {
                dir.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the rename's error is the one to report
            }
            throw new StepException(Step.RENAME, e);
        }
        channel = f.channel();
        fileKey = f.fileKey();
    }

    /** Which step of a file operation failed. */
    public enum Step { OPEN, RENAME }

    /** An I/O error of one {@link Step}. */
    public static final class StepException extends IOException {
        private static final long serialVersionUID = 1L;
        private final Step step;

        StepException(Step step, IOException cause) {
            super(ErrnoText.of(cause), cause);
            this.step = step;
        }

        public Step step() {
            return step;
        }
    }

    /** Makes {@code f} (empty) the current file; the old one is closed. Pending bytes count toward the new file. */
    public void install(LogDirectory.OpenFile f) {
        FileChannel old = channel;
        channel = f.channel();
        fileKey = f.fileKey();
        size = pos;
        closeQuietly(old);
    }

    // ---- numbered files

    /** Holds the numbered names still (against the compression thread) while a rotation renames them. */
    public void lockNames() {
        names.lock();
    }

    public void unlockNames() {
        names.unlock();
    }

    /**
     * Moves backup {@code from} to {@code to} (caller holds {@link #lockNames()}). With both forms, backup number i is
     * one file, {@code NAME.i} while it waits for compression and {@code NAME.i.gz} after: when {@code from} exists in
     * either form it replaces {@code to} in whichever form (the other form of {@code to} is removed); when it does not
     * exist, {@code to} is left alone (conmon's rule, and Docker's outcome). Without both forms: one rename, a missing
     * {@code from} is no error.
     *
     * @return whether there was something to move
     */
    public boolean shift(int from, int to) throws IOException {
        if (!gzForms) {
            try {
                dir.rename(numbered(from, false), numbered(to, false));
                return true;
            } catch (NoSuchFileException e) {
                return false;
            }
        }
        boolean plain = dir.exists(numbered(from, false));
        boolean gz = dir.exists(numbered(from, true));
        if (!plain && !gz) {
            return false;
        }
        if (compressor != null) {
            compressor.dropped(to); // replaced: a compression of it in progress is not kept
        }
        IOException failed = null;
        try {
            if (gz) {
                dir.rename(numbered(from, true), numbered(to, true));
            } else {
                dir.deleteIfExists(numbered(to, true));
            }
        } catch (IOException e) {
            failed = e;
        }
        try {
            if (plain) {
                dir.rename(numbered(from, false), numbered(to, false));
                if (compressor != null) {
                    compressor.shifted(from, to);
                }
            } else {
                dir.deleteIfExists(numbered(to, false));
            }
        } catch (IOException e) {
            if (failed == null) {
                failed = e;
            }
        }
        if (failed != null) {
            throw failed;
        }
        return true;
    }

    /**
     * The numbers {@code i} (1 &lt;= i &lt; {@code below}) for which {@code NAME.i} or {@code NAME.i.gz} exists, highest
     * first: one directory listing instead of {@code below} look-ups, for a caller whose count is not bounded.
     */
    public java.util.List<Integer> existingBackups(int below) throws IOException {
        java.util.TreeSet<Integer> found = new java.util.TreeSet<>(java.util.Comparator.reverseOrder());
        String prefix = name + ".";
        for (String n : dir.names()) {
            if (!n.startsWith(prefix)) {
                continue;
            }
            String rest = n.substring(prefix.length());
            if (rest.endsWith(".gz")) {
                rest = rest.substring(0, rest.length() - 3);
            }
            if (rest.isEmpty() || rest.length() > 10 || rest.charAt(0) == '0' || !rest.chars().allMatch(Character::isDigit)) {
                continue;
            }
            long i = Long.parseLong(rest);
            if (i < below) {
                found.add((int) i);
            }
        }
        return new java.util.ArrayList<>(found);
    }

    /** Removes backup {@code i} in both forms (caller holds {@link #lockNames()}). */
    public void remove(int i) throws IOException {
        if (compressor != null) {
            compressor.dropped(i);
        }
        dir.deleteIfExists(numbered(i, true));
        dir.deleteIfExists(numbered(i, false));
    }

    /**
     * Hands the file that just became {@code NAME.1} (identity {@code key}, last record at {@code lastTimestamp}) to
     * compression; nothing without it. Call with {@link #lockNames()} held, then {@link #submit} after releasing it.
     */
    public RotatedCompressor.Job rotated(Object key, long lastTimestamp) {
        return compressor == null ? null : compressor.rotated(key, lastTimestamp);
    }

    public void submit(RotatedCompressor.Job job) {
        if (job != null) {
            compressor.submit(job);
        }
    }

    /**
     * Docker's rotation ({@code loggerutils.LogFile.rotate}): with {@code maxFiles} &lt; 2 the current file is
     * removed and started again; else {@code NAME.(maxFiles-1)} is removed, {@code NAME.i} shifted to
     * {@code NAME.(i+1)}, the current file renamed to {@code NAME.1} and a new one created ({@code O_EXCL}); if that
     * fails the old file is put back and writing goes on there. Pending bytes are not written: the caller does, to
     * the file they belong to, before. On failure nothing is half-done that loses a file the caller still writes to.
     */
    public void rotate(int maxFiles, long lastTimestamp) throws IOException {
        RotatedCompressor.Job job = null;
        LogDirectory.OpenFile fresh;
        names.lock();
        try {
            if (maxFiles < 2) {
                dir.deleteIfExists(name);
                fresh = dir.createNew(name);
            } else {
                remove(maxFiles - 1);
                for (int i = maxFiles - 1; i > 1; i--) {
                    shift(i - 1, i);
                }
                Object key = fileKey;
                dir.rename(name, numbered(1, false));
                try {
                    fresh = dir.createNew(name);
                } catch (IOException e) {
                    try {
                        dir.rename(numbered(1, false), name); // back; keep writing there
                    } catch (IOException e2) {
                        e.addSuppressed(e2);
                    }
                    throw e;
                }
                job = rotated(key, lastTimestamp);
            }
        } finally {
            names.unlock();
        }
        install(fresh);
        submit(job);
    }

    // ---- end of life

    /** Writes pending bytes and fsyncs. */
    public void sync() throws IOException {
        writePending();
        channel.force(true);
    }

    /**
     * Closes the file (pending bytes are the caller's to write first), the directory, and waits for compressions in
     * progress so that no {@code NAME.gz.tmp} is left behind. Idempotent.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        FileChannel c = channel;
        channel = null;
        try {
            if (c != null) {
                c.close();
            }
        } finally {
            try {
                if (compressor != null) {
                    compressor.shutdownAndWait();
                }
            } finally {
                dir.close();
            }
        }
    }

    public static void closeQuietly(FileChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // nothing useful to do; conmon ignores close() errors too
            }
        }
    }
}
