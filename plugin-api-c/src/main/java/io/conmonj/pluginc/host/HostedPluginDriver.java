package io.conmonj.pluginc.host;

import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogDriverException;
import io.conmonj.plugin.LogRecord;
import io.conmonj.plugin.LogStream;

import com.sun.jna.Memory;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One instance of a C plugin running in its own conmon-j-plugin-host process (the default
 * isolation). Records are collected in a native buffer and sent as one RECORDS frame per read of
 * container output (at {@link #flush()}, or once {@link Wire#BATCH} bytes are waiting), which the
 * host answers with one reply: one round trip per read, not per record.
 *
 * <p>Failures, as the in-process driver reports them: RETRY exhausted is an IOException for that
 * batch; FATAL disables the instance (later calls throw the same error without reaching the plugin,
 * close is still sent). A host that crashed, aborted, or outlived a deadline is gone: the error says
 * why (its FAULT frame, or the deadline this side enforced) and the instance is disabled; the other
 * drivers and the container are not touched.
 */
public final class HostedPluginDriver implements LogDriver {
    /** Per record in a RECORDS frame: stream, flags, timestamp, length. */
    private static final int RECORD_HEADER = 4 + 4 + 8 + 4;
    private static final int STDOUT = 1;
    private static final int STDERR = 2;
    private static final int PARTIAL = 1;
    /** Records start after the frame header and the flush flag and count. */
    private static final int BATCH_START = Wire.HEADER + 8;

    private final String path;
    private final PluginHostProcess host;
    /**
     * The RECORDS frame being built, on the heap: its 8-byte frame header, flush flag and count, then
     * the records. Encoded with plain array stores (the monitor runs C1 only, where they beat
     * native memory access by far) and copied into {@link #wire} once per batch.
     */
    private byte[] batch = new byte[64 * 1024];
    private int used = BATCH_START;   // bytes in batch
    private int count;                // records in batch
    private Memory wire;              // native copy of the frame for send(2), grows with batch
    private String disabled;
    private boolean closed;

    private HostedPluginDriver(String path, PluginHostProcess host) {
        this.path = path;
        this.host = host;
        this.wire = new Memory(batch.length);
    }

    /**
     * Starts the plugin host on the checked descriptor {@code pluginFd} (the caller closes it after
     * this returns), loads the plugin there and calls its init.
     */
    public static HostedPluginDriver open(String hostBinary, String path, int pluginFd, ContainerMetadata meta,
                                          List<String> argv, int retries, long callTimeoutMillis)
            throws LogDriverException {
        PluginHostProcess host;
        try {
            host = PluginHostProcess.start(hostBinary, path, pluginFd, callTimeoutMillis);
        } catch (IOException e) {
            throw new LogDriverException("log plugin " + path + ": cannot start the plugin host " + hostBinary + ": "
                    + e.getMessage(), e);
        }
        HostedPluginDriver d = new HostedPluginDriver(path, host);
        try {
            d.init(meta, argv, retries, callTimeoutMillis);
            return d;
        } catch (LogDriverException e) {
            d.release();
            throw e;
        }
    }

    private void init(ContainerMetadata meta, List<String> argv, int retries, long callTimeoutMillis)
            throws LogDriverException {
        Encoder e = new Encoder();
        e.u32(retries).u32((int) callTimeoutMillis);
        e.str(meta.id() == null ? "" : meta.id()).str(meta.name()).str(meta.tag()).str(meta.image());
        e.pairs(meta.labels()).pairs(meta.env());
        e.u32(argv.size());
        for (String a : argv) {
            e.str(a);
        }
        Wire.Reply r;
        try {
            byte[] payload = e.toByteArray();
            Memory native_ = new Memory(Math.max(1, payload.length));
            native_.write(0, payload, 0, payload.length);
            try {
                r = host.call(Wire.INIT, native_, payload.length, "init");
            } finally {
                native_.close();
            }
        } catch (IOException x) {
            throw new LogDriverException("log plugin " + path + ": " + x.getMessage(), x);
        }
        switch (r.outcome()) {
            case Wire.OK -> {
            }
            case Wire.LOAD_ERROR -> throw new LogDriverException(r.message());
            case Wire.RETRY_EXHAUSTED -> throw new LogDriverException("log plugin " + path + ": init still failing after "
                    + r.attempts() + " attempts: " + message(r, "init"));
            default -> throw new LogDriverException("log plugin " + path + ": " + message(r, "init"));
        }
    }

    private static String message(Wire.Reply r, String call) {
        if (!r.message().isEmpty()) {
            return r.message();
        }
        String what = switch (r.status()) {
            case 1 -> "RETRY";
            case 2 -> "FATAL";
            default -> "unknown status " + r.status();
        };
        return call + " returned " + what + " without a message";
    }

    @Override
    public void write(LogRecord rec) throws IOException {
        check("write");
        if (rec.length() > Wire.MAX - BATCH_START - RECORD_HEADER) {
            throw new IOException("log plugin " + path + ": a record of " + rec.length() + " bytes is beyond the plugin"
                    + " host's frame limit");
        }
        if (count > 0 && (long) used + RECORD_HEADER + rec.length() > Wire.BATCH) {
            send(false); // the batch is cut at BATCH bytes, so it never grows past BATCH + one record
        }
        int need = used + RECORD_HEADER + rec.length();
        if (need > batch.length) {
            batch = java.util.Arrays.copyOf(batch, Math.max(need, Math.min(batch.length * 2, Wire.BATCH + RECORD_HEADER)));
        }
        byte[] b = batch;
        int at = used;
        putInt(b, at, rec.stream() == LogStream.STDERR ? STDERR : STDOUT);
        putInt(b, at + 4, rec.partial() ? PARTIAL : 0);
        long ts = rec.timestampNanos();
        putInt(b, at + 8, LITTLE_ENDIAN ? (int) ts : (int) (ts >>> 32));
        putInt(b, at + 12, LITTLE_ENDIAN ? (int) (ts >>> 32) : (int) ts);
        putInt(b, at + 16, rec.length());
        System.arraycopy(rec.data(), rec.offset(), b, at + RECORD_HEADER, rec.length());
        used = need;
        count++;
        if (used >= Wire.BATCH) {
            send(false);
        }
    }

    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    /** An int in the machine's byte order (the frames' order), by plain array stores. */
    private static void putInt(byte[] b, int at, int v) {
        if (LITTLE_ENDIAN) {
            b[at] = (byte) v;
            b[at + 1] = (byte) (v >>> 8);
            b[at + 2] = (byte) (v >>> 16);
            b[at + 3] = (byte) (v >>> 24);
        } else {
            b[at] = (byte) (v >>> 24);
            b[at + 1] = (byte) (v >>> 16);
            b[at + 2] = (byte) (v >>> 8);
            b[at + 3] = (byte) v;
        }
    }

    @Override
    public void flush() throws IOException {
        check("flush");
        if (count > 0) {
            send(true);
        } else {
            answer(call(Wire.FLUSH, 0, "flush"), "flush");
        }
    }

    /** One RECORDS frame of what is batched, with the flush flag; the batch is empty afterwards, whatever happens. */
    private void send(boolean flush) throws IOException {
        putInt(batch, 0, Wire.RECORDS);
        putInt(batch, 4, used - Wire.HEADER);
        putInt(batch, 8, flush ? 1 : 0);
        putInt(batch, 12, count);
        int length = used;
        used = BATCH_START;
        count = 0;
        if (wire.size() < length) {
            Memory grown = new Memory(Math.max(length, wire.size() * 2));
            wire.close();
            wire = grown;
        }
        wire.write(0, batch, 0, length);
        Wire.Reply r;
        try {
            r = host.callFramed(wire, length, "write");
        } catch (PluginHostProcess.HostEnded e) {
            throw ended(e);
        }
        answer(r, "write");
    }

    @Override
    public void reopen() throws IOException {
        check("reopen");
        flushPending();
        answer(call(Wire.REOPEN, 0, "reopen"), "reopen");
    }

    private void flushPending() throws IOException {
        if (count > 0) {
            send(false);
        }
    }

    @Override
    public void containerExited() {
        host.containerExited();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IOException first = null;
        try {
            if (disabled == null && count > 0) {
                try {
                    send(false); // what was written since the last flush
                } catch (IOException e) {
                    first = e;
                }
            }
            if (host.ended() == null) {
                String before = disabled;
                try {
                    answer(call(Wire.CLOSE, 0, "close"), "close");
                } catch (IOException e) {
                    boolean hostGone = e.getCause() instanceof PluginHostProcess.HostEnded;
                    if (first == null && !(hostGone && before != null)) {
                        first = e; // the plugin's close failed, or a host that was fine until now ended
                    }
                }
            }
        } finally {
            release();
        }
        if (first != null) {
            throw first;
        }
    }

    private void release() {
        host.close();
        wire.close();
    }

    private void check(String call) throws IOException {
        if (closed) {
            throw new IOException("log plugin " + path + ": " + call + " after close");
        }
        if (disabled != null) {
            throw new IOException("log plugin " + path + " is disabled after an earlier error: " + disabled);
        }
    }

    /** One frame to the host; a host that is gone disables this instance, the error says why. */
    private Wire.Reply call(int type, long length, String what) throws IOException {
        try {
            return host.call(type, wire, length, what);
        } catch (PluginHostProcess.HostEnded e) {
            throw ended(e);
        }
    }

    /** The host is gone: this instance is disabled, the error says why. */
    private IOException ended(PluginHostProcess.HostEnded e) {
        if (disabled == null) {
            disabled = e.getMessage();
        }
        return new IOException("log plugin " + path + ": " + e.getMessage(), e);
    }

    private void answer(Wire.Reply r, String call) throws IOException {
        String name = Wire.callName(r.call());
        switch (r.outcome()) {
            case Wire.OK -> {
            }
            case Wire.RETRY_EXHAUSTED -> throw new IOException("log plugin " + path + ": " + name + " still failing after "
                    + r.attempts() + " attempts: " + message(r, name));
            default -> {
                disabled = name + ": " + message(r, name);
                throw new IOException("log plugin " + path + ": " + disabled);
            }
        }
    }

    /** The plugin host's pid (for tests). */
    int hostPid() {
        return host.pid();
    }

    /** INIT payload builder: u32s and length-prefixed strings, sized first, then written. */
    private static final class Encoder {
        private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        private final java.nio.ByteBuffer four = java.nio.ByteBuffer.allocate(4).order(ByteOrder.nativeOrder());

        Encoder u32(int v) {
            four.clear();
            four.putInt(v);
            out.write(four.array(), 0, 4);
            return this;
        }

        Encoder str(String s) {
            if (s == null) {
                return u32(Wire.NULL_STRING);
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u32(b.length);
            out.write(b, 0, b.length);
            return this;
        }

        Encoder pairs(Map<String, String> map) {
            Map<String, String> sorted = new TreeMap<>(map);
            u32(sorted.size());
            sorted.forEach((k, v) -> str(k + "=" + v));
            return this;
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }
}
