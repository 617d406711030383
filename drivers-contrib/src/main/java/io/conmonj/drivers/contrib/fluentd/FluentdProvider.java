package io.conmonj.drivers.contrib.fluentd;

import io.conmonj.drivers.contrib.net.Backoff;
import io.conmonj.drivers.contrib.net.MetadataBudget;
import io.conmonj.drivers.contrib.net.StreamSender;
import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.DriverOptions;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogDriverException;
import io.conmonj.plugin.LogDriverProvider;

import java.io.IOException;
import java.net.SocketAddress;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@code fluentd}: Docker's fluentd log driver (docs/logging.md, "fluentd"), speaking the Fluentd Forward Protocol
 * v1 over TCP or a unix socket. As in Docker, the collector must be reachable when the container starts unless
 * {@code fluentd-async} is set ("If container cannot connect to the Fluentd daemon, the container stops immediately
 * unless the fluentd-async option is used", Docker's Fluentd logging driver page); a host name that does not
 * resolve is a start-up error in both cases.
 */
public final class FluentdProvider implements LogDriverProvider {
    public static final String NAME = "fluentd";
    /** fluent-logger-golang's cap on the reconnection delay (defaultMaxRetryWait). */
    static final long MAX_RETRY_WAIT_MS = 60_000;

    /** Characters of names and values of the selected labels and env variables in each record. */
    static final int MAX_EXTRAS = 32 * 1024;
    /** The longest tag sent (Fluentd sets none; a tag is in every message, and Fluentd matches on it). */
    static final int MAX_TAG = 1024;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public LogDriver open(ContainerMetadata container, Map<String, String> options, Consumer<String> warnings)
            throws LogDriverException {
        return open(container, options, warnings, FluentdDriver.DEFAULT_ACK_TIMEOUT_MS, FluentdDriver::randomChunkId,
                EntryEncoder::randomPartialId);
    }

    /** With the ack timeout and the ids under the caller's control (tests). */
    static FluentdDriver open(ContainerMetadata container, Map<String, String> options, Consumer<String> warnings,
                              long ackTimeoutMs, Supplier<String> chunkIds, Supplier<String> partialIds)
            throws LogDriverException {
        FluentdOptions o = FluentdOptions.parse(options);
        String tag = checkedTag(container.tag() != null ? container.tag() : container.shortId()); // Docker's {{.ID}}
        SocketAddress address = o.address().resolve();
        Backoff backoff = new Backoff(o.retryWaitMs(), Math.max(o.retryWaitMs(), MAX_RETRY_WAIT_MS));
        StreamSender sender = new StreamSender(o.address(), address, backoff, o.maxRetries(), warnings);
        if (!o.async()) {
            try {
                sender.connect();
            } catch (IOException e) {
                sender.close();
                String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                throw new LogDriverException("cannot connect to " + o.address() + " (" + FluentdOptions.ADDRESS
                        + "): " + why + " (set " + FluentdOptions.ASYNC + "=true to start without the collector)", e);
            }
        }
        // Docker's ExtraAttributes: an env variable wins over a label of its name; merged here to cap them together
        Map<String, String> extra = new TreeMap<>(container.labels());
        extra.putAll(container.env());
        ContainerMetadata capped = new ContainerMetadata(container.id(), container.name(), container.tag(),
                MetadataBudget.fit(extra, MAX_EXTRAS, "the fluentd records", warnings), Map.of(), container.image());
        EntryEncoder encoder = new EntryEncoder(capped, o.subSecond(), partialIds);
        return new FluentdDriver(sender, encoder, tag, o, warnings, ackTimeoutMs, chunkIds);
    }

    /**
     * The tag as it is, or a start-up error: Fluentd routes records by their tag (its {@code <match>} patterns), so a
     * tag is refused rather than changed. Refused: control characters (C0, DEL, C1, U+2028/9), a lone surrogate
     * (the tag is sent as UTF-8), more than {@value #MAX_TAG} characters. Docker checks nothing.
     */
    static String checkedTag(String tag) throws LogDriverException {
        if (tag.length() > MAX_TAG) {
            throw DriverOptions.error("tag", DriverOptions.echo(tag) + ": a fluentd tag has at most " + MAX_TAG
                    + " characters");
        }
        for (int i = 0; i < tag.length(); i++) {
            char c = tag.charAt(i);
            boolean control = c < ' ' || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == '\u2028' || c == '\u2029';
            boolean lone = Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < tag.length()
                    && Character.isLowSurrogate(tag.charAt(i + 1)));
            if (Character.isHighSurrogate(c) && !lone) {
                i++;
                continue;
            }
            if (control || lone) {
                throw DriverOptions.error("tag", DriverOptions.echo(tag) + ": a fluentd tag has no control characters"
                        + " (Fluentd routes records by their tag)");
            }
        }
        return tag;
    }
}
