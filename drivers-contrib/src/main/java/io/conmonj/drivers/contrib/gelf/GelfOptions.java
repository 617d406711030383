package io.conmonj.drivers.contrib.gelf;

import io.conmonj.drivers.contrib.net.Endpoint;
import io.conmonj.plugin.LogDriverException;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The gelf driver's options, with Docker's names and rules (docs.docker.com, "Graylog Extended Format logging driver",
 * GELF options; moby {@code daemon/logger/gelf} {@code ValidateLogOpt}):
 *
 * <ul>
 *   <li>{@code gelf-address}: required, {@code udp://HOST:PORT} or {@code tcp://HOST:PORT}, the port required;</li>
 *   <li>{@code gelf-compression-type} ({@code gzip} default, {@code zlib}, {@code none}) and
 *       {@code gelf-compression-level} (-1..9, default 1 = go-gelf's {@code flate.BestSpeed}): UDP only. As in
 *       Docker, giving either with a TCP address is an error, because GELF over TCP is never compressed (GELF 1.1,
 *       "GELF via TCP");</li>
 *   <li>{@code gelf-tcp-max-reconnect} (an integer &gt;= 0) and {@code gelf-tcp-reconnect-delay} (seconds, an integer
 *       &gt;= 0): TCP only, an error with a UDP address, as in Docker. <b>Different default</b>: Docker gives up after 3
 *       reconnection attempts (1 s apart) and drops the message; without the option this driver retries without limit,
 *       with back-off from 100 ms up to 1 s, so that in {@code mode=blocking} the container waits for the collector
 *       instead of losing its output (issue 6), and in {@code mode=non-blocking} the host's buffer takes the strain.</li>
 * </ul>
 * {@code tag}, {@code labels}, {@code env}, {@code mode} and {@code max-buffer-size} are consumed by the host.
 *
 * @param maxReconnect        -1: no limit
 * @param reconnectDelayMillis -1: back-off (the default); else a fixed delay between attempts
 */
record GelfOptions(Endpoint endpoint, Compression compression, int compressionLevel, int maxReconnect,
                   long reconnectDelayMillis) {

    static final String ADDRESS = "gelf-address";
    static final String COMPRESSION_TYPE = "gelf-compression-type";
    static final String COMPRESSION_LEVEL = "gelf-compression-level";
    static final String TCP_MAX_RECONNECT = "gelf-tcp-max-reconnect";
    static final String TCP_RECONNECT_DELAY = "gelf-tcp-reconnect-delay";
    static final List<String> KNOWN = List.of(ADDRESS, COMPRESSION_TYPE, COMPRESSION_LEVEL, TCP_MAX_RECONNECT,
            TCP_RECONNECT_DELAY);
    /** go-gelf's UDP writer default, {@code flate.BestSpeed}. */
    static final int DEFAULT_COMPRESSION_LEVEL = 1;

    enum Compression { GZIP, ZLIB, NONE }

    static GelfOptions parse(Map<String, String> options) throws LogDriverException {
        Map<String, String> sorted = new TreeMap<>(options); // the first problem reported is always the same one
        for (String key : sorted.keySet()) {
            if (!KNOWN.contains(key)) {
                throw new LogDriverException("unknown option " + key + " (known: " + String.join(", ", KNOWN) + ")");
            }
        }
        String address = sorted.get(ADDRESS);
        if (address == null) {
            throw new LogDriverException(ADDRESS + " is required (udp://HOST:PORT or tcp://HOST:PORT)");
        }
        Endpoint endpoint = Endpoint.parse(ADDRESS, address, 0, EnumSet.of(Endpoint.Transport.UDP,
                Endpoint.Transport.TCP), null);
        boolean udp = endpoint.transport() == Endpoint.Transport.UDP;
        for (String key : sorted.keySet()) {
            if (!udp && (key.equals(COMPRESSION_TYPE) || key.equals(COMPRESSION_LEVEL))) {
                throw new LogDriverException(key + ": compression is only supported on UDP (GELF over TCP is not"
                        + " compressed); " + ADDRESS + "=" + address);
            }
            if (udp && (key.equals(TCP_MAX_RECONNECT) || key.equals(TCP_RECONNECT_DELAY))) {
                throw new LogDriverException(key + " is only valid for TCP; " + ADDRESS + "=" + address);
            }
        }
        Compression compression = Compression.GZIP;
        String type = sorted.get(COMPRESSION_TYPE);
        if (type != null) {
            compression = switch (type) {
                case "gzip" -> Compression.GZIP;
                case "zlib" -> Compression.ZLIB;
                case "none" -> Compression.NONE;
                default -> throw new LogDriverException(COMPRESSION_TYPE + "=" + type + ": expected gzip, zlib or none");
            };
        }
        int level = DEFAULT_COMPRESSION_LEVEL;
        if (sorted.containsKey(COMPRESSION_LEVEL)) {
            level = integer(COMPRESSION_LEVEL, sorted.get(COMPRESSION_LEVEL), -1, 9);
        }
        int maxReconnect = -1;
        if (sorted.containsKey(TCP_MAX_RECONNECT)) {
            maxReconnect = integer(TCP_MAX_RECONNECT, sorted.get(TCP_MAX_RECONNECT), 0, Integer.MAX_VALUE);
        }
        long delay = -1;
        if (sorted.containsKey(TCP_RECONNECT_DELAY)) {
            delay = 1000L * integer(TCP_RECONNECT_DELAY, sorted.get(TCP_RECONNECT_DELAY), 0, 86_400);
        }
        return new GelfOptions(endpoint, compression, level, maxReconnect, delay);
    }

    private static int integer(String key, String value, int min, int max) throws LogDriverException {
        String range = max == Integer.MAX_VALUE ? "an integer >= " + min : "an integer from " + min + " to " + max;
        try {
            int v = Integer.parseInt(value);
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new LogDriverException(key + "=" + value + ": expected " + range);
    }
}
