package io.conmonj.host.sys;

import io.conmonj.sys.LibC;
import io.conmonj.sys.NativeMemory;

/** A {@code sigset_t} (glibc: 1024 bits) built in native memory. */
public final class SignalSet {
    private static final int SIZE = 128;
    final NativeMemory native_ = new NativeMemory(SIZE);

    public SignalSet(int... signals) {
        native_.clear();
        for (int signal : signals) {
            int bit = signal - 1;
            long offset = bit / 8;
            native_.setByte(offset, (byte) (native_.getByte(offset) | (1 << (bit % 8))));
        }
    }

    /** Adds these signals to the calling thread's mask. */
    public void block() throws NativeCallException {
        Sys.check("sigprocmask", LibC.sigprocmask(0 /* SIG_BLOCK */, native_, null));
    }
}
