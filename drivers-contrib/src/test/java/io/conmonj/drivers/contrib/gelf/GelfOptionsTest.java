package io.conmonj.drivers.contrib.gelf;

import io.conmonj.plugin.LogDriverException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GelfOptionsTest {

    private static String error(Map<String, String> options) {
        return assertThrows(LogDriverException.class, () -> GelfOptions.parse(options)).getMessage();
    }

    @Test
    void defaultsAreDockers() throws LogDriverException {
        GelfOptions udp = GelfOptions.parse(Map.of("gelf-address", "udp://collector:12201"));
        assertEquals("udp://collector:12201", udp.endpoint().toString());
        assertEquals(GelfOptions.Compression.GZIP, udp.compression());
        assertEquals(1, udp.compressionLevel());
        GelfOptions tcp = GelfOptions.parse(Map.of("gelf-address", "tcp://[::1]:12201"));
        assertEquals(-1, tcp.maxReconnect(), "no limit: blocking mode blocks until the collector is back");
        assertEquals(-1, tcp.reconnectDelayMillis(), "back-off");
        GelfOptions set = GelfOptions.parse(Map.of("gelf-address", "tcp://h:1", "gelf-tcp-max-reconnect", "3",
                "gelf-tcp-reconnect-delay", "2"));
        assertEquals(3, set.maxReconnect());
        assertEquals(2000, set.reconnectDelayMillis());
        GelfOptions zlib = GelfOptions.parse(Map.of("gelf-address", "udp://h:1", "gelf-compression-type", "zlib",
                "gelf-compression-level", "-1"));
        assertEquals(GelfOptions.Compression.ZLIB, zlib.compression());
        assertEquals(-1, zlib.compressionLevel());
    }

    @Test
    void badOptionsAreClearErrors() {
        assertEquals("option env-regex: unknown (known: gelf-address, gelf-compression-type, gelf-compression-level,"
                + " gelf-tcp-max-reconnect, gelf-tcp-reconnect-delay)",
                error(Map.of("gelf-address", "udp://h:1", "env-regex", ".*")));
        assertEquals("option gelf-address: required (udp://HOST:PORT or tcp://HOST:PORT)", error(Map.of()));
        assertEquals("option gelf-address: 'http://h:1': unsupported scheme 'http' (use udp, tcp)",
                error(Map.of("gelf-address", "http://h:1")));
        assertEquals("option gelf-address: 'unix:///run/g.sock': unix is not supported here (use udp, tcp)",
                error(Map.of("gelf-address", "unix:///run/g.sock")));
        assertEquals("option gelf-address: 'h:12201': expected udp, tcp://ADDRESS", error(Map.of("gelf-address", "h:12201")));
        assertEquals("option gelf-address: 'udp://h': missing port", error(Map.of("gelf-address", "udp://h")));
        assertTrue(error(Map.of("gelf-address", "udp://" + "h".repeat(600) + ":1"))
                .startsWith("option gelf-address: longer than 512 characters ('udp://hhh"));
        assertEquals("option gelf-compression-type: 'lz4' is not one of gzip, zlib, none",
                error(Map.of("gelf-address", "udp://h:1", "gelf-compression-type", "lz4")));
        assertEquals("option gelf-compression-level: '10' is above the maximum 9",
                error(Map.of("gelf-address", "udp://h:1", "gelf-compression-level", "10")));
        assertEquals("option gelf-compression-level: 'fast' is not an integer (-1 to 9)",
                error(Map.of("gelf-address", "udp://h:1", "gelf-compression-level", "fast")));
        assertEquals("option gelf-compression-type: compression is only supported on UDP (GELF over TCP is not"
                + " compressed); gelf-address=tcp://h:1", error(Map.of("gelf-address", "tcp://h:1", "gelf-compression-type", "gzip")));
        assertEquals("option gelf-tcp-max-reconnect: only valid for TCP; gelf-address=udp://h:1",
                error(Map.of("gelf-address", "udp://h:1", "gelf-tcp-max-reconnect", "3")));
        assertEquals("option gelf-tcp-max-reconnect: '-1' is below the minimum 0",
                error(Map.of("gelf-address", "tcp://h:1", "gelf-tcp-max-reconnect", "-1")));
        assertEquals("option gelf-tcp-reconnect-delay: '1s' is not an integer (0 to 60)",
                error(Map.of("gelf-address", "tcp://h:1", "gelf-tcp-reconnect-delay", "1s")));
        assertEquals("option gelf-tcp-reconnect-delay: '3600' is above the maximum 60",
                error(Map.of("gelf-address", "tcp://h:1", "gelf-tcp-reconnect-delay", "3600")));
    }
}
