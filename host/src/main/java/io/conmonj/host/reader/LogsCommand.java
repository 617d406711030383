package io.conmonj.host.reader;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
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
    private final ArrayDeque<Line> tailLines;
    private LogFormat format;
    private final Joiner joiner = new Joiner();
    private volatile boolean stop;
    private final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);

    private LogsCommand(Options opts, OutputStream out, OutputStream err) {
        this.opts = opts;
        this.out = out;
        this.err = err;
        this.format = opts.format();
        this.tailLines = opts.tail() >= 0 ? new ArrayDeque<>() : null;
    }

    public static void main(String[] args) {
        OutputStream out = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 65536);
        OutputStream err = new BufferedOutputStream(new FileOutputStream(FileDescriptor.err), 65536);
        int status = run(args, out, err, Instant.now());
        System.exit(status);
    }

    /** Runs the command; returns its exit status. Flushes both streams. */
    static int run(String[] args, OutputStream out, OutputStream err, Instant now) {
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

    private void execute() throws IOException {
        Path path = opts.path();
        Opened current = null;
        try {
            if (!Files.isDirectory(parent(path))) throw new Failure(path + ": no such log file");
            if (Files.isDirectory(path)) throw new Failure(path + ": is a directory");
            current = openCurrent(path);
            List<Opened> rotated = snapshot(path);
            if (current == null && rotated.isEmpty() && !opts.follow()) throw new Failure(path + ": no such log file");
            // the rotated files older than the one opened as PATH (which may have been rotated since:
            // it is read as PATH, once; files rotated after it are read when the rotation is seen)
            readRotated(rotated, null, current == null ? null : current.key());
            Splitter s = new Splitter();
            if (current != null) drain(current.ch(), s, path);
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
            if (current != null) current.ch().close();
        }
    }

    /** A file opened for reading and the identity (device, inode) of what was opened. */
    private record Opened(Path path, FileChannel ch, Object key) {}

    /**
     * Opens {@code p}, making sure the identity is the opened file's: the name is looked up before
     * and after the open, and the open is retried if a rename came in between. Null if missing.
     */
    private static Opened openChecked(Path p, Object expectedKey) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            Object before = keyOf(p);
            if (before == null) return null;
            if (expectedKey != null && !expectedKey.equals(before)) return null;
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

    private static Opened openCurrent(Path path) throws IOException {
        return openChecked(path, null);
    }

    /**
     * The rotated files, oldest first, all opened at one moment, so later renames do not matter. A
     * rotation in progress while they are listed and opened (renames one after another) would give a
     * mixed picture, in which the file just finished may seem gone and the files after it would be
     * skipped: the names are listed again after the opens, and everything is done again until the
     * two listings name the same files.
     */
    private static List<Opened> snapshot(Path path) throws IOException {
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

    /**
     * Reads the snapshot's files after the one with key {@code after} (all if null) up to the one with key
     * {@code upTo}, and closes all. Returns the key of the last file read, else {@code after}.
     */
    private Object readRotated(List<Opened> rotated, Object after, Object upTo) throws IOException {
        Object last = after;
        try {
            int from = 0;
            if (after != null) {
                from = -1;
                for (int i = 0; i < rotated.size(); i++) if (after.equals(rotated.get(i).key())) from = i + 1;
                if (from < 0) return last; // the finished file is gone (removed, or compressed to a new inode)
            }
            for (int i = from; i < rotated.size(); i++) {
                Opened o = rotated.get(i);
                if (upTo != null && upTo.equals(o.key())) break;
                readWhole(o);
                last = o.key();
            }
            return last;
        } finally {
            for (Opened o : rotated) o.ch().close();
        }
    }

    private Opened follow(Path path, Opened current, Splitter s) throws IOException {
        long idleSince = System.nanoTime();
        // the newest file read to its end, while PATH itself is missing (caught between a rotation's
        // rename and the new file): the files rotated after it are read once PATH is back
        Object finished = null;
        while (!stop) {
            boolean any = current != null && drain(current.ch(), s, path) > 0;
            if (!any) {
                Object key = keyOf(path);
                boolean replaced = key != null && (current == null || !key.equals(current.key()));
                boolean truncated = !replaced && current != null && key != null
                        && current.ch().size() < current.ch().position();
                if (replaced || truncated) {
                    // finish the old file (what was written before the rename), then the files rotated
                    // after it (several rotations between two polls), then the new PATH from its start
                    Opened next = openCurrent(path); // null if PATH is gone again (the next rotation)
                    if (current != null) {
                        drain(current.ch(), s, path);
                        current.ch().close();
                        finished = current.key();
                    }
                    s.finish(path);
                    if (replaced && finished != null) {
                        finished = readRotated(snapshot(path), finished, next == null ? null : next.key());
                    }
                    s = new Splitter();
                    current = next;
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

    private void readWhole(Opened file) throws IOException {
        try (InputStream in = open(file)) {
            Splitter s = new Splitter();
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) s.feed(buf, n, file.path());
            s.finish(file.path());
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            warn(file.path() + ": " + e.getMessage() + " (skipped)");
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

    private static InputStream open(Opened file) throws IOException {
        InputStream in = new BufferedInputStream(java.nio.channels.Channels.newInputStream(file.ch()), 65536);
        if (file.path().getFileName().toString().endsWith(".gz")) in = new GZIPInputStream(in, 65536);
        return in;
    }

    private long drain(FileChannel ch, Splitter s, Path path) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(65536);
        long total = 0;
        int n;
        while ((n = ch.read(buf)) > 0) {
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

    /** Splits one file's bytes into lines and hands them to the parser. */
    private final class Splitter {
        private byte[] pending = new byte[256];
        private int pendingLen;
        private long lineNo;

        void feed(byte[] b, int len, Path file) throws IOException {
            int start = 0;
            for (int i = 0; i < len; i++) {
                if (b[i] != '\n') continue;
                if (pendingLen > 0) {
                    append(b, start, i - start);
                    line(pending, pendingLen, file);
                    pendingLen = 0;
                } else {
                    line(start == 0 ? b : Arrays.copyOfRange(b, start, i), i - start, file);
                }
                start = i + 1;
            }
            append(b, start, len - start);
        }

        /** End of a file that is not written any more: an unterminated last line is taken as it is. */
        void finish(Path file) throws IOException {
            if (pendingLen > 0) line(pending, pendingLen, file);
            pendingLen = 0;
        }

        private void append(byte[] b, int off, int len) {
            if (pendingLen + len > pending.length) pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLen + len));
            System.arraycopy(b, off, pending, pendingLen, len);
            pendingLen += len;
        }

        private void line(byte[] b, int len, Path file) throws IOException {
            lineNo++;
            if (len == 0) return;
            if (format == null) {
                format = LogFormat.detect(b, len);
                if (format == null) {
                    throw new Failure(file + ": cannot detect the log format from its first line (use --format k8s-file or --format json-file)");
                }
            }
            Entry e = format.parse(b, len);
            if (e == null) {
                warn(file + ":" + lineNo + ": not a " + format.cliName + " record (skipped)");
                return;
            }
            joiner.add(e);
        }
    }

    /** A joined line of one stream: the time of its first record and all its bytes. */
    private record Line(boolean stderr, String time, byte[] bytes) {}

    /** Joins partial records per stream. */
    private final class Joiner {
        private final byte[][] parts = new byte[2][];
        private final String[] firstTime = new String[2];
        private String lastTimeText;
        private Instant lastTime;

        void add(Entry e) throws IOException {
            int s = e.stderr() ? 1 : 0;
            if (parts[s] == null) {
                firstTime[s] = e.time();
                parts[s] = e.content();
            } else {
                byte[] joined = Arrays.copyOf(parts[s], parts[s].length + e.content().length);
                System.arraycopy(e.content(), 0, joined, parts[s].length, e.content().length);
                parts[s] = joined;
            }
            if (!e.partial()) emit(s);
        }

        /** End of the log: a dangling partial line is printed as it is. */
        void finish() throws IOException {
            for (int s = 0; s < 2; s++) if (parts[s] != null) emit(s);
        }

        private void emit(int s) throws IOException {
            Line line = new Line(s == 1, firstTime[s], parts[s]);
            parts[s] = null;
            firstTime[s] = null;
            if (opts.since() != null || opts.until() != null) {
                // the records of one read share their time text: parse it once
                if (!line.time().equals(lastTimeText)) {
                    lastTimeText = line.time();
                    lastTime = TimeArg.rfc3339(lastTimeText);
                }
                Instant t = lastTime;
                if (t != null && opts.since() != null && t.isBefore(opts.since())) return;
                if (t != null && opts.until() != null && t.isAfter(opts.until())) return;
            }
            print(line);
        }
    }

    private boolean tailDone;

    private void flushTail() throws IOException {
        if (tailLines == null || tailDone) return;
        tailDone = true;
        for (Line l : tailLines) print(l);
        tailLines.clear();
    }

    private void print(Line line) throws IOException {
        if (tailLines != null && !tailDone) {
            // still collecting the last N lines
            if (opts.tail() == 0) return;
            if (tailLines.size() == opts.tail()) tailLines.removeFirst();
            tailLines.addLast(line);
            return;
        }
        OutputStream o = line.stderr() ? err : out;
        if (line.stderr()) out.flush(); // keep the interleaving for a terminal that shows both
        if (opts.timestamps()) {
            o.write(line.time().getBytes(StandardCharsets.US_ASCII));
            o.write(' ');
        }
        o.write(line.bytes());
        if (line.stderr()) err.flush();
    }
}
