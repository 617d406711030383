package io.conmonj.pluginc;

import com.sun.jna.Function;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import io.conmonj.plugin.LogDriverException;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A plugin loaded into this process (isolation=in-process): its shared object and the functions of
 * its descriptor ({@code struct conmon_log_plugin}, read through {@link AbiLayouts#DESCRIPTOR}).
 * Fields beyond the size the plugin reports are never read; {@code container_exited} is used when
 * the size covers it. The functions are kept as addresses, called through {@link PluginCalls}.
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
    final long init;
    final long write;
    final long flush;
    final long reopen; // 0 when the plugin has none
    final long close;
    final long containerExited; // 0 when the plugin has none or its descriptor predates it

    private CPluginLibrary(NativeLibrary library, String path, String name, long init, long write, long flush,
                           long reopen, long close, long containerExited) {
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
        PluginCalls.bind();
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
        long descriptor = PluginCalls.conmonj_plugin_entry(Pointer.nativeValue(entry));
        if (descriptor == 0) {
            throw error(path, ENTRY + "() returned NULL");
        }
        Pointer d = new Pointer(descriptor);
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
        long exited = size >= AbiLayouts.DESCRIPTOR.end("container_exited") ? function(d, AbiLayouts.D_EXITED) : 0;
        return new CPluginLibrary(library, path, name,
                required(path, d, AbiLayouts.D_INIT, "init"), required(path, d, AbiLayouts.D_WRITE, "write"),
                required(path, d, AbiLayouts.D_FLUSH, "flush"), function(d, AbiLayouts.D_REOPEN),
                required(path, d, AbiLayouts.D_CLOSE, "close"), exited);
    }

    /** A function pointer of the descriptor, 0 for NULL. */
    private static long function(Pointer descriptor, long offset) {
        return descriptor.getLong(offset);
    }

    private static long required(String path, Pointer descriptor, long offset, String field)
            throws LogDriverException {
        long f = function(descriptor, offset);
        if (f == 0) {
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

    @Override
    public String toString() {
        return "log plugin " + path + " (" + (name == null ? "unnamed" : name) + ", " + library.getName() + ")";
    }
}
