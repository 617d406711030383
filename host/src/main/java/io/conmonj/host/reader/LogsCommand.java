package io.conmonj.host.reader;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;

/**
 * {@code conmon-logs}: prints a container's k8s-file or json-file log, across its rotated (and
 * gzipped) files, joining partial records, stdout records to stdout and stderr records to stderr.
 * See docs/logging.md, "conmon-logs".
 */
public final class LogsCommand {
    static final String USAGE = """
            Usage: conmon-logs [OPTIONS] PATH
            Prints a container's k8s-file or json-file log, rotated files (PATH.N, PATH.N.gz) included.
              --format k8s-file|json-file  the log's format (default: detected from its first line)
              --since TIME                 only lines at or after TIME (RFC 3339, or a duration like 10m: that long ago)
              --until TIME                 only lines at or before TIME
              --tail N                     only the last N lines
              --follow, -f                 keep printing new lines, across rotations, until SIGINT/SIGTERM
              --follow-until-idle MS       as --follow, but stop after MS ms without new data (for tests)
              --timestamps, -t             print each line's time (as in the file) before it
              --help, -h                   this text
            """;

    /** Parsed command line. */
    record Options(LogFormat format, Instant since, Instant until, long tail, boolean follow, long idleMillis,
                   boolean timestamps, Path path) {}

