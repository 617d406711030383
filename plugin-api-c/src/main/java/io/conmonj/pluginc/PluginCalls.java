package io.conmonj.pluginc;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import io.conmonj.plugin.LogDriverException;
import io.conmonj.sys.Struct;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The in-process driver's calls into a plugin, bound with JNA direct mapping (the project's one binding technology,
 * docs/design.md "Native layer") to {@code lib/native/libconmonj-plugin-call.so} of the install tree
 * (src/main/c/call/plugin-call.c). A plugin's functions are pointers in its descriptor, not symbols, so each call
 * takes the plugin's function pointer as its first argument and the library calls through it. Pointers are passed as
 * {@code long} addresses: a direct-mapped call with primitive arguments is the cheapest JNA makes (about 55 ns
 * plus 15 ns an argument with the monitor's C1-only JIT), so write, made once per record, takes the address of a
 * {@link #WRITE_CALL} block and nothing else. Every call empties the plugin's error buffer first.
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

    /**
     * {@code struct conmonj_write_call} (src/main/c/call/plugin-call.h): the plugin's write, its handle and error
     * buffer, and the record, in one block of the driver's memory.
     */
    static final Struct WRITE_CALL = Struct.of("conmonj_write_call")
            .pointer("write").pointer("handle").pointer("errbuf").pointer("errlen")
            .bytes("record", (int) AbiLayouts.RECORD.size()).build();

    /** The plugin's write of the record in a {@link #WRITE_CALL} block: one argument, as it is made per record. */
    static native int conmonj_plugin_write(long writeCall);

    /** flush, reopen and close. */
    static native int conmonj_plugin_call(long function, long handle, long errbuf, long errlen);

    static native void conmonj_plugin_container_exited(long containerExited, long handle);
}
