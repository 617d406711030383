package io.conmonj.host.sys;

import io.conmonj.sys.LibC;

/**
 * A pidfd (Linux 5.3+): readable once the process has exited, whether or not
 * it is our child. The monitor watches the runtime and the container through
 * one each, so that a SIGCHLD taken by some other thread can never leave it
 * waiting forever; the signalfd stays the way orphans get reaped.
 */
public final class PidFd implements AutoCloseable {
    private static final long SYS_PIDFD_OPEN = 434; // same number on x86_64 and aarch64

    private final int fd;

    private PidFd(int fd) {
        this.fd = fd;
    }

    /** A pidfd for {@code pid}, or null if the process is already gone (ESRCH). */
    public static PidFd open(int pid) throws NativeCallException {
        long fd = LibC.syscall(SYS_PIDFD_OPEN, pid, 0);
        if (fd < 0) {
            if (Sys.errno() == Sys.ESRCH) {
                return null;
            }
            throw new NativeCallException("pidfd_open", Sys.errno());
        }
        return new PidFd((int) fd); // pidfd_open sets close-on-exec itself
    }

    public int fd() {
        return fd;
    }

    @Override
    public void close() {
        Sys.closeQuietly(fd);
    }
}
