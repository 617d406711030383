package io.conmonj.pluginc;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import io.conmonj.plugin.LogDriverException;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The in-process driver's calls into a plugin, bound with JNA direct mapping (the project's one binding technology,
 * docs/design.md "Native layer") to {@code lib/native/libconmonj-plugin-call.so} of the install tree
 * (src/main/c/call/plugin-call.c). A plugin's functions are pointers in its descriptor, not symbols, so each call
 * takes the plugin's function pointer as its first argument and the library calls through it. Pointers are passed as
 * {@code long} addresses: a direct-mapped call with primitive arguments is the cheapest JNA makes (one per record).
 *
 * <p>The library comes from the install tree ({@code conmonj.root}, set by the launcher), like JNA's own dispatch
 * library: it is the administrator's, as the monitor is.
 */
final class PluginCalls {
    private PluginCalls() {
    }

    static final String LIBRARY = "lib/native/libconmonj-plugin-call.so";
    private static boolean registered;

    /** Binds the methods below, once per process; a missing or broken library is the driver's error. */
    static synchronized void bind() throws LogDriverException {
        if (registered) {
            return;
        }
        String root = System.getProperty(CPluginProvider.ROOT_PROPERTY);
        Path library = Path.of(root == null ? "." : root).toAbsolutePath().resolve(LIBRARY);
        if (!Files.isRegularFile(library)) {
            throw new LogDriverException("the plugin call library " + library + " is missing (isolation="
                    + CPluginProvider.ISOLATION_IN_PROCESS + " needs it)");
        }
        try {
            Native.register(PluginCalls.class, NativeLibrary.getInstance(library.toString()));
        } catch (UnsatisfiedLinkError e) {
            throw new LogDriverException("cannot load the plugin call library " + library + ": " + e.getMessage(), e);
        }
        registered = true;
    }

    /** {@code entry()}: the plugin's descriptor, 0 for NULL. */
    static native long conmonj_plugin_entry(long entry);

    static native int conmonj_plugin_init(long init, int argc, Pointer argv, Pointer meta, Pointer handleOut,
                                          Pointer errbuf, long errlen);

    static native int conmonj_plugin_write(long write, long handle, long record, long errbuf, long errlen);

    /** flush, reopen and close. */
    static native int conmonj_plugin_call(long function, long handle, long errbuf, long errlen);

    static native void conmonj_plugin_container_exited(long containerExited, long handle);
}
