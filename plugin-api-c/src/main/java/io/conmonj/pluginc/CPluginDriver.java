package io.conmonj.pluginc;

import com.sun.jna.Function;
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
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.ref.Reference;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One instance of a C plugin (one {@code init} handle) as a {@link LogDriver}.
 *
 * <p>Calls go through JNA {@link Function}s, except {@code write} once a driver has written
 * {@code ffmAfter} records (system property {@value CPluginProvider#FFM_AFTER_PROPERTY}, default
 * {@value CPluginProvider#DEFAULT_FFM_AFTER}; 0: from the start; negative: never): then a
 * daemon thread makes a java.lang.foreign downcall handle on the plugin's write pointer and,
 * once it is ready, write goes through it (≈ 20–300 ns a call instead of ≈ 600 ns). A
 * container that logs little never pays the handle's one-time cost (≈ 100 ms of CPU with the
 * monitor's flags); one that logs a lot switches after a few milliseconds of output. Both
 * need native access, which the monitor's jar manifest grants
 * ({@code Enable-Native-Access: ALL-UNNAMED}).
 *
 * <p>Native memory, allocated once per driver and reused for every call (the host calls a
 * driver from one thread at a time, so no locking):
 * <ul>
 *   <li>{@code record}: {@code struct conmon_log_record} ({@link AbiLayouts#RECORD});</li>
 *   <li>{@code data}: the record's bytes, copied from the {@link LogRecord}; grows to the
 *       largest record seen (a power of two, from 64 KiB);</li>
 *   <li>{@code errbuf}: the plugin's error message buffer, {@value #ERRLEN} bytes, set to ""
 *       before each call;</li>
 *   <li>the JNA argument arrays of write/flush/reopen/close, built once.</li>
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
    static final long RECORD_SIZE = AbiLayouts.RECORD.byteSize();
    static final long CONTAINER_SIZE = AbiLayouts.CONTAINER.byteSize();
    static final int PARTIAL = 0x1;
    static final int STDOUT = 1;
    static final int STDERR = 2;
    private static final long MAX_BACKOFF_MS = 250;

    private final CPluginLibrary plugin;
    private final int retries;
    private final Memory errbuf = new Memory(ERRLEN);
    private final Memory record = new Memory(RECORD_SIZE);
    private Memory data;
    // java.lang.foreign views of the same memory, for the write path
    private final MemorySegment recordSeg;
    private final MemorySegment errbufSeg;
    private final MemorySegment handleSeg;
    private MemorySegment dataSeg;
    private MethodHandle writeHandle; // java.lang.foreign, once the library has it
    private final Object[] writeArgs; // JNA, until then
    private final long ffmAfter;
    private long writes;
    private final Pointer handle;
    private final Object[] callArgs;
    private String disabled; // the message of the FATAL that disabled this instance
    private volatile boolean closed;
    private volatile boolean exitedCalled;

    private CPluginDriver(CPluginLibrary plugin, Pointer handle, int retries, long ffmAfter) {
        this.plugin = plugin;
        this.ffmAfter = ffmAfter;
        this.handle = handle;
        this.retries = retries;
        this.data = new Memory(64 * 1024);
        record.clear();
        record.setLong(AbiLayouts.R_SIZE, RECORD_SIZE);
        record.setPointer(AbiLayouts.R_DATA, data);
        this.recordSeg = view(record);
        this.errbufSeg = view(errbuf);
        this.dataSeg = view(data);
        this.handleSeg = handle == null ? MemorySegment.NULL : MemorySegment.ofAddress(Pointer.nativeValue(handle));
        Long errlen = (long) ERRLEN;
        this.writeArgs = new Object[] {handle, record, errbuf, errlen};
        if (ffmAfter == 0) {
            plugin.prepareWriteHandle(false);
            this.writeHandle = plugin.readyWriteHandle();
        }
        this.callArgs = new Object[] {handle, errbuf, errlen};
    }

    /** Calls the plugin's init; a FATAL status (or exhausted RETRYs) is a {@link LogDriverException}. */
    static CPluginDriver open(CPluginLibrary plugin, ContainerMetadata meta, List<String> argv, int retries,
                              long ffmAfter) throws LogDriverException {
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
            for (int i = 0; i < 4; i++) {
                // id, name, tag, image follow each other in the struct
                container.setPointer(AbiLayouts.C_ID + (long) Native.POINTER_SIZE * i,
                        fields.getPointer((long) Native.POINTER_SIZE * i));
            }
            strings = fields;
            container.setPointer(AbiLayouts.C_LABELS, labels);
            container.setPointer(AbiLayouts.C_ENV, env);
            Object[] args = {argv.size(), argvMem, container, handleOut, errbuf, (long) ERRLEN};
            long backoff = 1;
            for (int attempt = 0; ; attempt++) {
                errbuf.setByte(0, (byte) 0);
                handleOut.setPointer(0, null);
                int status = plugin.init.invokeInt(args);
                if (status == OK) {
                    return new CPluginDriver(plugin, handleOut.getPointer(0), retries, ffmAfter);
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

    private static MemorySegment view(Memory m) {
        return MemorySegment.ofAddress(Pointer.nativeValue(m)).reinterpret(m.size());
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
        if (writeHandle == null && ffmAfter > 0 && ++writes >= ffmAfter) {
            plugin.prepareWriteHandle(true); // once per library; then ready a little later
            writeHandle = plugin.readyWriteHandle();
        }
        int length = rec.length();
        if (length > dataSeg.byteSize()) {
            data.close();
            data = new Memory(Math.max(Long.highestOneBit(length - 1L) << 1, 64 * 1024));
            dataSeg = view(data);
            recordSeg.set(ValueLayout.ADDRESS, AbiLayouts.R_DATA, dataSeg);
        }
        MemorySegment.copy(rec.data(), rec.offset(), dataSeg, ValueLayout.JAVA_BYTE, 0, length);
        recordSeg.set(ValueLayout.JAVA_INT, AbiLayouts.R_STREAM, rec.stream() == LogStream.STDERR ? STDERR : STDOUT);
        recordSeg.set(ValueLayout.JAVA_INT, AbiLayouts.R_FLAGS, rec.partial() ? PARTIAL : 0);
        recordSeg.set(ValueLayout.JAVA_LONG, AbiLayouts.R_TIMESTAMP, rec.timestampNanos());
        recordSeg.set(ValueLayout.JAVA_LONG, AbiLayouts.R_LENGTH, length);
        if (writeHandle != null) {
            call("write", null, null);
        } else {
            call("write", plugin.write, writeArgs);
        }
    }

    @Override
    public void flush() throws IOException {
        check("flush");
        call("flush", plugin.flush, callArgs);
    }

    @Override
    public void reopen() throws IOException {
        check("reopen");
        if (plugin.reopen != null) {
            call("reopen", plugin.reopen, callArgs);
        }
    }

    /** Passes the exit on to the plugin's container_exited, when it has one (thread-safe by the ABI). */
    @Override
    public void containerExited() {
        if (plugin.containerExited != null && !closed && !exitedCalled) {
            exitedCalled = true;
            plugin.containerExited.invokeVoid(new Object[] {handle});
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            errbuf.setByte(0, (byte) 0);
            int status = plugin.close.invokeInt(callArgs);
            if (status != OK) {
                throw new IOException("log plugin " + plugin.path + ": close: " + message(errbuf, "close", status));
            }
        } finally {
            record.close();
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

    private int nativeWrite() {
        try {
            return (int) writeHandle.invokeExact(handleSeg, recordSeg, errbufSeg, (long) ERRLEN);
        } catch (Throwable t) {
            throw new IllegalStateException("calling log plugin " + plugin.path + ": write", t);
        }
    }

    /** Calls f with args (null, null: the plugin's write, through java.lang.foreign), retrying RETRY. */
    private void call(String name, Function f, Object[] args) throws IOException {
        long backoff = 1;
        for (int attempt = 0; ; attempt++) {
            errbufSeg.set(ValueLayout.JAVA_BYTE, 0, (byte) 0);
            int status = f == null ? nativeWrite() : f.invokeInt(args);
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

    /** Whether write goes through java.lang.foreign by now (for tests). */
    boolean writesThroughFfm() {
        return writeHandle != null;
    }

    /** The plugin's handle (for tests). */
    Pointer handle() {
        return handle;
    }
}
