package io.conmonj.plugin;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DriverOptionsTest {

    private static DriverOptions opts(String key, String value) throws LogDriverException {
        return DriverOptions.of(Map.of(key, value), key);
    }

    private static String failure(DriverOptionsCall call) {
        return assertThrows(LogDriverException.class, call::run).getMessage();
    }

    interface DriverOptionsCall {
        void run() throws LogDriverException;
    }

    @Test
    void unknownKeysAreRefusedFirstInNameOrder() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("zeta", "1");
        m.put("alpha", "1");
        m.put("path", "/x");
        assertEquals("option alpha: unknown (known: path, max-size)",
                failure(() -> DriverOptions.of(m, "path", "max-size")));
    }

    @Test
    void hostileKeysAndValuesAreEchoedOnOneLineAndCut() {
        assertEquals("option 'a\\x0aforged\\x0d\\x00': unknown (known: path)",
                failure(() -> DriverOptions.of(Map.of("a\nforged\r\0", "v"), "path")));
        String longValue = "9".repeat(5000);
        String m = failure(() -> opts("n", longValue).integer("n", 0, 0, 10));
        assertTrue(m.startsWith("option n: '" + "9".repeat(64) + "'... (5000 characters) is not an integer"), m);
        assertTrue(m.length() < 200, m);
    }

    @Test
    void absentKeysGiveTheDefault() throws LogDriverException {
        DriverOptions o = DriverOptions.of(Map.of(), "s", "b", "n", "z", "d", "c");
        assertNull(o.string("s", null, 10));
        assertTrue(o.bool("b", true));
        assertEquals(-1, o.integer("n", -1, 0, 10));
        assertEquals(1 << 20, o.size("z", 1 << 20, 1, 2));
        assertEquals(Duration.ofSeconds(1), o.duration("d", Duration.ofSeconds(1), Duration.ZERO, Duration.ZERO));
        assertEquals("x", o.choice("c", "x", "a", "b"));
        assertFalse(o.has("s"));
        assertEquals("option s: required", failure(() -> o.requiredString("s", 10)));
    }

    @Test
    void undeclaredGettersAreTheDriversBug() throws LogDriverException {
        DriverOptions o = DriverOptions.of(Map.of(), "a");
        assertThrows(IllegalArgumentException.class, () -> o.raw("b"));
    }

    @Test
    void goBooleans() throws LogDriverException {
        for (String t : new String[]{"1", "t", "T", "TRUE", "true", "True"}) {
            assertTrue(opts("b", t).bool("b", false), t);
        }
        for (String f : new String[]{"0", "f", "F", "FALSE", "false", "False"}) {
            assertFalse(opts("b", f).bool("b", true), f);
        }
        assertTrue(opts("b", "").bool("b", true));
        assertEquals("option b: 'yes' is not a boolean (true or false; also 1, t, TRUE, 0, f, FALSE)",
                failure(() -> opts("b", "yes").bool("b", false)));
        assertEquals("option b: 'tRUE' is not a boolean (true or false; also 1, t, TRUE, 0, f, FALSE)",
                failure(() -> opts("b", "tRUE").bool("b", false)));
    }

    @Test
    void integersWithBounds() throws LogDriverException {
        assertEquals(5, opts("n", "5").integer("n", 0, 0, 10));
        assertEquals(5, opts("n", "+5").integer("n", 0, 0, 10));
        assertEquals(-3, opts("n", "-3").integer("n", 0, -5, 10));
        assertEquals("option n: '11' is above the maximum 10", failure(() -> opts("n", "11").integer("n", 0, 0, 10)));
        assertEquals("option n: '-1' is below the minimum 0", failure(() -> opts("n", "-1").integer("n", 0, 0, 10)));
        assertEquals("option n: '99999999999999999999' is not an integer (0 to 10)",
                failure(() -> opts("n", "99999999999999999999").integer("n", 0, 0, 10)));
        assertEquals("option n: ' 5' is not an integer (0 to 10)", failure(() -> opts("n", " 5").integer("n", 0, 0, 10)));
        assertEquals("option n: '0x10' is not an integer (0 to 10)",
                failure(() -> opts("n", "0x10").integer("n", 0, 0, 10)));
        assertEquals(7, opts("n", "7").intValue("n", 0, 0, 10));
    }

    @Test
    void sizesWithBounds() throws LogDriverException {
        assertEquals(512 << 10, opts("z", "512k").size("z", 0, 1, 1L << 30));
        assertEquals(4L << 20, opts("z", "4MiB").size("z", 0, 1, 1L << 30));
        assertEquals(1L << 30, opts("z", "1g").size("z", 0, 1, 1L << 30));
        assertEquals("option z: '2g' is above the maximum 1g", failure(() -> opts("z", "2g").size("z", 0, 1, 1L << 30)));
        assertEquals("option z: '100' is below the minimum 4k", failure(() -> opts("z", "100").size("z", 0, 4096, 1L << 30)));
        assertEquals("option z: '0' is not a size (such as 65536, 512k, 4m, 1g)",
                failure(() -> opts("z", "0").size("z", 0, 1, 10)));
        assertEquals("option z: '9999999999999g' is not a size (such as 65536, 512k, 4m, 1g)",
                failure(() -> opts("z", "9999999999999g").size("z", 0, 1, 10)), "overflow is not a size");
    }

    @Test
    void goDurationsWithBounds() throws LogDriverException {
        Duration max = Duration.ofMinutes(1);
        assertEquals(Duration.ofMillis(500), opts("d", "500ms").duration("d", null, Duration.ZERO, max));
        assertEquals(Duration.ofSeconds(90), opts("d", "1m30s").duration("d", null, Duration.ZERO, Duration.ofHours(1)));
        assertEquals(Duration.ofMillis(1500), opts("d", "1.5s").duration("d", null, Duration.ZERO, max));
        assertEquals(Duration.ofMillis(500), opts("d", ".5s").duration("d", null, Duration.ZERO, max));
        assertEquals(Duration.ofSeconds(1), opts("d", "1.s").duration("d", null, Duration.ZERO, max));
        assertEquals(Duration.ofNanos(1500), opts("d", "1us500ns").duration("d", null, Duration.ZERO, max));
        assertEquals(Duration.ofNanos(2000), opts("d", "2µs").duration("d", null, Duration.ZERO, max));
        assertEquals(Duration.ZERO, opts("d", "0").duration("d", null, Duration.ZERO, max));
        assertEquals("option d: '1h' is above the maximum 1m",
                failure(() -> opts("d", "1h").duration("d", null, Duration.ZERO, max)));
        assertEquals("option d: '-1s' is below the minimum 1ms",
                failure(() -> opts("d", "-1s").duration("d", null, Duration.ofMillis(1), max)));
        for (String bad : new String[]{"", "1", "s", "1x", "1s2", ".s", "1..5s", "+", "1 s", "9999999999h", "0s1"}) {
            assertEquals("option d: " + DriverOptions.echo(bad) + " is not a duration (such as 500ms, 1s, 1m30s)",
                    failure(() -> opts("d", bad).duration("d", null, Duration.ZERO, max)), bad);
        }
    }

    @Test
    void stringsAndChoices() throws LogDriverException {
        assertEquals("abc", opts("s", "abc").string("s", null, 3));
        assertEquals("option s: longer than 3 characters ('abcd')", failure(() -> opts("s", "abcd").string("s", null, 3)));
        assertEquals("udp", opts("c", "udp").choice("c", "tcp", "tcp", "udp"));
        assertEquals("option c: 'UDP' is not one of tcp, udp", failure(() -> opts("c", "UDP").choice("c", "tcp", "tcp", "udp")));
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("one", 1);
        m.put("two", 2);
        assertEquals(2, opts("c", "two").choice("c", 0, m));
    }

    @Test
    void errorHasTheOneFormat() {
        assertEquals("option fluentd-address: cannot resolve", DriverOptions.error("fluentd-address", "cannot resolve").getMessage());
    }

    @Test
    void binarySizeFormat() {
        assertEquals("4k", BinarySize.format(4096));
        assertEquals("1536", BinarySize.format(1536));
        assertEquals("2g", BinarySize.format(2L << 30));
        assertEquals("0", BinarySize.format(0));
    }
}
