package io.conmonj.host.loop;

import io.conmonj.host.sys.Epoll;
import io.conmonj.host.sys.NativeCallException;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The monitor's only event loop: one thread, one epoll set, level-triggered.
 * A source registers an fd with a {@link Handler}; the loop calls the handler
 * whenever the fd is ready, until the caller's condition says stop. Handlers
 * run to completion and must not block: reads are bounded (one chunk per
 * wake-up) so that one busy stream cannot starve the others.
 */
public final class EventLoop implements AutoCloseable {
    /** Called when a registered fd is ready; {@code events} is the epoll mask. */
    @FunctionalInterface
    public interface Handler {
        void ready(int events) throws IOException;
    }

    private final Epoll epoll;
    private final Map<Integer, Handler> handlers = new HashMap<>();
    private long dispatched;

    public EventLoop() throws NativeCallException {
        this.epoll = new Epoll();
    }

    public void register(int fd, int events, Handler handler) throws NativeCallException {
        epoll.add(fd, events);
        handlers.put(fd, handler);
    }

    public void unregister(int fd) throws NativeCallException {
        if (handlers.remove(fd) != null) {
            epoll.remove(fd);
        }
    }

    /** Runs until {@code done} returns true; it is checked after every batch of events. */
    public void runUntil(BooleanSupplier done) throws IOException {
        while (!done.getAsBoolean()) {
            int ready = epoll.await(-1);
            for (int i = 0; i < ready; i++) {
                Handler handler = handlers.get(epoll.readyFd(i));
                if (handler != null) { // an earlier handler of this batch may have unregistered it
                    dispatched++;
                    handler.ready(epoll.readyEvents(i));
                }
            }
        }
    }

    /** How many times a handler was called so far: a count that has not moved means nothing happened. */
    public long dispatched() {
        return dispatched;
    }

    @Override
    public void close() {
        epoll.close();
    }
}
