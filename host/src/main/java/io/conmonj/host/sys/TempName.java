package io.conmonj.host.sys;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Unique names in a directory, reserved the way GLib's {@code g_mkstemp} does. */
public final class TempName {
    private TempName() {}

    /**
     * Creates a new empty file from {@code template} (which must end in
     * {@code XXXXXX}) with mkstemp(3), closes it and returns its path. The
     * file exists when this returns; the caller unlinks it if it only wanted
     * the name (as conmon does for the console socket, conmon-behaviour.md §9.1).
     */
    public static String reserve(String template) throws NativeCallException {
        byte[] bytes = template.getBytes(StandardCharsets.UTF_8);
        byte[] buf = Arrays.copyOf(bytes, bytes.length + 1); // NUL-terminated
        int fd = TerminalCalls.mkstemp(buf);
        if (fd < 0) {
            throw new NativeCallException("mkstemp " + template, Sys.errno());
        }
        Sys.closeQuietly(fd);
        return new String(buf, 0, bytes.length, StandardCharsets.UTF_8);
    }
}
