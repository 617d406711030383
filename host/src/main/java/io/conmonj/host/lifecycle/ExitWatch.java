package io.conmonj.host.lifecycle;

import io.conmonj.host.Diagnostics;
import io.conmonj.host.sys.Epoll;
import io.conmonj.host.sys.NativeCallException;
import io.conmonj.host.sys.PidFd;

/**
 * Notices the container's exit off the event loop. In {@code mode=blocking} a log driver whose collector is away
 * blocks the loop inside its write (that is what stalls the container's output, as intended); the loop then cannot
 * see the container exit, and the driver would wait for its collector for ever, holding back the exit status Podman
 * waits for. This thread waits on the container's pidfd with an epoll of its own and tells the log
 * ({@code ContainerLog.containerExited}) at once, so such drivers give up after their grace period.
 *
 * <p>Started only for containers with a blocking driver that may wait (see {@code ContainerLog.mayWaitForDrivers});
 * the others never pay for the thread.
 */
final class ExitWatch {
    private ExitWatch() {
    }

    static void start(int pid, Runnable onExit) {
        Thread.ofPlatform().daemon().name("exit-watch").stackSize(256 * 1024).start(() -> {
            try {
                awaitExit(pid);
            } catch (NativeCallException e) {
                // the loop still sees the exit when the driver returns; only the early notice is lost
                Diagnostics.warn("cannot watch container " + pid + " for its exit: " + e.getMessage());
                return;
            }
            onExit.run();
        });
    }

    private static void awaitExit(int pid) throws NativeCallException {
        PidFd pidFd = PidFd.open(pid);
        if (pidFd == null) {
            return; // already gone
        }
        try (pidFd; Epoll epoll = new Epoll()) {
            epoll.add(pidFd.fd(), Epoll.IN);
            while (epoll.await(-1) == 0) {
                // EINTR: wait again
            }
        }
    }
}
