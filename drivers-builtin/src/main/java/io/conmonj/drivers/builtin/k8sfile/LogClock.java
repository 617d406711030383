package io.conmonj.drivers.builtin.k8sfile;

import java.time.Instant;
import java.time.ZoneId;
import java.time.zone.ZoneRules;
import java.util.Objects;

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
     * Real time in the JVM's default zone ({@code TZ}, else {@code /etc/localtime}), resolved once like {@code tzset()},
     * at the first timestamp: reading the JDK's time-zone database costs 7-11 ms of CPU, which a monitor would
     * otherwise spend before it starts the runtime (docs/design.md, "The monitor's own start").
     */
    static LogClock system() {
        return new ZonedClock(null, null);
    }

    /** Real time in the given zone. */
    static LogClock system(ZoneId zone) {
        return new ZonedClock(Objects.requireNonNull(zone, "zone"), null);
    }

    /** A clock that always reports {@code instant}, in {@code zone}. */
    static LogClock fixed(Instant instant, ZoneId zone) {
        Objects.requireNonNull(instant, "instant");
        return new ZonedClock(Objects.requireNonNull(zone, "zone"), instant);
    }

    /**
     * Implementation for all; {@code fixedAt == null} means "now", {@code zone == null} the JVM's default zone. The
     * zone's rules are looked up at the first {@link #offsetSeconds}. Not thread-safe, like the driver that owns it.
     */
    final class ZonedClock implements LogClock {
        private final ZoneId zone;
        private final Instant fixedAt;
        private ZoneRules rules;
        private boolean fixedOffset;
        private int constantOffset;

        private ZonedClock(ZoneId zone, Instant fixedAt) {
            this.zone = zone;
            this.fixedAt = fixedAt;
        }

        private ZoneRules rules() {
            if (rules == null) {
                ZoneRules resolved = (zone != null ? zone : ZoneId.systemDefault()).getRules();
                fixedOffset = resolved.isFixedOffset();
                constantOffset = fixedOffset ? resolved.getOffset(Instant.EPOCH).getTotalSeconds() : 0;
                rules = resolved;
            }
            return rules;
        }

        @Override
        public long epochNanos() {
            Instant now = fixedAt != null ? fixedAt : Instant.now();
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
            ZoneRules zoneRules = rules();
            return fixedOffset ? constantOffset : zoneRules.getOffset(Instant.ofEpochSecond(epochSecond)).getTotalSeconds();
        }
    }
}
