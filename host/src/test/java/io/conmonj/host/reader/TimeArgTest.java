package io.conmonj.host.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimeArgTest {
    static final Instant NOW = Instant.parse("2026-11-30T06:00:00Z");

    @Test
    void rfc3339AndDurations() {
        assertEquals(Instant.parse("2026-11-30T05:22:01Z"), TimeArg.parse("2026-11-30T05:22:01Z", NOW));
        assertEquals(Instant.parse("2026-11-30T04:22:01.5Z"), TimeArg.parse("2026-11-30T05:22:01.5+01:00", NOW));
        assertEquals(NOW.minusSeconds(600), TimeArg.parse("10m", NOW));
        assertEquals(NOW.minusSeconds(5400), TimeArg.parse("1h30m", NOW));
        assertEquals(NOW.minusSeconds(5400), TimeArg.parse("1.5h", NOW));
        assertEquals(NOW.minusMillis(250), TimeArg.parse("250ms", NOW));
        assertThrows(IllegalArgumentException.class, () -> TimeArg.parse("10", NOW));
        assertThrows(IllegalArgumentException.class, () -> TimeArg.parse("10mx", NOW));
        assertThrows(IllegalArgumentException.class, () -> TimeArg.parse("", NOW));
        assertEquals(Instant.parse("2026-11-30T02:05:46.309194498Z"), TimeArg.rfc3339("2026-11-30T02:05:46.309194498+00:00"));
        assertNull(TimeArg.rfc3339("garbage"));
    }
}
