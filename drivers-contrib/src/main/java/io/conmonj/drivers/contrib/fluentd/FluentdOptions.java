package io.conmonj.drivers.contrib.fluentd;

import io.conmonj.drivers.contrib.net.Endpoint;
import io.conmonj.plugin.DriverOptions;
import io.conmonj.plugin.LogDriverException;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

/**
 * The fluentd driver's options, with Docker's names, defaults and value syntax (moby
 * daemon/logger/fluentd/fluentd.go, {@code parseConfig}). Messages name the option and the value so that
 * {@code podman run} shows what to fix.
 *
 * @param address       {@code fluentd-address}: {@code HOST[:PORT]}, {@code tcp://HOST[:PORT]},
 *                      {@code unix:///PATH}; default {@code 127.0.0.1:24224} (Docker's {@code defaultHost})
 * @param async         {@code fluentd-async} (or the deprecated {@code fluentd-async-connect}): start without the
 *                      collector
 * @param bufferLimit   {@code fluentd-buffer-limit}: bytes of encoded records kept while they cannot be sent
 * @param retryWaitMs   {@code fluentd-retry-wait}: the first reconnection delay (Go duration, default 1s)
 * @param maxRetries    {@code fluentd-max-retries}: reconnection attempts per message; -1 = no limit (Docker's
 *                      default is 2^31-1, which is the same in practice)
 * @param subSecond     {@code fluentd-sub-second-precision}: EventTime instead of integer seconds
 * @param requestAck    {@code fluentd-request-ack}: send {@code chunk}, wait for its ack, resend without it
 */
record FluentdOptions(Endpoint address, boolean async, long bufferLimit, long retryWaitMs, int maxRetries,
                      boolean subSecond, boolean requestAck) {
    static final String ADDRESS = "fluentd-address";
    static final String ASYNC = "fluentd-async";
    static final String ASYNC_CONNECT = "fluentd-async-connect";
    static final String BUFFER_LIMIT = "fluentd-buffer-limit";
    static final String RETRY_WAIT = "fluentd-retry-wait";
    static final String MAX_RETRIES = "fluentd-max-retries";
    static final String SUB_SECOND = "fluentd-sub-second-precision";
    static final String REQUEST_ACK = "fluentd-request-ack";
    static final List<String> KNOWN = List.of(ADDRESS, ASYNC, ASYNC_CONNECT, BUFFER_LIMIT, RETRY_WAIT, MAX_RETRIES,
            SUB_SECOND, REQUEST_ACK);

    static final int DEFAULT_PORT = 24224;
    static final String DEFAULT_ADDRESS = "127.0.0.1:" + DEFAULT_PORT;
    static final long DEFAULT_BUFFER_LIMIT = 1024 * 1024;
    /**
     * The largest {@code fluentd-buffer-limit}: the buffer lives on the monitor's heap (16 MiB in all, for every
     * driver of the container), and it grows by doubling, so 4 MiB may briefly take 6.
     */
    static final long MAX_BUFFER_LIMIT = 4L << 20;
    static final Duration DEFAULT_RETRY_WAIT = Duration.ofSeconds(1);
    static final Duration MIN_RETRY_WAIT = Duration.ofMillis(1);
    /** The largest first delay: the back-off's own cap (fluent-logger-golang's defaultMaxRetryWait). */
    static final Duration MAX_RETRY_WAIT = Duration.ofMinutes(1);

    static FluentdOptions parse(Map<String, String> options) throws LogDriverException {
        DriverOptions o = DriverOptions.of(options, KNOWN);
        if (o.has(ASYNC) && o.has(ASYNC_CONNECT)) {
            throw DriverOptions.error(ASYNC_CONNECT, "cannot be given with " + ASYNC
                    + " (it is the deprecated name of " + ASYNC + ")");
        }
        Endpoint address = Endpoint.parse(ADDRESS, o.string(ADDRESS, DEFAULT_ADDRESS, Endpoint.MAX_LENGTH),
                DEFAULT_PORT, EnumSet.of(Endpoint.Transport.TCP, Endpoint.Transport.UNIX), Endpoint.Transport.TCP);
        boolean async = o.bool(o.has(ASYNC_CONNECT) ? ASYNC_CONNECT : ASYNC, false);
        long bufferLimit = o.size(BUFFER_LIMIT, DEFAULT_BUFFER_LIMIT, 1, MAX_BUFFER_LIMIT);
        long retryWait = o.duration(RETRY_WAIT, DEFAULT_RETRY_WAIT, MIN_RETRY_WAIT, MAX_RETRY_WAIT).toMillis();
        int maxRetries = o.intValue(MAX_RETRIES, -1, 0, Integer.MAX_VALUE);
        return new FluentdOptions(address, async, bufferLimit, retryWait, maxRetries, o.bool(SUB_SECOND, false),
                o.bool(REQUEST_ACK, false));
    }
}
