package io.conmonj.host.sys;

import io.conmonj.sys.Layouts;
import io.conmonj.sys.LibC;
import io.conmonj.sys.NativeMemory;

/**
 * An epoll instance. {@code struct epoll_event} is packed on x86_64: a 32-bit
 * event mask followed by a 64-bit data word, 12 bytes; the fd is kept in the
 * data word.
 */
public final class Epoll implements AutoCloseable {
    public static final int IN = 0x001, OUT = 0x004, ERR = 0x008, HUP = 0x010, RDHUP = 0x2000;

    private static final int CTL_ADD = 1, CTL_DEL = 2, CTL_MOD = 3;
    private static final int EVENT_SIZE = (int) Layouts.EPOLL_EVENT.size();
    private static final long EVENTS = Layouts.EPOLL_EVENT.offset("events"), DATA = Layouts.EPOLL_EVENT.offset("data");
    private static final int MAX_EVENTS = 32;

    private final int epfd;
    private final NativeMemory control = new NativeMemory(EVENT_SIZE);
    private final NativeMemory ready = new NativeMemory((long) EVENT_SIZE * MAX_EVENTS);

    public Epoll() throws NativeCallException {
        epfd = Sys.check("epoll_create1", LibC.epoll_create1(Sys.O_CLOEXEC));
    }

    public void add(int fd, int events) throws NativeCallException {
        control(CTL_ADD, "epoll_ctl ADD", fd, events);
    }

    public void modify(int fd, int events) throws NativeCallException {
        control(CTL_MOD, "epoll_ctl MOD", fd, events);
    }

    public void remove(int fd) throws NativeCallException {
        control(CTL_DEL, "epoll_ctl DEL", fd, 0);
    }

    private void control(int op, String call, int fd, int events) throws NativeCallException {
        control.setInt(EVENTS, events);
        control.setLong(DATA, fd);
        Sys.check(call, LibC.epoll_ctl(epfd, op, fd, control));
    }

    /** Waits for events; returns how many are ready (0 on timeout or EINTR). */
    public int await(int timeoutMillis) throws NativeCallException {
        int n = LibC.epoll_wait(epfd, ready, MAX_EVENTS, timeoutMillis);
        if (n < 0) {
            if (Sys.errno() == Sys.EINTR) {
                return 0;
            }
            throw new NativeCallException("epoll_wait", Sys.errno());
        }
        return n;
    }

    public int readyFd(int index) {
        return (int) ready.getLong((long) index * EVENT_SIZE + DATA);
    }

    public int readyEvents(int index) {
        return ready.getInt((long) index * EVENT_SIZE + EVENTS);
    }

    @Override
    public void close() {
        Sys.closeQuietly(epfd);
    }
}
