package io.conmonj.host.sys;

import java.io.IOException;

/** A failed libc call: the call's name, the errno and its C text (as conmon prints it). */
public final class NativeCallException extends IOException {
    private final String call;
    private final int errno;

    public NativeCallException(String call, int errno) {
        super(call + ": " + Sys.strerror(errno));
        this.call = call;
        this.errno = errno;
    }

    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }

    /** The C library's text for the errno, e.g. "No such file or directory". */
    public String reason() {
        return Sys.strerror(errno);
    }
}
