package io.conmonj.pluginc;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.StringArray;
import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogDriverException;
import io.conmonj.plugin.LogRecord;
import io.conmonj.plugin.LogStream;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One instance of a C plugin (one {@code init} handle) as a {@link LogDriver}.
 *
 * <p>Calls go through {@link PluginCalls}: JNA direct mapping with the plugin's function pointer and the native
 * memory below passed as addresses, so a record costs one direct-mapped call (plugin-api-c/README.md, "In process").
 *
 * <p>Native memory, allocated once per driver and reused for every call (the host calls a
 * driver from one thread at a time, so no locking):
 * <ul>
 *   <li>{@code writeCall}: the block write is called with ({@link PluginCalls#WRITE_CALL}): the plugin's
 *       write, handle and error buffer, and {@code struct conmon_log_record} ({@link AbiLayouts#RECORD}), whose
 *       fields are written in one go per record;</li>
 *   <li>{@code data}: the record's bytes, copied from the {@link LogRecord}; grows to the
 *       largest record seen (a power of two, from 64 KiB);</li>
 *   <li>{@code errbuf}: the plugin's error message buffer, {@value #ERRLEN} bytes, set to ""
 *       before each call (by {@link PluginCalls}).</li>
 * </ul>
 * {@code struct conmon_log_container} ({@link AbiLayouts#CONTAINER}) and argv exist only during
 * {@code init}.
 *
 * <p>This is the in-process mode (isolation=in-process, the administrator's choice for trusted
 * plugins): no deadline applies, and a crash of the plugin is a crash of the monitor.
 *
 * <p>Status handling (see conmon_log_plugin.h, ERRORS): RETRY is retried here with back-off,
 * then becomes an {@link IOException}; FATAL (or an unknown value) becomes an
 * {@link IOException} and disables the instance: later write/flush/reopen calls throw the
 * same error again without calling the plugin, and {@link #close()} still calls its close.
 */
final class CPluginDriver implements LogDriver {

    static final int OK = 0;
    static final int RETRY = 1;
    static final int FATAL = 2;

    static final int ERRLEN = 1024;
    static final long RECORD_SIZE = AbiLayouts.RECORD.size();
    static final long CONTAINER_SIZE = AbiLayouts.CONTAINER.size();
    static final int PARTIAL = 0x1;
    static final int STDOUT = 1;
    static final int STDERR = 2;
    private static final long MAX_BACKOFF_MS = 250;
    /** The plugin functions {@link #call} makes. */
    private static final int WRITE = 0, FLUSH = 1, REOPEN = 2, CLOSE = 3;
    /** Where the record is in the write call block. */
    private static final long RECORD_AT = PluginCalls.WRITE_CALL.offset("record");
    /**
     * The record's fields from stream to length change with every record and are stored with one copy: where
     * that run starts in the block, and where each field is in it.
     */
    private static final long FIELDS_AT = RECORD_AT + AbiLayouts.R_STREAM;
    private static final int F_STREAM = 0;
    private static final int F_FLAGS = (int) (AbiLayouts.R_FLAGS - AbiLayouts.R_STREAM);
    private static final int F_TIMESTAMP = (int) (AbiLayouts.R_TIMESTAMP - AbiLayouts.R_STREAM);
    private static final int F_DATA = (int) (AbiLayouts.R_DATA - AbiLayouts.R_STREAM);
    private static final int F_LENGTH = (int) (AbiLayouts.R_LENGTH - AbiLayouts.R_STREAM);
    private static final int FIELDS_SIZE = F_LENGTH + Long.BYTES;

    private final CPluginLibrary plugin;
    private final int retries;
    private final Memory errbuf = new Memory(ERRLEN);
    private final Memory writeCall = new Memory(PluginCalls.WRITE_CALL.size());
    private Memory data;
    /** The record's fields from stream to length, as they are copied into {@link #writeCall} per record. */
    private final ByteBuffer fields = ByteBuffer.allocate(FIELDS_SIZE).order(ByteOrder.nativeOrder());
    // the addresses the calls take
    private final long handle;
    private final long writeCallAddress;
    private final long errbufAddress;
    private String disabled; // the message of the FATAL that disabled this instance
    private volatile boolean closed;
    private volatile boolean exitedCalled;

    private CPluginDriver(CPluginLibrary plugin, Pointer handle, int retries) {
        this.plugin = plugin;
        this.handle = Pointer.nativeValue(handle);
        this.retries = retries;
        this.data = new Memory(64 * 1024);
        this.errbufAddress = Pointer.nativeValue(errbuf);
        writeCall.clear();
        writeCall.setLong(PluginCalls.WRITE_CALL.offset("write"), plugin.write);
        writeCall.setLong(PluginCalls.WRITE_CALL.offset("handle"), this.handle);
        writeCall.setLong(PluginCalls.WRITE_CALL.offset("errbuf"), errbufAddress);
        writeCall.setLong(PluginCalls.WRITE_CALL.offset("errlen"), ERRLEN);
        writeCall.setLong(RECORD_AT + AbiLayouts.R_SIZE, RECORD_SIZE);
        this.writeCallAddress = Pointer.nativeValue(writeCall);
    }

    /** Calls the plugin's init; a FATAL status (or exhausted RETRYs) is a {@link LogDriverException}. */
    static CPluginDriver open(CPluginLibrary plugin, ContainerMetadata meta, List<String> argv, int retries)
            throws LogDriverException {
        StringArray argvMem = new StringArray(argv.toArray(new String[0]), "UTF-8");
        StringArray labels = keyValues(meta.labels());
        StringArray env = keyValues(meta.env());
        Memory strings = null;
        Memory container = new Memory(CONTAINER_SIZE);
        Memory handleOut = new Memory(8);
        Memory errbuf = new Memory(ERRLEN);
        try {
            container.setLong(AbiLayouts.C_SIZE, CONTAINER_SIZE);
            String id = Objects.requireNonNullElse(meta.id(), "");
            StringArray fields = new StringArray(new String[] {id, meta.name(), meta.tag(), meta.image()}, "UTF-8");
            // StringArray holds NULL for a null string, which is what the struct wants
            long[] offsets = {AbiLayouts.C_ID, AbiLayouts.C_NAME, AbiLayouts.C_TAG, AbiLayouts.C_IMAGE};
            for (int i = 0; i < offsets.length; i++) {
                container.setPointer(offsets[i], fields.getPointer((long) Native.POINTER_SIZE * i));
            }
            strings = fields;
            container.setPointer(AbiLayouts.C_LABELS, labels);
            container.setPointer(AbiLayouts.C_ENV, env);
            long backoff = 1;
            for (int attempt = 0; ; attempt++) {
                handleOut.setPointer(0, null);
                int status = PluginCalls.conmonj_plugin_init(plugin.init, argv.size(), argvMem, container, handleOut,
                        errbuf, ERRLEN);
                if (status == OK) {
                    return new CPluginDriver(plugin, handleOut.getPointer(0), retries);
                }
                String message = message(errbuf, "init", status);
                if (status == RETRY && attempt < retries) {
                    sleep(backoff);
                    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
                    continue;
                }
                if (status == RETRY) {
                    throw new LogDriverException("log plugin " + plugin.path + ": init still failing after "
                            + (attempt + 1) + " attempts: " + message);
                }
                throw new LogDriverException("log plugin " + plugin.path + ": " + message);
            }
        } catch (InterruptedIOException e) {
            throw new LogDriverException("log plugin " + plugin.path + ": interrupted while retrying init", e);
        } finally {
            Reference.reachabilityFence(argvMem);
            Reference.reachabilityFence(labels);
            Reference.reachabilityFence(env);
            Reference.reachabilityFence(strings);
            argvMem.close();
            labels.close();
            env.close();
            if (strings != null) {
                strings.close();
            }
            container.close();
            handleOut.close();
            errbuf.close();
        }
    }

    private static StringArray keyValues(Map<String, String> map) {
        String[] kv = new TreeMap<>(map).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        return new StringArray(kv, "UTF-8");
    }

    /** The plugin's message, one line, or a description of the status when it left none. */
    private static String message(Memory errbuf, String call, int status) {
        errbuf.setByte(ERRLEN - 1, (byte) 0);
        String m = errbuf.getString(0, "UTF-8").strip().replaceAll("[\\r\\n]+", " ");
        if (!m.isEmpty()) {
            return m;
        }
        String what = switch (status) {
            case RETRY -> "RETRY";
            case FATAL -> "FATAL";
            default -> "unknown status " + status;
        };
        return call + " returned " + what + " without a message";
    }

    private static void sleep(long ms) throws InterruptedIOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while backing off");
        }
    }

    @Override
    public void write(LogRecord rec) throws IOException {
        check("write");
        int length = rec.length();
        if (length > data.size()) {
            data.close();
            data = new Memory(Math.max(Long.highestOneBit(length - 1L) << 1, 64 * 1024));
        }
        if (length > 0) {
            data.write(0, rec.data(), rec.offset(), length);
        }
        ByteBuffer f = fields;
        f.putInt(F_STREAM, rec.stream() == LogStream.STDERR ? STDERR : STDOUT);
        f.putInt(F_FLAGS, rec.partial() ? PARTIAL : 0);
        f.putLong(F_TIMESTAMP, rec.timestampNanos());
        f.putLong(F_DATA, Pointer.nativeValue(data));
        f.putLong(F_LENGTH, length);
        writeCall.write(FIELDS_AT, f.array(), 0, FIELDS_SIZE);
        call("write", WRITE);
    }

    @Override
    public void flush() throws IOException {
        check("flush");
        call("flush", FLUSH);
    }

    @Override
    public void reopen() throws IOException {
        check("reopen");
        if (plugin.reopen != 0) {
            call("reopen", REOPEN);
        }
    }

    /** Passes the exit on to the plugin's container_exited, when it has one (thread-safe by the ABI). */
    @Override
    public void containerExited() {
        if (plugin.containerExited != 0 && !closed && !exitedCalled) {
            exitedCalled = true;
            PluginCalls.conmonj_plugin_container_exited(plugin.containerExited, handle);
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            int status = invoke(CLOSE);
            if (status != OK) {
                throw new IOException("log plugin " + plugin.path + ": close: " + message(errbuf, "close", status));
            }
        } finally {
            writeCall.close();
            data.close();
            errbuf.close();
        }
    }

    private void check(String call) throws IOException {
        if (closed) {
            throw new IOException("log plugin " + plugin.path + ": " + call + " after close");
        }
        if (disabled != null) {
            throw new IOException("log plugin " + plugin.path + " is disabled after an earlier error: " + disabled);
        }
    }

    /** One call of the plugin's function {@code which}: its status. */
    private int invoke(int which) {
        return switch (which) {
            case WRITE -> PluginCalls.conmonj_plugin_write(writeCallAddress);
            case FLUSH -> PluginCalls.conmonj_plugin_call(plugin.flush, handle, errbufAddress, ERRLEN);
            case REOPEN -> PluginCalls.conmonj_plugin_call(plugin.reopen, handle, errbufAddress, ERRLEN);
            default -> PluginCalls.conmonj_plugin_call(plugin.close, handle, errbufAddress, ERRLEN);
        };
    }

    /** Calls the plugin's function {@code which}, retrying RETRY. */
    private void call(String name, int which) throws IOException {
        long backoff = 1;
        for (int attempt = 0; ; attempt++) {
            int status = invoke(which);
            if (status == OK) {
                return;
            }
            String message = message(errbuf, name, status);
            if (status == RETRY) {
                if (attempt < retries) {
                    sleep(backoff);
                    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
                    continue;
                }
                throw new IOException("log plugin " + plugin.path + ": " + name + " still failing after "
                        + (attempt + 1) + " attempts: " + message);
            }
            disabled = name + ": " + message;
            throw new IOException("log plugin " + plugin.path + ": " + disabled);
        }
    }
}
