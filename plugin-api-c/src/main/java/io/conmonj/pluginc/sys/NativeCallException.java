package io.conmonj.pluginc.sys;

import java.io.IOException;

/** A failed system call: names the call and carries its errno. */
public final class NativeCallException extends IOException {
    private final int errno;

    NativeCallException(String call, int errno) {
        super(call + ": " + Posix.strerror(errno));
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
