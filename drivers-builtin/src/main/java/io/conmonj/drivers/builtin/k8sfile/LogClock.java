package io.conmonj.drivers.builtin.k8sfile;

import java.time.Instant;
import java.time.ZoneId;
import java.time.zone.ZoneRules;
import java.util.Objects;
import java.util.TimeZone;

/**
 * Wall clock and local time zone for k8s-file timestamps (conmon: {@code CLOCK_REALTIME} + {@code localtime_r}).
 * Tests pin both with {@link #fixed}.
 */
public interface LogClock {

    /** Current wall-clock time in nanoseconds since the epoch. */
    long epochNanos();

    /** The local UTC offset in seconds ({@code tm_gmtoff}) at the given instant. */
    int offsetSeconds(long epochSecond);

    /**
     * Real time in the JVM's default zone ({@code TZ}, else {@code /etc/localtime}), resolved once like {@code tzset()}:
     * see {@link SystemClock}.
     */
    static LogClock system() {
        return new SystemClock(null);
    }

    /** Real time in the given zone. */
    static LogClock system(ZoneId zone) {
        return new ZonedClock(zone, null);
    }

    /** A clock that always reports {@code instant}, in {@code zone}. */
    static LogClock fixed(Instant instant, ZoneId zone) {
        Objects.requireNonNull(instant, "instant");
        return new ZonedClock(zone, instant);
    }

    /**
     * Now, in the default zone, read through {@link TimeZone} (the same zone data as {@link ZoneId#systemDefault()})
     * at the first timestamp. Not java.time: a region's {@code ZoneId} initialises java.time's zone provider (a
     * ServiceLoader, streams, the whole rule table in the heap), ≈ 1 MB of every idle monitor's memory for one
     * offset (docs/design.md, "Levers"). Not when the log opens: reading the zone database costs milliseconds that
     * Podman would wait for. Not thread-safe, like the driver that owns it.
     */
    final class SystemClock implements LogClock {
        private TimeZone zone;

        /** {@code zone}: a given zone (tests), or null for the default one. */
        SystemClock(TimeZone zone) {
            this.zone = zone;
        }

        @Override
        public long epochNanos() {
            return ZonedClock.nanos(Instant.now());
        }

        @Override
        public int offsetSeconds(long epochSecond) {
            if (zone == null) {
                zone = TimeZone.getDefault();
            }
            long millis = epochSecond > Long.MAX_VALUE / 1000 ? Long.MAX_VALUE
                    : epochSecond < Long.MIN_VALUE / 1000 ? Long.MIN_VALUE : epochSecond * 1000;
            return zone.getOffset(millis) / 1000;
        }
    }

    /** A given zone, now or at a fixed instant; {@code fixedAt == null} means "now". */
    final class ZonedClock implements LogClock {
        private final ZoneRules rules;
        private final boolean fixedOffset;
        private final int constantOffset;
        private final Instant fixedAt;

        private ZonedClock(ZoneId zone, Instant fixedAt) {
            this.rules = zone.getRules();
            this.fixedOffset = rules.isFixedOffset();
            this.constantOffset = fixedOffset ? rules.getOffset(Instant.EPOCH).getTotalSeconds() : 0;
            this.fixedAt = fixedAt;
        }

        @Override
        public long epochNanos() {
            return nanos(fixedAt != null ? fixedAt : Instant.now());
        }

        static long nanos(Instant now) {
            long sec = now.getEpochSecond();
            int nano = now.getNano();
            if (sec < 0 && nano > 0) { // keep the intermediate product in range down to Long.MIN_VALUE
                sec++;
                nano -= 1_000_000_000;
            }
            return Math.addExact(Math.multiplyExact(sec, 1_000_000_000L), nano);
        }

        @Override
        public int offsetSeconds(long epochSecond) {
            return fixedOffset ? constantOffset : rules.getOffset(Instant.ofEpochSecond(epochSecond)).getTotalSeconds();
        }
    }
}
