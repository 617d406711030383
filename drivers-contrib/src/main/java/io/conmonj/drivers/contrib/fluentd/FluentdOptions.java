package io.conmonj.drivers.contrib.fluentd;

import io.conmonj.drivers.contrib.net.Endpoint;
import io.conmonj.plugin.BinarySize;
import io.conmonj.plugin.LogDriverException;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    static final long DEFAULT_RETRY_WAIT_MS = 1000;

    static FluentdOptions parse(Map<String, String> options) throws LogDriverException {
        for (String key : options.keySet()) {
            if (!KNOWN.contains(key)) {
                throw new LogDriverException("unknown option " + key + " (known: " + String.join(", ", KNOWN)
                        + "; tag, labels and env are the host's)");
            }
        }
        if (options.containsKey(ASYNC) && options.containsKey(ASYNC_CONNECT)) {
            throw new LogDriverException("conflicting options: cannot specify both " + ASYNC + " and "
                    + ASYNC_CONNECT + " (the deprecated name of " + ASYNC + ")");
        }
        Endpoint address = Endpoint.parse(ADDRESS, options.getOrDefault(ADDRESS, DEFAULT_ADDRESS), DEFAULT_PORT,
                EnumSet.of(Endpoint.Transport.TCP, Endpoint.Transport.UNIX), Endpoint.Transport.TCP);
        boolean async = bool(options, options.containsKey(ASYNC_CONNECT) ? ASYNC_CONNECT : ASYNC);
        long bufferLimit = DEFAULT_BUFFER_LIMIT;
        if (options.containsKey(BUFFER_LIMIT)) {
            bufferLimit = BinarySize.parse(options.get(BUFFER_LIMIT));
            if (bufferLimit <= 0 || bufferLimit > Integer.MAX_VALUE - 64) {
                throw new LogDriverException(BUFFER_LIMIT + "=" + options.get(BUFFER_LIMIT)
                        + ": expected a size such as 1048576, 512k or 8m, below 2g");
            }
        }
        long retryWait = DEFAULT_RETRY_WAIT_MS;
        if (options.containsKey(RETRY_WAIT)) {
            retryWait = durationMillis(RETRY_WAIT, options.get(RETRY_WAIT));
        }
        int maxRetries = -1;
        if (options.containsKey(MAX_RETRIES)) {
            String v = options.get(MAX_RETRIES);
            try {
                long n = Long.parseLong(v);
                if (n < 0) {
                    throw new NumberFormatException();
                }
                maxRetries = (int) Math.min(n, Integer.MAX_VALUE);
            } catch (NumberFormatException e) {
                throw new LogDriverException(MAX_RETRIES + "=" + v + ": expected a number of retries (0 or more)");
            }
        }
        return new FluentdOptions(address, async, bufferLimit, retryWait, maxRetries, bool(options, SUB_SECOND),
                bool(options, REQUEST_ACK));
    }

    /** Go's strconv.ParseBool, which Docker uses: 1, t, T, TRUE, true, True and their false forms. */
    private static boolean bool(Map<String, String> options, String key) throws LogDriverException {
        String v = options.get(key);
        if (v == null || v.isEmpty()) {
            return false;
        }
        return switch (v) {
            case "1", "t", "T", "TRUE", "true", "True" -> true;
            case "0", "f", "F", "FALSE", "false", "False" -> false;
            default -> throw new LogDriverException(key + "=" + v + ": expected true or false");
        };
    }

    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");

    /** Go's time.ParseDuration syntax ({@code 500ms}, {@code 1s}, {@code 1m30s}, {@code 1.5s}); must be >= 1 ms. */
    static long durationMillis(String key, String value) throws LogDriverException {
        Matcher m = DURATION_PART.matcher(value);
        double nanos = 0;
        int end = 0;
        while (m.lookingAt()) {
            double unit = switch (m.group(2)) {
                case "ns" -> 1;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
            nanos += Double.parseDouble(m.group(1)) * unit;
            end = m.end();
            m.region(end, value.length());
        }
        if (end == 0 || end != value.length()) {
            throw new LogDriverException(key + "=" + value + ": expected a duration such as 500ms, 1s or 1m30s");
        }
        long millis = (long) (nanos / 1e6);
        if (millis < 1) {
            throw new LogDriverException(key + "=" + value + ": must be at least 1ms");
        }
        return millis;
    }
}