    /** A bad command line; exit status 1 with the message. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    private static final long POLL_MILLIS = 100;

    private final Options opts;
    private final OutputStream out;
    private final OutputStream err;
    private final TailSpool tailSpool;
    private final LineSink direct = new DirectSink();
    /** Lines go through here: to the spool while --tail collects, then straight out. */
    private final LineSink sink = new LineSink() {
        @Override
        public void start(int stream, String time) throws IOException {
            sink().start(stream, time);
        }

        @Override
        public void write(int stream, byte[] b, int off, int len) throws IOException {
            sink().write(stream, b, off, len);
        }

        @Override
        public void end(int stream) throws IOException {
            sink().end(stream);
        }
    };
    private LogFormat format;
    private final Joiner joiner = new Joiner();
    private volatile boolean stop;
    private final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);

    private LogsCommand(Options opts, OutputStream out, OutputStream err) {
        this.opts = opts;
        this.out = out;
        this.err = err;
        this.format = opts.format();
        this.tailSpool = opts.tail() >= 0 ? new TailSpool() : null;
    }

    public static void main(String[] args) {
        OutputStream out = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 65536);
        OutputStream err = new BufferedOutputStream(new FileOutputStream(FileDescriptor.err), 65536);
        int status = run(args, out, err, Instant.now());
        System.exit(status);
    }

    /** Runs the command; returns its exit status. Flushes both streams. */
    static int run(String[] args, OutputStream out, OutputStream err, Instant now) {
        return run(args, out, err, now, null);
    }

    /**
     * Points between two steps of the reader where a test changes the log directory (a rotation, a compression, an
     * append) to drive an interleaving deterministically. {@code where} names the point, for the test's messages.
     */
    interface Checkpoint {
        void reached(String where) throws IOException;
    }

    private Checkpoint checkpoint;

    private void checkpoint(String where) throws IOException {
        if (checkpoint != null) checkpoint.reached(where);
    }

    /** {@link #run(String[], OutputStream, OutputStream, Instant)} with a test's checkpoint (null: none). */
    static int run(String[] args, OutputStream out, OutputStream err, Instant now, Checkpoint checkpoint) {
        PrintStream errText = new PrintStream(err, true, StandardCharsets.UTF_8);
        try {
            Options opts;
            try {
                opts = parse(args, now);
            } catch (UsageException e) {
                if (e.getMessage() == null) {
                    out.write(USAGE.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    return 0;
                }
                errText.println("conmon-logs: " + e.getMessage());
                errText.println("Try 'conmon-logs --help'.");
                return 1;
            }
            LogsCommand cmd = new LogsCommand(opts, out, err);
            cmd.checkpoint = checkpoint;
            Thread hook = null;
            if (opts.follow()) {
                Thread main = Thread.currentThread();
                // SIGINT/SIGTERM: stop following, let run() flush what was read, then let the JVM exit
                hook = new Thread(() -> {
                    cmd.stop = true;
                    main.interrupt();
                    try {
                        cmd.done.await(2, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException ignored) {
                        // exiting anyway
                    }
                });
                try {
                    Runtime.getRuntime().addShutdownHook(hook);
                } catch (IllegalStateException ignored) {
                    hook = null;
                }
            }
            try {
                cmd.execute();
                out.flush();
            } finally {
                cmd.done.countDown();
                if (hook != null) {
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException ignored) {
                        // shutting down: the hook is running
                    }
                }
            }
            return 0;
        } catch (Failure e) {
            errText.println("conmon-logs: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            if ("Broken pipe".equals(e.getMessage())) return 0; // the reader of our output went away (| head)
            errText.println("conmon-logs: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        } finally {
            try {
                out.flush();
            } catch (IOException ignored) {
                // stdout closed (e.g. a pipe to head): nothing to report it to
            }
            errText.flush();
        }
    }

    static Options parse(String[] args, Instant now) throws UsageException {
        LogFormat format = null;
        Instant since = null, until = null;
        long tail = -1, idle = -1;
        boolean follow = false, timestamps = false;
        Path path = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                value = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            switch (a) {
                case "-h", "--help" -> throw new UsageException(null);
                case "-f", "--follow" -> follow = true;
                case "-t", "--timestamps" -> timestamps = true;
                case "--format", "--since", "--until", "--tail", "--follow-until-idle" -> {
                    if (value == null) {
                        if (++i >= args.length) throw new UsageException("option " + a + " needs a value");
                        value = args[i];
                    }
                    switch (a) {
                        case "--format" -> {
                            format = LogFormat.byName(value);
                            if (format == null) {
                                throw new UsageException("unknown log format \"" + value + "\" (known: k8s-file, json-file)");
                            }
                        }
                        case "--since" -> since = time(value, now);
                        case "--until" -> until = time(value, now);
                        case "--tail" -> tail = count(a, value);
                        default -> {
                            idle = count(a, value);
                            follow = true;
                        }
                    }
                }
                case "--" -> {
                    if (i + 1 < args.length) {
                        if (path != null || i + 2 < args.length) throw new UsageException("only one PATH may be given");
                        path = Path.of(args[++i]);
                    }
                }
                default -> {
                    if (a.startsWith("-") && a.length() > 1) throw new UsageException("unknown option " + args[i]);
                    if (path != null) throw new UsageException("only one PATH may be given");
                    if (a.isEmpty()) throw new UsageException("PATH is empty");
                    path = Path.of(a);
                }
            }
        }
        if (path == null) throw new UsageException("no log PATH given");
        if (since != null && until != null && until.isBefore(since)) {
            throw new UsageException("--until is before --since");
        }
        return new Options(format, since, until, tail, follow, idle, timestamps, path);
    }

    private static Instant time(String value, Instant now) throws UsageException {
        try {
            return TimeArg.parse(value, now);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static long count(String option, String value) throws UsageException {
        try {
            long n = Long.parseLong(value);
            if (n >= 0) return n;
        } catch (NumberFormatException ignored) {
            // below
        }
        throw new UsageException("option " + option + " needs a number >= 0, not \"" + value + "\"");
    }

    /** An error that ends the command (exit status 1). */
    private static final class Failure extends IOException {
        Failure(String message) {
            super(message);
        }
    }

    /**
     * How often a read without {@code --follow} starts its catch-up again because the log rotated meanwhile (each
     * time it goes on after the last file read, so every attempt reads new files) before it gives up.
     */
    private static final int CATCH_UP_ATTEMPTS = 1000;

    /**
     * The last file read to its end, the one the next catch-up starts after (null before the first). Its descriptor
     * stays open: while it is, the file's identity (device, inode) cannot be given to a new file, and its bytes are
     * there to compare with a compressed copy of it.
     */
    private Finished finished;

    private void execute() throws IOException {
        Path path = opts.path();
        Current current = null;
        try {
            if (!Files.isDirectory(parent(path))) throw new Failure(path + ": no such log file");
            if (Files.isDirectory(path)) throw new Failure(path + ": is a directory");
            // the rotated files, oldest first, then PATH; when a rotation came in between, again from the last file read
            for (int attempt = 1; ; attempt++) {
                CatchUp c = catchUp(path);
                if (c.settled()) {
                    current = c.current();
                    break;
                }
                if (attempt >= CATCH_UP_ATTEMPTS) {
                    if (opts.follow()) break; // following goes on from the last file read
                    throw new Failure(path + ": rotated " + attempt + " times while it was read (try again, or use --follow)");
                }
            }
            if (current == null && finished == null && !opts.follow()) throw new Failure(path + ": no such log file");
            Splitter s = new Splitter();
            if (current != null) drain(current, s, path);
            if (!opts.follow()) {
                s.finish(path);
                joiner.finish();
                flushTail();
                return;
            }
            flushTail();
            out.flush();
            current = follow(path, current, s);
        } finally {
            if (current != null) current.close();
            if (finished != null) finished.close();
        }
    }

    /** A file opened for reading and the identity (device, inode) of what was opened. */
    private record Opened(Path path, FileChannel ch, Object key) {
        boolean gz() {
            return path.getFileName().toString().endsWith(".gz");
        }
    }

    /**
     * PATH's file while it is read, from its start: the length and CRC-32 of what was read identify it once it has
     * been rotated and compressed (the {@code .gz} is a new file, with the same length and CRC-32 in its trailer).
     */
    private static final class Current {
        final Opened file;
        final CRC32 crc = new CRC32();
        long length;

        Current(Opened file) {
            this.file = file;
        }

        Object key() {
            return file.key();
        }

        FileChannel ch() {
            return file.ch();
        }

        /** Truncated in place: read again from the start. */
        void restart() throws IOException {
            file.ch().position(0);
            crc.reset();
            length = 0;
        }

        /** Goes on after the first {@code n} bytes, read already through another descriptor (counted, not printed). */
        void skipRead(long n) throws IOException {
            ByteBuffer buf = ByteBuffer.allocate(65536);
            while (length < n) {
                buf.clear().limit((int) Math.min(buf.capacity(), n - length));
                int r = file.ch().read(buf);
                if (r <= 0) return;
                crc.update(buf.array(), 0, r);
                length += r;
            }
        }

        /** Read to its end: the file the next catch-up starts after (its descriptor goes with it). */
        Finished finished() {
            return new Finished(file, length, (int) crc.getValue());
        }

        void close() throws IOException {
            file.ch().close();
        }
    }

    /** A file read to its end: its length and CRC-32 if it is a plain file (for a .gz: unused, its identity stays). */
    private record Finished(Opened file, long length, int crc) {
        void close() throws IOException {
            file.ch().close();
        }
    }

    private void finished(Finished f) throws IOException {
        if (finished != null && finished.file().ch() != f.file().ch()) finished.close();
        finished = f;
    }

    /**
     * Opens {@code p}, making sure the identity is the opened file's: the name is looked up before
     * and after the open, and the open is retried if a rename came in between. Null if missing.
     */
    private Opened openChecked(Path p, Object expectedKey) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            Object before = keyOf(p);
            if (before == null) return null;
            if (expectedKey != null && !expectedKey.equals(before)) return null;
            checkpoint("before opening " + p.getFileName());
            FileChannel ch;
            try {
                ch = FileChannel.open(p, StandardOpenOption.READ);
            } catch (NoSuchFileException e) {
                return null;
            }
            if (before.equals(keyOf(p))) return new Opened(p, ch, before);
            ch.close();
        }
        throw new Failure(p + ": renamed continuously, cannot open it");
    }

    /**
     * The rotated files, oldest first, all opened at one moment, so later renames do not matter. A
     * rotation in progress while they are listed and opened (renames one after another) would give a
     * mixed picture, in which the file just finished may seem gone and the files after it would be
     * skipped: the names are listed again after the opens, and everything is done again until the
     * two listings name the same files.
     */
    private List<Opened> snapshot(Path path) throws IOException {
        for (int attempt = 0; ; attempt++) {
            List<Opened> opened = new java.util.ArrayList<>();
            boolean moved = false;
            for (Path p : LogFiles.rotated(path)) {
                Object key = keyOf(p);
                if (key == null) continue; // removed: its records are gone
                Opened o = openChecked(p, key);
                if (o == null) {
                    moved = true;
                    break;
                }
                opened.add(o);
                checkpoint("opened " + p.getFileName());
            }
            if (!moved && sameFiles(opened, path) || attempt >= 50) return opened;
            for (Opened o : opened) o.ch().close();
        }
    }

    /** Whether {@code path}'s rotated files are still {@code opened}: the same names for the same files. */
    private static boolean sameFiles(List<Opened> opened, Path path) throws IOException {
        List<Path> now = LogFiles.rotated(path);
        if (now.size() != opened.size()) return false;
        for (int i = 0; i < now.size(); i++) {
            Opened o = opened.get(i);
            if (!now.get(i).equals(o.path()) || !o.key().equals(keyOf(o.path()))) return false;
        }
        return true;
    }

    /** What a catch-up found: settled, with PATH's file (null: missing); or not: a rotation came in between. */
    private record CatchUp(boolean settled, Current current) {}

    /**
     * Reads the rotated files newer than {@link #finished} (all of them if null), oldest first, then opens PATH.
     * Settled when no rotation came between the listing and the open (the newest rotated file is still the one
     * listed): every file between the last one finished and PATH's was then read, once. If not, PATH's file is not
     * used (it may be rotated already, and compressed, a new file): the caller calls again, and that listing has it
     * after the files read now.
     */
    private CatchUp catchUp(Path path) throws IOException {
        List<Opened> rotated = snapshot(path);
        Opened newest = rotated.isEmpty() ? null : rotated.getLast();
        Opened next = null;
        try {
            // not among them: rotated out (removed oldest first), so every file listed is newer
            int from = finished == null ? 0 : locate(rotated, finished) + 1;
            for (int i = from; i < rotated.size(); i++) {
                finished(readWhole(rotated.get(i)));
                checkpoint("read " + rotated.get(i).path().getFileName());
            }
            next = openChecked(path, null);
            checkpoint("opened PATH");
            if (next == null) {
                // missing: settled if it was so already at the listing; if it was renamed to the newest name since (a
                // rotation between its rename and the new file), that file is read first
                return new CatchUp(newestIsStill(newest, path), null);
            }
            Current c = new Current(next);
            if (finished != null && next.key().equals(finished.file().key())) {
                // the file just read as rotated is PATH again (a rotation undone after it failed): go on after its end
                next = null;
                c.skipRead(finished.length());
                return new CatchUp(true, c);
            }
            if (!newestIsStill(newest, path)) return new CatchUp(false, null);
            next = null;
            return new CatchUp(true, c);
        } finally {
            if (next != null) next.ch().close();
            for (Opened o : rotated) {
                if (finished == null || o.ch() != finished.file().ch()) o.ch().close();
            }
        }
    }

    /**
     * Whether the newest rotated file is still {@code newest} (null: there was none): every rotation renames PATH's
     * file to the newest name, and a compression replaces the newest by a new file, so if it is, nothing was rotated.
     */
    private static boolean newestIsStill(Opened newest, Path path) throws IOException {
        List<Path> now = LogFiles.rotated(path);
        if (now.isEmpty()) return newest == null;
        return newest != null && now.getLast().equals(newest.path()) && newest.key().equals(keyOf(newest.path()));
    }

    /**
     * Where {@code f} is among the rotated files: the one with its identity or, when it is a plain file that has been
     * compressed since, its {@code .gz} (a new file): the one whose gzip trailer has its length and CRC-32 and whose
     * content is its content. -1 when it is not there any more.
     */
    private static int locate(List<Opened> rotated, Finished f) throws IOException {
        for (int i = rotated.size() - 1; i >= 0; i--) {
            Opened o = rotated.get(i);
            if (o.key().equals(f.file().key())) return i;
            if (!f.file().gz() && o.gz() && isCompressedCopy(o, f)) return i;
        }
        return -1;
    }

    /** Whether {@code gz} decompresses to the bytes of {@code f}; it reads at most {@code f}'s length plus a chunk. */
    private static boolean isCompressedCopy(Opened gz, Finished f) throws IOException {
        FileChannel ch = gz.ch();
        long size = ch.size();
        if (size < 18) return false; // shorter than a gzip header and trailer
        ByteBuffer trailer = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        while (trailer.hasRemaining()) {
            if (ch.read(trailer, size - 8 + trailer.position()) <= 0) return false;
        }
        if (trailer.getInt(0) != f.crc() || trailer.getInt(4) != (int) f.length()) return false;
        // the same CRC-32 and length (mod 2^32): compare the bytes, as a CRC-32 is easily matched on purpose
        byte[] a = new byte[65536];
        byte[] b = new byte[65536];
        long at = 0;
        try (InputStream in = new GZIPInputStream(new ChannelStream(ch), 65536)) {
            int n;
            while ((n = in.readNBytes(a, 0, a.length)) > 0) {
                if (at + n > f.length()) return false;
                ByteBuffer bb = ByteBuffer.wrap(b, 0, n);
                while (bb.hasRemaining()) {
                    if (f.file().ch().read(bb, at + bb.position()) <= 0) return false;
                }
                if (!Arrays.equals(a, 0, n, b, 0, n)) return false;
                at += n;
            }
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            return false;
        }
        return at == f.length();
    }

    private Current follow(Path path, Current current, Splitter s) throws IOException {
        long idleSince = System.nanoTime();
        while (!stop) {
            checkpoint("poll");
            boolean any = current != null && drain(current, s, path) > 0;
            if (!any) {
                Object key = keyOf(path);
                if (key != null && (current == null || !key.equals(current.key()))) {
                    // PATH is another file (a rotation, or a truncation by replacement). The old file is complete (a
                    // writer renames it after its last write): it is read to its end, then the files rotated after it
                    // (several rotations between two polls), then the new PATH from its start
                    if (current != null) {
                        drain(current, s, path);
                        s.finish(path);
                        finished(current.finished());
                        current = null;
                        s = new Splitter();
                    }
                    current = catchUp(path).current(); // null and not settled: again at once
                    any = true;
                } else if (current != null && key != null && current.ch().size() < current.length) {
                    // truncated in place: read again from its start
                    s.finish(path);
                    s = new Splitter();
                    current.restart();
                    any = true;
                }
            }
            out.flush();
            if (any) {
                idleSince = System.nanoTime();
                continue;
            }
            if (opts.until() != null && Instant.now().isAfter(opts.until())) break;
            if (opts.idleMillis() >= 0 && System.nanoTime() - idleSince >= opts.idleMillis() * 1_000_000L) break;
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                break;
            }
        }
        return current;
    }

    /**
     * Reads a rotated file from its start, without moving its channel or closing it; returns it as the last file
     * finished (with the length and CRC-32 of a plain file's bytes).
     */
    private Finished readWhole(Opened file) throws IOException {
        CRC32 crc = new CRC32();
        long length = 0;
        boolean gz = file.gz();
        try (InputStream raw = new ChannelStream(file.ch());
             InputStream in = gz ? new GZIPInputStream(raw, 65536) : raw) {
            Splitter s = new Splitter();
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                if (!gz) {
                    crc.update(buf, 0, n);
                    length += n;
                }
                s.feed(buf, n, file.path());
            }
            s.finish(file.path());
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            warn(file.path() + ": " + e.getMessage() + " (skipped)");
        }
        return new Finished(file, length, (int) crc.getValue());
    }

    /**
     * A channel read from its start with positional reads: its position is left alone, and closing the stream leaves
     * it open (it is the caller's).
     */
    private static final class ChannelStream extends InputStream {
        private final FileChannel ch;
        private long pos;

        ChannelStream(FileChannel ch) {
            this.ch = ch;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) return 0;
            int n = ch.read(ByteBuffer.wrap(b, off, len), pos);
            if (n <= 0) return -1; // a regular file's read returns 0 bytes only at its end
            pos += n;
            return n;
        }
    }

    private static Path parent(Path path) {
        Path p = path.toAbsolutePath().getParent();
        return p == null ? Path.of("/") : p;
    }

    private static Object keyOf(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /** Reads what {@code c} has beyond what was read, counting it into its length and CRC-32. */
    private long drain(Current c, Splitter s, Path path) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(65536);
        long total = 0;
        int n;
        while ((n = c.ch().read(buf)) > 0) {
            c.crc.update(buf.array(), 0, n);
            c.length += n;
            s.feed(buf.array(), n, path);
            buf.clear();
            total += n;
        }
        return total;
    }

    private void warn(String message) throws IOException {
        err.write(("conmon-logs: " + message + "\n").getBytes(StandardCharsets.UTF_8));
        err.flush();
    }

    /**
     * Splits one file's bytes into lines and hands them on without holding a line: a k8s-file record's prefix
     * (at most {@link LogFormat#K8S_HEAD_MAX} bytes) is parsed as soon as it is complete, its content then flows
     * through in the caller's chunks, so a line of any length is read in constant memory (issue 11: one 32 MiB
     * line ran the reader out of memory). A json-file record must be parsed whole: lines longer than
     * {@link LogFormat#JSON_LINE_MAX} are skipped with a warning.
     */
    private final class Splitter {
        private final byte[] head = new byte[LogFormat.K8S_HEAD_MAX];
        private int headLen;
        private byte[] json = new byte[256];
        private int jsonLen;
        private boolean jsonTooLong;
        /** The record whose content is flowing: its stream (0/1) and tag; -1 while the prefix is incomplete. */
        private int stream = -1;
        private boolean partial;
        /** The rest of this line is not a record (already reported). */
        private boolean skipping;
        private long lineNo;

        void feed(byte[] b, int len, Path file) throws IOException {
            int start = 0;
            for (int i = 0; i < len; i++) {
                if (b[i] != '\n') continue;
                bytes(b, start, i - start, file);
                end(file);
                start = i + 1;
            }
            if (start < len) bytes(b, start, len - start, file);
        }

        /** End of a file that is not written any more: an unterminated last line is taken as it is. */
        void finish(Path file) throws IOException {
            if (headLen > 0 || jsonLen > 0 || stream >= 0 || skipping || jsonTooLong) end(file);
        }

        private void bytes(byte[] b, int off, int len, Path file) throws IOException {
            if (len == 0 || skipping) return;
            if (format == null && headLen == 0 && jsonLen == 0) {
                format = b[off] == '{' ? LogFormat.JSON_FILE : null; // k8s-file is detected from its prefix
            }
            if (format == LogFormat.JSON_FILE) {
                if (jsonTooLong) return;
                if (jsonLen + len > LogFormat.JSON_LINE_MAX) {
                    jsonTooLong = true;
                    jsonLen = 0;
                    json = new byte[256];
                    return;
                }
                if (jsonLen + len > json.length) json = Arrays.copyOf(json, Math.max(json.length * 2, jsonLen + len));
                System.arraycopy(b, off, json, jsonLen, len);
                jsonLen += len;
                return;
            }
            if (stream >= 0) {
                joiner.content(stream, b, off, len);
                return;
            }
            int take = Math.min(len, head.length - headLen);
            System.arraycopy(b, off, head, headLen, take);
            headLen += take;
            int content = LogFormat.k8sContentStart(head, headLen, false);
            if (content == LogFormat.INCOMPLETE) {
                if (headLen == head.length) notARecord(file, "not a k8s-file record");
                return;
            }
            if (content < 0) {
                notARecord(file, "not a k8s-file record");
                return;
            }
            begin(file);
            if (content < headLen) joiner.content(stream, head, content, headLen - content);
            if (take < len) joiner.content(stream, b, off + take, len - take);
        }

        /** The prefix is complete and valid: the record starts. */
        private void begin(Path file) throws IOException {
            if (format == null) format = LogFormat.K8S_FILE;
            stream = LogFormat.k8sStderr(head, headLen) ? 1 : 0;
            partial = LogFormat.k8sPartial(head, headLen);
            joiner.begin(stream, LogFormat.k8sTime(head, headLen));
        }

        private void end(Path file) throws IOException {
            lineNo++;
            try {
                if (skipping) return;
                if (format == LogFormat.JSON_FILE) {
                    if (jsonTooLong) {
                        warn(file + ":" + lineNo + ": json-file record longer than " + LogFormat.JSON_LINE_MAX
                                + " bytes (skipped)");
                        return;
                    }
                    if (jsonLen == 0) return;
                    Entry e = LogFormat.JSON_FILE.parse(json, jsonLen);
                    if (e == null) {
                        warn(file + ":" + lineNo + ": not a json-file record (skipped)");
                        return;
                    }
                    int s = e.stderr() ? 1 : 0;
                    joiner.begin(s, e.time());
                    joiner.content(s, e.content(), 0, e.content().length);
                    joiner.end(s, e.partial());
                    return;
                }
                if (stream < 0) {
                    if (headLen == 0) return; // an empty line
                    int content = LogFormat.k8sContentStart(head, headLen, true);
                    if (content < 0) {
                        notARecordAtEnd(file);
                        return;
                    }
                    begin(file);
                }
                if (!partial) joiner.content(stream, NEWLINE, 0, 1); // conmon left the \n out of F records
                joiner.end(stream, partial);
            } finally {
                headLen = 0;
                jsonLen = 0;
                if (json.length > 65536) json = new byte[256];
                jsonTooLong = false;
                stream = -1;
                skipping = false;
            }
        }

        private void notARecord(Path file, String what) throws IOException {
            if (format == null) {
                throw new Failure(file + ": cannot detect the log format from its first line (use --format k8s-file or --format json-file)");
            }
            warn(file + ":" + (lineNo + 1) + ": " + what + " (skipped)");
            skipping = true;
        }

        private void notARecordAtEnd(Path file) throws IOException {
            if (format == null) {
                throw new Failure(file + ": cannot detect the log format from its first line (use --format k8s-file or --format json-file)");
            }
            warn(file + ":" + lineNo + ": not a " + format.cliName + " record (skipped)");
        }
    }

    private static final byte[] NEWLINE = {'\n'};

    /**
     * Joins partial records per stream as they flow: a line is printed (or spooled for --tail) from its first
     * record on, so no line is ever held in memory. --since/--until decide on the line's first record's time.
     */
    private final class Joiner {
        private final boolean[] open = new boolean[2];
        private final boolean[] accepted = new boolean[2];
        private String lastTimeText;
        private Instant lastTime;

        void begin(int s, String time) throws IOException {
            if (open[s]) return; // the line goes on: its time is its first record's
            open[s] = true;
            accepted[s] = accept(time);
            if (accepted[s]) sink.start(s, time);
        }

        void content(int s, byte[] b, int off, int len) throws IOException {
            if (accepted[s] && len > 0) sink.write(s, b, off, len);
        }

        void end(int s, boolean partial) throws IOException {
            if (partial) return;
            close(s);
        }

        /** End of the log: a dangling partial line is printed as it is. */
        void finish() throws IOException {
            for (int s = 0; s < 2; s++) if (open[s]) close(s);
        }

        private void close(int s) throws IOException {
            if (accepted[s]) sink.end(s);
            open[s] = false;
            accepted[s] = false;
        }

        private boolean accept(String time) {
            if (opts.since() == null && opts.until() == null) return true;
            // the records of one read share their time text: parse it once
            if (!time.equals(lastTimeText)) {
                lastTimeText = time;
                lastTime = TimeArg.rfc3339(lastTimeText);
            }
            Instant t = lastTime;
            if (t != null && opts.since() != null && t.isBefore(opts.since())) return false;
            return t == null || opts.until() == null || !t.isAfter(opts.until());
        }
    }

    private boolean tailDone;

    /** Where joined lines go: straight out, or, while --tail collects, into the spool. */
    private LineSink sink() {
        return tailSpool != null && !tailDone ? tailSpool : direct;
    }

    private void flushTail() throws IOException {
        if (tailSpool == null || tailDone) return;
        tailDone = true;
        try {
            tailSpool.replay(direct);
        } finally {
            tailSpool.close();
        }
    }

    /** A line's pieces as they come: start, bytes, end. Lines of the two streams may interleave. */
    interface LineSink {
        void start(int stream, String time) throws IOException;

        void write(int stream, byte[] b, int off, int len) throws IOException;

        void end(int stream) throws IOException;
    }

    /** Prints: stdout lines to stdout, stderr lines to stderr, with the time first for --timestamps. */
    private final class DirectSink implements LineSink {
        @Override
        public void start(int stream, String time) throws IOException {
            OutputStream o = stream == 1 ? err : out;
            if (stream == 1) out.flush(); // keep the interleaving for a terminal that shows both
            if (opts.timestamps()) {
                o.write(time.getBytes(StandardCharsets.US_ASCII));
                o.write(' ');
            }
        }

        @Override
        public void write(int stream, byte[] b, int off, int len) throws IOException {
            (stream == 1 ? err : out).write(b, off, len);
        }

        @Override
        public void end(int stream) throws IOException {
            if (stream == 1) err.flush();
        }
    }

    /**
     * --tail N: the lines' bytes go to a temporary file (one per stream, unlinked at once), and only the last N
     * lines' places are remembered (N at most: memory grows with N, never with a line's length); at the end of the
     * existing log they are copied out in 64 KiB pieces.
     */
    private final class TailSpool implements LineSink {
        private record Place(int stream, String time, long offset, long length) {}

        private final FileChannel[] files = new FileChannel[2];
        private final long[] size = new long[2];
        private final long[] lineStart = new long[2];
        private final String[] lineTime = new String[2];
        private final ArrayDeque<Place> last = new ArrayDeque<>();

        private final boolean[] open = new boolean[2];

        @Override
        public void start(int stream, String time) {
            lineStart[stream] = size[stream];
            lineTime[stream] = time;
            open[stream] = true;
        }

        @Override
        public void write(int stream, byte[] b, int off, int len) throws IOException {
            if (opts.tail() == 0) return;
            if (files[stream] == null) {
                Path temp = Files.createTempFile("conmon-logs-tail", ".spool");
                files[stream] = FileChannel.open(temp, StandardOpenOption.READ, StandardOpenOption.WRITE,
                        StandardOpenOption.DELETE_ON_CLOSE);
                Files.deleteIfExists(temp); // unlinked: nothing is left behind, whatever ends us
            }
            ByteBuffer buf = ByteBuffer.wrap(b, off, len);
            while (buf.hasRemaining()) size[stream] += files[stream].write(buf, size[stream]);
        }

        @Override
        public void end(int stream) {
            open[stream] = false;
            if (opts.tail() == 0) return;
            if (last.size() == opts.tail()) last.removeFirst();
            last.addLast(new Place(stream, lineTime[stream], lineStart[stream], size[stream] - lineStart[stream]));
        }

        /** The last N lines, then the start of a line still open (following goes on with it, directly). */
        void replay(LineSink to) throws IOException {
            ByteBuffer buf = ByteBuffer.allocate(65536);
            for (Place p : last) {
                to.start(p.stream(), p.time());
                copy(to, buf, p.stream(), p.offset(), p.offset() + p.length());
                to.end(p.stream());
            }
            last.clear();
            for (int s = 0; s < 2; s++) {
                if (open[s] && opts.tail() > 0) {
                    to.start(s, lineTime[s]);
                    copy(to, buf, s, lineStart[s], size[s]);
                }
            }
        }

        private void copy(LineSink to, ByteBuffer buf, int stream, long from, long end) throws IOException {
            long at = from;
            while (at < end) {
                buf.clear().limit((int) Math.min(buf.capacity(), end - at));
                int n = files[stream].read(buf, at);
                if (n <= 0) throw new Failure("the --tail spool file ended early");
                to.write(stream, buf.array(), 0, n);
                at += n;
            }
        }

        void close() throws IOException {
            for (FileChannel f : files) if (f != null) f.close();
        }
    }
}
