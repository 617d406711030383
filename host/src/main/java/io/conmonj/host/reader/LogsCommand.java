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
