package io.conmonj.host.sys;

import io.conmonj.sys.Layouts;
import io.conmonj.sys.LibC;
import io.conmonj.sys.NativeMemory;

/** A one-shot monotonic timerfd, for the -T timeout and periodic re-checks. */
public final class TimerFd implements AutoCloseable {
    private static final int CLOCK_MONOTONIC = 1;

    private final int fd;
    private final byte[] expirations = new byte[8];

    public TimerFd() throws NativeCallException {
        fd = Sys.check("timerfd_create",
                LibC.timerfd_create(CLOCK_MONOTONIC, Sys.O_NONBLOCK | Sys.O_CLOEXEC));
    }

    public int fd() {
        return fd;
    }

    private static final long VALUE = Layouts.ITIMERSPEC.offset("it_value");

    /** Fires once after the given delay. */
    public void arm(long delayMillis) throws NativeCallException {
        NativeMemory spec = new NativeMemory(Layouts.ITIMERSPEC.size());
        spec.clear();
        spec.setLong(VALUE + Layouts.TIMESPEC.offset("tv_sec"), delayMillis / 1000);
        spec.setLong(VALUE + Layouts.TIMESPEC.offset("tv_nsec"), (delayMillis % 1000) * 1_000_000L);
        Sys.check("timerfd_settime", LibC.timerfd_settime(fd, 0, spec, null));
    }

    /** Consumes the expiration count; true if the timer had fired. */
    public boolean acknowledge() throws NativeCallException {
        return Sys.read(fd, expirations, 8) == 8;
    }

    @Override
    public void close() {
        Sys.closeQuietly(fd);
    }
}
