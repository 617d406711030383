package io.conmonj.drivers.contrib.gelf;

import io.conmonj.plugin.LogDriverException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        assertEquals("unknown option env-regex (known: gelf-address, gelf-compression-type, gelf-compression-level,"
                + " gelf-tcp-max-reconnect, gelf-tcp-reconnect-delay)",
                error(Map.of("gelf-address", "udp://h:1", "env-regex", ".*")));
        assertEquals("gelf-address is required (udp://HOST:PORT or tcp://HOST:PORT)", error(Map.of()));
        assertEquals("gelf-address=http://h:1: unsupported scheme 'http' (use udp, tcp)",
                error(Map.of("gelf-address", "http://h:1")));
        assertEquals("gelf-address=unix:///run/g.sock: unix is not supported here (use udp, tcp)",
                error(Map.of("gelf-address", "unix:///run/g.sock")));
        assertEquals("gelf-address=h:12201: expected udp, tcp://ADDRESS", error(Map.of("gelf-address", "h:12201")));
        assertEquals("gelf-address=udp://h: missing port", error(Map.of("gelf-address", "udp://h")));
        assertEquals("gelf-compression-type=lz4: expected gzip, zlib or none",
                error(Map.of("gelf-address", "udp://h:1", "gelf-compression-type", "lz4")));
        assertEquals("gelf-compression-level=10: expected an integer from -1 to 9",
                error(Map.of("gelf-address", "udp://h:1", "gelf-compression-level", "10")));
        assertEquals("gelf-compression-level=fast: expected an integer from -1 to 9",
                error(Map.of("gelf-address", "udp://h:1", "gelf-compression-level", "fast")));
        assertEquals("gelf-compression-type: compression is only supported on UDP (GELF over TCP is not compressed);"
                + " gelf-address=tcp://h:1", error(Map.of("gelf-address", "tcp://h:1", "gelf-compression-type", "gzip")));
        assertEquals("gelf-tcp-max-reconnect is only valid for TCP; gelf-address=udp://h:1",
                error(Map.of("gelf-address", "udp://h:1", "gelf-tcp-max-reconnect", "3")));
        assertEquals("gelf-tcp-max-reconnect=-1: expected an integer >= 0",
                error(Map.of("gelf-address", "tcp://h:1", "gelf-tcp-max-reconnect", "-1")));
        assertEquals("gelf-tcp-reconnect-delay=1s: expected an integer from 0 to 86400",
                error(Map.of("gelf-address", "tcp://h:1", "gelf-tcp-reconnect-delay", "1s")));
    }
}
