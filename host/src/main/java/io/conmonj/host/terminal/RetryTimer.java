package io.conmonj.host.terminal;

import io.conmonj.host.loop.EventLoop;
import io.conmonj.host.sys.Epoll;
import io.conmonj.host.sys.NativeCallException;
import io.conmonj.host.sys.TimerFd;

import java.io.IOException;

/**
 * A one-shot timer on the {@link EventLoop} (a timerfd registered once),
 * for conmon's "stop watching the pty while it reports HUP, look again in
 * 100 ms" (conmon-behaviour.md §9.2).
 */
final class RetryTimer implements AutoCloseable {
    /** conmon's {@code g_timeout_add(100, ...)} after a HUP on the pty master. */
    static final long HUP_RETRY_MILLIS = 100;

    @FunctionalInterface
    interface Action {
        void run() throws IOException;
    }

    private final EventLoop loop;
    private final TimerFd timer;
    private boolean scheduled, open = true;

    RetryTimer(EventLoop loop, Action action) throws NativeCallException {
        this.loop = loop;
        this.timer = new TimerFd();
        try {
            loop.register(timer.fd(), Epoll.IN, events -> {
                if (timer.acknowledge() && scheduled) {
                    scheduled = false;
                    action.run();
                }
            });
        } catch (NativeCallException e) {
            timer.close();
            throw e;
        }
    }

    /** Runs the action once after {@code millis}, unless already scheduled. */
    void schedule(long millis) throws NativeCallException {
        if (!scheduled && open) {
            timer.arm(millis);
            scheduled = true;
        }
    }

    boolean scheduled() {
        return scheduled;
    }

    /** The action will not run (an expiry that is already pending is ignored). */
    void cancel() {
        scheduled = false;
    }

    @Override
    public void close() {
        if (open) {
            open = false;
            scheduled = false;
            try {
                loop.unregister(timer.fd());
            } catch (NativeCallException ignored) {
                // the fd is closed next: epoll forgets it then
            }
            timer.close();
        }
    }
}
