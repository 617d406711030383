package io.conmonj.drivers.builtin.jsonfile;

import io.conmonj.drivers.builtin.logfile.LogDirectory;
import io.conmonj.drivers.builtin.logfile.LogFile;
import io.conmonj.drivers.builtin.logfile.RotatedCompressor;

import io.conmonj.plugin.ErrnoText;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogRecord;
import io.conmonj.plugin.LogStream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Docker's json-file log: one line {@code {"log":"...","stream":"stdout","attrs":{...},"time":"..."}} per record
 * (see {@link DockerJson} for the bytes), rotation and compression as Docker's {@code loggerutils.LogFile}.
 *
 * <p>Records: a complete record's {@code "log"} ends with {@code \n}; a partial record (the unterminated tail of a
 * read) is its own line whose {@code "log"} does not, exactly as Docker writes partial messages. Readers join the
 * lines of one stream until one whose {@code "log"} ends with {@code \n}.
 *
 * <p>Rotation, before the record that would take the current file past {@code max-size} (a record alone larger
 * than {@code max-size} is written to an empty file as it is): {@code PATH.(N-1)[.gz]} is removed, {@code PATH.i}
 * becomes {@code PATH.(i+1)}, {@code PATH} becomes {@code PATH.1} and a new {@code PATH} is started; with
 * {@code max-file=1} the current file is removed and started again (Docker). With {@code compress}, {@code PATH.1}
 * is then gzipped by a background thread of this driver into {@code PATH.1.gz} (written to {@code PATH.gz.tmp},
 * renamed into place, then the uncompressed file removed, as Docker). Unlike Docker, a rotation does not wait for
 * the previous compression: while a file is being compressed it may be shifted ({@code PATH.1} to {@code PATH.2})
 * and the result lands under its new number; a file rotated out meanwhile is not kept. Records are the bytes of the
 * files, so nothing is lost or reordered by compression.
 *
 * <p>The file, the batch buffer (the records of one read are written with one {@code write(2)} at {@link #flush()}),
 * the rotation and the compression are the shared {@link LogFile} engine's; this class keeps Docker's line format and
 * when to rotate. The file is opened relative to its directory's descriptor, never through a symbolic link, and must
 * be a regular file with one link ({@link LogDirectory}). Not thread-safe (the host calls a driver from one thread
 * at a time).
 */
public final class JsonFileLog implements LogDriver {
    private static final byte[] LOG_KEY = "{\"log\":".getBytes(StandardCharsets.US_ASCII);

    private final JsonFileOptions options;
    private final Path path;
    private final String pathString;
    private final Consumer<String> warnings;
    /** {@code ,"stream":"stdout",} + attrs + {@code "time":"}, per stream */
    private final byte[] midStdout;
    private final byte[] midStderr;
    private final LogFile file;

    /** timestamp of the last record given to the current file, for the gzip header; MIN_VALUE = none */
    private long lastTimestamp = Long.MIN_VALUE;
    private boolean closed;
    private boolean rotationFailing;

    private final byte[] time = new byte[32];
    private int timeLen;
    private long timeNanos;
    private boolean timeValid;

    /**
     * Opens (creates 0640) {@code options.path()} for appending (the name is never followed, and must be a regular
     * file with one link); its current size counts toward {@code max-size}.
     */
    public JsonFileLog(JsonFileOptions options, Consumer<String> warnings) throws IOException {
        this(LogDirectory.locate(options.path()), options, warnings);
    }

    /** The same in a directory already opened, e.g. one {@link LogDirectory#confined} to the container's. */
    public JsonFileLog(LogDirectory.Location location, JsonFileOptions options, Consumer<String> warnings)
            throws IOException {
        this.options = Objects.requireNonNull(options, "options");
        this.warnings = Objects.requireNonNull(warnings, "warnings");
        this.path = location.path();
        this.pathString = path.toString();
        this.midStdout = mid(LogStream.STDOUT, options.attrs());
        this.midStderr = mid(LogStream.STDERR, options.attrs());
        try {
            this.file = new LogFile(location, false, JsonFileProvider.NAME, options.compress(), true,
                    JsonFileLog::gzipExtra, warnings);
        } catch (IOException | RuntimeException e) {
            location.directory().close();
            throw e;
        }
    }

    private static byte[] mid(LogStream stream, byte[] attrs) {
        StringBuilder sb = new StringBuilder(",\"stream\":\"").append(stream.label()).append("\",");
        byte[] head = sb.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] attrsPart = attrs == null ? new byte[0] : concat("\"attrs\":".getBytes(StandardCharsets.US_ASCII), attrs,
                new byte[] {','});
        return concat(head, attrsPart, "\"time\":\"".getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] r = new byte[n];
        int i = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, r, i, p.length);
            i += p.length;
        }
        return r;
    }

    /** Docker's gzip header extra: {@code json.Marshal(rotateFileMetadata{LastTime: ts})}. */
    static byte[] gzipExtra(long lastTimestamp) {
        String t = lastTimestamp == Long.MIN_VALUE ? "0001-01-01T00:00:00Z" : DockerJson.timeString(lastTimestamp);
        return ("{\"lastTime\":\"" + t + "\"}").getBytes(StandardCharsets.US_ASCII);
    }

    /** The compression thread's state (null without {@code compress}); for tests. */
    RotatedCompressor compressor() {
        return file.compressor();
    }

    public JsonFileOptions options() {
        return options;
    }

    /** Bytes in the current file, including records not yet flushed. */
    public long size() {
        return file.size();
    }

    @Override
    public void write(LogRecord record) throws IOException {
        if (closed) {
            return;
        }
        final int len = record.length();
        if (len == 0) {
            return; // the host never sends empty records
        }
        long ts = record.timestampNanos();
        if (!timeValid || ts != timeNanos) {
            int n = DockerJson.formatTime(ts, time, 0);
            if (n < 0) {
                throw new IOException("record time " + ts + " ns is outside the years 0-9999 (RFC 3339)");
            }
            timeLen = n;
            timeNanos = ts;
            timeValid = true;
        }
        byte[] mid = record.stream() == LogStream.STDERR ? midStderr : midStdout;
        int need = LOG_KEY.length + DockerJson.maxLogLength(len) + mid.length + timeLen + 3;
        byte[] o;
        try {
            o = file.reserve(need);
        } catch (IOException e) {
            throw writeFailed(e);
        }
        int start = file.position();
        int p = start;
        System.arraycopy(LOG_KEY, 0, o, p, LOG_KEY.length);
        p += LOG_KEY.length;
        p = DockerJson.appendLog(record.data(), record.offset(), len, o, p);
        System.arraycopy(mid, 0, o, p, mid.length);
        p += mid.length;
        System.arraycopy(time, 0, o, p, timeLen);
        p += timeLen;
        o[p++] = '"';
        o[p++] = '}';
        o[p++] = '\n';
        int recLen = p - start;
        long maxSize = options.maxSize();
        long before = file.size();
        file.commit(p);
        if (maxSize > 0 && before > 0 && before + recLen > maxSize) {
            // The pending records before this one belong to the current file; this one starts the next.
            try {
                file.writePendingBefore(start);
            } catch (IOException e) {
                throw writeFailed(e);
            }
            rotate();
        }
        lastTimestamp = ts;
    }

    @Override
    public void flush() throws IOException {
        if (!closed) {
            try {
                file.writePending();
            } catch (IOException e) {
                throw writeFailed(e);
            }
        }
    }

    private IOException writeFailed(IOException e) {
        return new IOException("cannot write " + pathString + ": " + ErrnoText.of(e), e);
    }

    /**
     * Docker's rotation ({@link LogFile#rotate(int, long)}). Failures are warnings and leave the current file in place
     * (Docker would truncate it): writing goes on there and the next record tries again; the warning is given once
     * until a rotation works.
     */
    private void rotate() {
        try {
            file.rotate(options.maxFiles(), lastTimestamp);
        } catch (IOException e) {
            if (!rotationFailing) {
                warnings.accept("log driver json-file: cannot rotate " + pathString + ": " + ErrnoText.of(e)
                        + " (writing on to the current file)");
                rotationFailing = true;
            }
            return;
        }
        rotationFailing = false;
        lastTimestamp = Long.MIN_VALUE;
    }

    /** ctl reopen: start writing to whatever is at PATH now (created if missing), e.g. after an outside logrotate. */
    @Override
    public void reopen() throws IOException {
        if (closed) {
            return;
        }
        flush();
        file.reopen();
    }

    @Override
    public void sync() throws IOException {
        if (closed) {
            return;
        }
        flush();
        file.channel().force(true);
    }

    /** Flushes, closes the file, and waits for compressions in progress (so no temporary file is left behind). */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            flush();
        } finally {
            closed = true;
            file.close();
        }
    }
}
