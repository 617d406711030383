package io.conmonj.host.sys;

import io.conmonj.sys.LibC;

/**
 * A non-blocking signalfd. The signals must be blocked in every thread: the
 * native launcher blocks them before it execs the JVM, so all JVM threads
 * inherit the mask and none of them can swallow a SIGCHLD.
 */
public final class SignalFd implements AutoCloseable {
    private static final int SIGINFO_SIZE = 128;

    private final int fd;
    private final byte[] info = new byte[SIGINFO_SIZE];

    public SignalFd(int... signals) throws NativeCallException {
        SignalSet set = new SignalSet(signals);
        set.block(); // the main thread, in case the JVM was started without the launcher
        fd = Sys.check("signalfd", LibC.signalfd(-1, set.native_, Sys.O_NONBLOCK | Sys.O_CLOEXEC));
    }

    public int fd() {
        return fd;
    }

    /** The next pending signal number, or 0 when none is pending. */
    public int next() throws NativeCallException {
        int n = Sys.read(fd, info, SIGINFO_SIZE);
        if (n < SIGINFO_SIZE) {
            return 0;
        }
        return (info[0] & 0xff) | (info[1] & 0xff) << 8 | (info[2] & 0xff) << 16 | (info[3] & 0xff) << 24;
    }

    @Override
    public void close() {
        Sys.closeQuietly(fd);
    }
}
