package io.conmonj.pluginc;

import com.sun.jna.Function;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import io.conmonj.plugin.LogDriverException;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A plugin loaded into this process (isolation=in-process): its shared object and the functions of
 * its descriptor ({@code struct conmon_log_plugin}, read through {@link AbiLayouts#DESCRIPTOR}).
 * Fields beyond the size the plugin reports are never read; {@code container_exited} is used when
 * the size covers it.
 *
 * <p>Loaded through {@code /proc/self/fd/N} of the {@link PluginFile} that was checked, so nothing
 * can be swapped in between. That descriptor stays open for the life of the process, like the
 * library: the dynamic loader knows a library by the name it was opened with, and an fd number
 * in use cannot name another file. A library is never dlclose()d (a plugin may have started
 * threads or registered atexit handlers) and is loaded once per file (device and inode) however
 * many drivers use it.
 */
final class CPluginLibrary {

    static final int ABI_VERSION = 1;
    static final String ENTRY = "conmon_log_plugin_entry";

    private static final Map<String, CPluginLibrary> LOADED = new ConcurrentHashMap<>();

    /**
     * Held for the life of the process: JNA dlclose()s a NativeLibrary once it becomes
     * unreachable, which would unmap the functions below under a running driver.
     */
    private final NativeLibrary library;
    final String path;
    final String name;
    final Function init;
    final Function write;
    final Function flush;
    final Function reopen; // null when the plugin has none
    final Function close;
    final Function containerExited; // null when the plugin has none or its descriptor predates it
    private volatile MethodHandle writeHandle;
    private final AtomicBoolean preparing = new AtomicBoolean();

    private CPluginLibrary(NativeLibrary library, String path, String name, Function init, Function write, Function flush,
                           Function reopen, Function close, Function containerExited) {
        this.library = library;
        this.path = path;
        this.name = name;
        this.init = init;
        this.write = write;
        this.flush = flush;
        this.reopen = reopen;
        this.close = close;
        this.containerExited = containerExited;
    }

    /** Loads the checked file (once per device and inode); takes over the file's descriptor. */
    static CPluginLibrary load(PluginFile file) throws LogDriverException {
        String key = file.dev + ":" + file.ino;
        synchronized (LOADED) {
            CPluginLibrary loaded = LOADED.get(key);
            if (loaded != null) {
                file.close();
                return loaded;
            }
            try {
                loaded = doLoad(file);
            } catch (LogDriverException | RuntimeException e) {
                file.close();
                throw e;
            }
            LOADED.put(key, loaded); // the file stays open: see the class comment
            return loaded;
        }
    }

    private static LogDriverException error(String path, String what) {
        return new LogDriverException("log plugin " + path + ": " + what);
    }

    private static CPluginLibrary doLoad(PluginFile file) throws LogDriverException {
        String path = file.path;
        if (!Platform.isLinux() || Native.POINTER_SIZE != 8 || Native.SIZE_T_SIZE != 8) {
            throw new LogDriverException("cannot open log plugin " + path
                    + ": C log plugins need 64-bit Linux (LP64)");
        }
        NativeLibrary library;
        String proc = file.procPath();
        try {
            library = NativeLibrary.getInstance(proc);
        } catch (UnsatisfiedLinkError e) {
            throw new LogDriverException("cannot open log plugin " + path + ": "
                    + dlerror(e.getMessage(), proc).replace(proc, path), e);
        }
        try {
            return describe(library, path);
        } catch (LogDriverException | RuntimeException e) {
            // unload what failed: the loader knows a library by its /proc/self/fd/N name, which the
            // next plugin opened at the same descriptor number must not find taken
            library.close();
            throw e;
        }
    }

    private static CPluginLibrary describe(NativeLibrary library, String path) throws LogDriverException {
        Function entry;
        try {
            entry = library.getFunction(ENTRY);
        } catch (UnsatisfiedLinkError e) {
            throw error(path, "does not export " + ENTRY + "() (is it a conmon-j log plugin built with"
                    + " conmon_log_plugin.h?)");
        }
        Pointer d = entry.invokePointer(new Object[0]);
        if (d == null) {
            throw error(path, ENTRY + "() returned NULL");
        }
        long size = d.getLong(AbiLayouts.D_SIZE);
        if (size < AbiLayouts.D_ABI + 4) {
            throw error(path, "its descriptor is " + size + " bytes long, too short to hold an ABI version");
        }
        int abi = d.getInt(AbiLayouts.D_ABI);
        if (abi != ABI_VERSION) {
            throw new LogDriverException("log plugin " + path + " speaks ABI " + Integer.toUnsignedString(abi)
                    + ", conmon-j speaks " + ABI_VERSION);
        }
        if (size < AbiLayouts.DESCRIPTOR_SIZE_V1) {
            throw error(path, "its descriptor is " + size + " bytes long, ABI " + ABI_VERSION + " needs "
                    + AbiLayouts.DESCRIPTOR_SIZE_V1);
        }
        Pointer namePtr = d.getPointer(AbiLayouts.D_NAME);
        String name = namePtr == null ? null : namePtr.getString(0, "UTF-8");
        Function exited = size >= AbiLayouts.end(AbiLayouts.DESCRIPTOR, "container_exited")
                ? function(d, AbiLayouts.D_EXITED) : null;
        return new CPluginLibrary(library, path, name,
                required(path, d, AbiLayouts.D_INIT, "init"), required(path, d, AbiLayouts.D_WRITE, "write"),
                required(path, d, AbiLayouts.D_FLUSH, "flush"), function(d, AbiLayouts.D_REOPEN),
                required(path, d, AbiLayouts.D_CLOSE, "close"), exited);
    }

    private static Function function(Pointer descriptor, long offset) {
        Pointer p = descriptor.getPointer(offset);
        return p == null ? null : Function.getFunction(p);
    }

    private static Function required(String path, Pointer descriptor, long offset, String field)
            throws LogDriverException {
        Function f = function(descriptor, offset);
        if (f == null) {
            throw error(path, "its descriptor has no " + field + " function (NULL)");
        }
        return f;
    }

    /**
     * The dlerror() text out of JNA's message, which lists every name it tried, e.g.
     * "Unable to load library '/x.so':\n/x.so: invalid ELF header\n...".
     *
     * <p>JNA forks {@code /sbin/ldconfig -p} once per process unless the system property
     * {@code jna.platform.library.path} is set (the monitor's jvm.options sets it); loading by
     * absolute path needs no search path.
     */
    static String dlerror(String message, String path) {
        if (message == null) {
            return "unknown error";
        }
        for (String line : message.split("\n")) {
            String l = line.strip();
            if (l.startsWith(path + ":")) {
                return l;
            }
        }
        String first = message.strip();
        int nl = first.indexOf('\n');
        return nl < 0 ? first : first.substring(0, nl).strip();
    }

    /**
     * {@code write} as a java.lang.foreign downcall, {@code int (void *, const struct
     * conmon_log_record *, char *, size_t)}, once {@link #prepareWriteHandle} has made it:
     * ≈ 20–300 ns a call against ≈ 600 ns through JNA's {@link Function#invokeInt}, but the
     * first downcall handle of a process costs ≈ 35 ms of CPU (≈ 100 ms with the monitor's
     * C1-only flags). Null until ready.
     */
    MethodHandle readyWriteHandle() {
        return writeHandle;
    }

    /**
     * Makes the downcall handle for write, once per library: on the calling thread, or on a
     * short-lived daemon thread so that no call waits for it. A failure leaves write on JNA.
     */
    void prepareWriteHandle(boolean background) {
        if (!preparing.compareAndSet(false, true)) {
            return;
        }
        Runnable make = () -> {
            try {
                writeHandle = Linker.nativeLinker().downcallHandle(MemorySegment.ofAddress(Pointer.nativeValue(write)),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                                ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
            } catch (RuntimeException | Error e) {
                // no native access for java.lang.foreign, or an unsupported platform: JNA it is
            }
        };
        if (background) {
            Thread.ofPlatform().daemon().name("c-plugin-downcall").start(make);
        } else {
            make.run();
        }
    }

    @Override
    public String toString() {
        return "log plugin " + path + " (" + (name == null ? "unnamed" : name) + ", " + library.getName() + ")";
    }
}
