package io.conmonj.host.lifecycle;

import io.conmonj.host.cli.ConfigError;
import io.conmonj.host.loop.EventLoop;
import io.conmonj.host.sys.Epoll;
import io.conmonj.host.sys.NativeCallException;
import io.conmonj.host.sys.TimerFd;

/**
 * When an idle monitor hands its container to the guardian and exits (docs/reliability.md, "Hibernation"): after
 * {@code CONMONJ_HIBERNATE} seconds in which its loop had nothing to do (default 10; {@code off} never). A JVM
 * costs ≈ 10 MB per container for as long as it runs; the guardian holding the same descriptors costs ≈ 0.2 MB and
 * starts a monitor again at the container's next output, attach, ctl message or exit.
 *
 * <p>The check is a timer on the monitor's loop: each period it compares the loop's count of handled events with
 * the count at the last check; only the timer itself having run means a whole idle period.
 */
final class Hibernation implements AutoCloseable {
    static final String ENV = "CONMONJ_HIBERNATE";
    static final int DEFAULT_SECONDS = 10;
    /** A day: longer is "off" in practice, and a mistyped unit (milliseconds) should be refused, not honoured. */
    static final int MAX_SECONDS = 86_400;

    /** Asked once a whole period went by idle; true if the monitor handed off (the loop then ends). */
    @FunctionalInterface
    interface Attempt {
        boolean handOff();
    }

    private final long periodMillis; // 0: off
    private TimerFd timer;
    private long handledAtLastCheck = -1;

    private Hibernation(long periodMillis) {
        this.periodMillis = periodMillis;
    }

    static Hibernation off() {
        return new Hibernation(0);
    }

    /** From the monitor's environment (containers.conf {@code conmon_env_vars}); a bad value fails the start. */
    static Hibernation fromEnvironment() throws ConfigError {
        return parse(System.getenv(ENV));
    }

    static Hibernation parse(String value) throws ConfigError {
        if (value == null || value.isEmpty()) {
            return new Hibernation(DEFAULT_SECONDS * 1000L);
        }
        if (value.equals("off")) {
            return off();
        }
        int seconds;
        try {
            seconds = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        if (seconds < 1 || seconds > MAX_SECONDS) {
            throw ConfigError.error(ENV + "=" + value + ": expected \"off\" or a number of idle seconds from 1 to "
                    + MAX_SECONDS);
        }
        return new Hibernation(seconds * 1000L);
    }

    boolean enabled() {
        return periodMillis > 0;
    }

    long periodMillis() {
        return periodMillis;
    }

    /** Checks every period on {@code loop}; {@code attempt} runs when the loop handled nothing else since the last check. */
    void watch(EventLoop loop, Attempt attempt) throws NativeCallException {
        if (!enabled()) {
            return;
        }
        timer = new TimerFd();
        timer.arm(periodMillis);
        loop.register(timer.fd(), Epoll.IN, events -> {
            timer.acknowledge();
            long handled = loop.dispatched();
            boolean idle = handled == handledAtLastCheck + 1; // only this timer ran since the last check
            handledAtLastCheck = handled;
            if (idle && attempt.handOff()) {
                loop.unregister(timer.fd());
                return;
            }
            timer.arm(periodMillis);
        });
        handledAtLastCheck = loop.dispatched();
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.close();
        }
    }
}
