package io.conmonj.drivers.contrib.gelf;

import io.conmonj.drivers.contrib.net.Endpoint;
import io.conmonj.plugin.DriverOptions;
import io.conmonj.plugin.LogDriverException;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

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
 *       from 0 to 60; Docker has no cap): TCP only, an error with a UDP address, as in Docker. <b>Different default</b>: Docker gives up after 3
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

    /** The largest {@code gelf-tcp-reconnect-delay} in seconds: a minute (Docker has no cap). */
    static final int MAX_RECONNECT_DELAY_SECONDS = 60;

    static GelfOptions parse(Map<String, String> options) throws LogDriverException {
        DriverOptions o = DriverOptions.of(options, KNOWN);
        String address = o.string(ADDRESS, null, Endpoint.MAX_LENGTH);
        if (address == null) {
            throw DriverOptions.error(ADDRESS, "required (udp://HOST:PORT or tcp://HOST:PORT)");
        }
        Endpoint endpoint = Endpoint.parse(ADDRESS, address, 0, EnumSet.of(Endpoint.Transport.UDP,
                Endpoint.Transport.TCP), null);
        boolean udp = endpoint.transport() == Endpoint.Transport.UDP;
        for (String key : new TreeSet<>(options.keySet())) { // the first problem reported is always the same one
            if (!udp && (key.equals(COMPRESSION_TYPE) || key.equals(COMPRESSION_LEVEL))) {
                throw DriverOptions.error(key, "compression is only supported on UDP (GELF over TCP is not"
                        + " compressed); " + ADDRESS + "=" + endpoint);
            }
            if (udp && (key.equals(TCP_MAX_RECONNECT) || key.equals(TCP_RECONNECT_DELAY))) {
                throw DriverOptions.error(key, "only valid for TCP; " + ADDRESS + "=" + endpoint);
            }
        }
        Map<String, Compression> types = new LinkedHashMap<>();
        types.put("gzip", Compression.GZIP);
        types.put("zlib", Compression.ZLIB);
        types.put("none", Compression.NONE);
        Compression compression = o.choice(COMPRESSION_TYPE, Compression.GZIP, types);
        int level = o.intValue(COMPRESSION_LEVEL, DEFAULT_COMPRESSION_LEVEL, -1, 9);
        int maxReconnect = o.intValue(TCP_MAX_RECONNECT, -1, 0, Integer.MAX_VALUE);
        long delay = o.has(TCP_RECONNECT_DELAY)
                ? 1000L * o.intValue(TCP_RECONNECT_DELAY, 0, 0, MAX_RECONNECT_DELAY_SECONDS) : -1;
        return new GelfOptions(endpoint, compression, level, maxReconnect, delay);
    }
}
