package io.conmonj.host.oom;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * OOM counters as the kernel reports them: cgroup v2 {@code memory.events}
 * ({@code oom N}, {@code oom_kill N}, one "key value" per line) and the
 * {@code oom_kill N} line of a v1 {@code memory.oom_control}.
 *
 * An instance remembers the last value seen per key, starting at 0 as conmon
 * does: a reading reports an OOM when some key's value is not 0 and differs
 * from the last one seen for that key. (Starting at 0 means an OOM that
 * happened in the cgroup before the watcher started is reported too: see
 * conmon-behaviour.md §16.18 for what that does to exec sessions.)
 */
final class OomCounters {
    static final String OOM = "oom", OOM_KILL = "oom_kill";

    private final Map<String, Long> lastSeen = new HashMap<>();

    /** Takes a reading; true if it shows a new OOM. */
    boolean update(Map<String, Long> reading) {
        boolean changed = false;
        for (String key : new String[] {OOM, OOM_KILL}) {
            Long value = reading.get(key);
            if (value == null || value == 0) {
                continue;
            }
            long last = lastSeen.getOrDefault(key, 0L);
            if (value != last) {
                changed = true;
                lastSeen.put(key, value);
            }
        }
        return changed;
    }

    /** The last value seen for {@code key} (0 if none). */
    long last(String key) {
        return lastSeen.getOrDefault(key, 0L);
    }

    /** A resumed watch (hibernation) starts from its predecessor's last values. */
    void restore(String key, long value) {
        if (value != 0) {
            lastSeen.put(key, value);
        }
    }

    /** The {@code oom} and {@code oom_kill} counters of a memory.events text (others ignored). */
    static Map<String, Long> parseMemoryEvents(String text) {
        Map<String, Long> counters = new HashMap<>();
        for (String line : text.split("\n")) {
            int space = line.indexOf(' ');
            if (space < 0) {
                continue;
            }
            String key = line.substring(0, space);
            if (!key.equals(OOM) && !key.equals(OOM_KILL)) {
                continue;
            }
            try {
                counters.put(key, Long.parseLong(line.substring(space + 1).trim()));
            } catch (NumberFormatException e) {
                // a value the kernel never writes: ignore the line
            }
        }
        return counters;
    }

    /** The {@code oom_kill N} counter of a v1 memory.oom_control text (absent on older kernels). */
    static OptionalLong parseOomControlKills(String text) {
        Long value = parseMemoryEvents(text).get(OOM_KILL);
        return value == null ? OptionalLong.empty() : OptionalLong.of(value);
    }
}
