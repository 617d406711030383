package io.conmonj.drivers.contrib.fluentd;

import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogRecord;
import io.conmonj.plugin.LogStream;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Encodes one record as a Forward-protocol entry {@code [time, record]} (Forward Protocol Specification v1,
 * "Entry"), with the record map Docker's fluentd driver sends (moby daemon/logger/fluentd/fluentd.go, {@code Log}):
 * {@code container_id} (full id), {@code container_name}, {@code source} ({@code stdout}/{@code stderr}),
 * {@code log} (the line without its {@code \n}, bytes as the container wrote them), then the selected labels and
 * env variables, then for the pieces of a line that spans records {@code partial_message}, {@code partial_id},
 * {@code partial_ordinal}, {@code partial_last}. Every value is a str, as Docker's {@code map[string]string}.
 *
 * <p>Names collide as in Docker, where later assignments to the Go map win: a label or env variable named like a
 * base field replaces it, and the partial fields replace a label or env variable of their name.
 *
 * <p>Time: integer seconds, or with sub-second precision the EventTime ext type (spec "EventTime Ext Format").
 */
final class EntryEncoder {
    static final List<String> PARTIAL_FIELDS = List.of("partial_message", "partial_id", "partial_ordinal",
            "partial_last");

    // the constant parts of every record, encoded once
    private static final byte[] SOURCE_STDOUT = new MsgPackWriter(16).str("source").str("stdout").toByteArray();
    private static final byte[] SOURCE_STDERR = new MsgPackWriter(16).str("source").str("stderr").toByteArray();
    private static final byte[] LOG_KEY = new MsgPackWriter(4).str("log").toByteArray();
    private static final byte[] PARTIAL_MESSAGE = new MsgPackWriter(24).str("partial_message").str("true").toByteArray();
    private static final byte[] PARTIAL_LAST_TRUE = new MsgPackWriter(24).str("partial_last").str("true").toByteArray();
    private static final byte[] PARTIAL_LAST_FALSE = new MsgPackWriter(24).str("partial_last").str("false").toByteArray();

    private final boolean subSecond;
    private final Supplier<String> partialIds;
    /** Pre-encoded fields that are the same in every record: container_id, container_name (unless replaced). */
    private final List<Field> base = new ArrayList<>();
    /** The labels and env variables, by name. */
    private final List<Field> extras = new ArrayList<>();
    private final int extrasNamedPartial;
    private final boolean sourceReplaced;
    private final boolean logReplaced;
    private final PartialLine[] partials = {new PartialLine(), new PartialLine()};

    /** A map entry encoded once: str key, str value. */
    private record Field(byte[] bytes, boolean partialName) {
        static Field of(String key, String value) {
            return new Field(new MsgPackWriter(key.length() + value.length() + 8).str(key).str(value).toByteArray(),
                    PARTIAL_FIELDS.contains(key));
        }
    }

    /** The piece count of the line a stream is in the middle of (Docker's PartialLogMetaData). */
    private static final class PartialLine {
        String id;
        int ordinal;
    }

    /**
     * @param partialIds new ids for lines that span records (Docker: a random 64-hex-digit id)
     */
    EntryEncoder(ContainerMetadata container, boolean subSecond, Supplier<String> partialIds) {
        this.subSecond = subSecond;
        this.partialIds = partialIds;
        // Docker's ExtraAttributes: labels, then env variables, an env variable winning over a label of its name
        Map<String, String> extra = new TreeMap<>(container.labels());
        extra.putAll(container.env());
        if (!extra.containsKey("container_id")) {
            base.add(Field.of("container_id", container.id()));
        }
        if (!extra.containsKey("container_name")) {
            base.add(Field.of("container_name", containerName(container)));
        }
        sourceReplaced = extra.containsKey("source");
        logReplaced = extra.containsKey("log");
        extra.forEach((k, v) -> extras.add(Field.of(k, v)));
        extrasNamedPartial = (int) extras.stream().filter(Field::partialName).count();
    }

    /**
     * Docker's {@code info.ContainerName}, which has the leading {@code /} of Docker's container names; we keep it so
     * that collector rules written for Docker's records match ours.
     */
    static String containerName(ContainerMetadata container) {
        String name = container.name() == null ? "" : container.name();
        return name.startsWith("/") ? name : "/" + name;
    }

    /** Docker's partial ids are stringid.GenerateRandomID(): 32 random bytes in hex. */
    static String randomPartialId() {
        byte[] b = new byte[32];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Appends the entry of {@code record} to {@code out}. */
    void encode(LogRecord record, MsgPackWriter out) {
        PartialLine line = partials[record.stream() == LogStream.STDERR ? 1 : 0];
        boolean piece = record.partial() || line.id != null;
        if (piece) {
            if (line.id == null) {
                line.id = partialIds.get();
                line.ordinal = 0;
            }
            line.ordinal++;
        }
        out.arrayHeader(2);
        long seconds = Math.floorDiv(record.timestampNanos(), 1_000_000_000L);
        if (subSecond) {
            out.eventTime(seconds, (int) Math.floorMod(record.timestampNanos(), 1_000_000_000L));
        } else {
            out.uint(Math.max(0, seconds));
        }
        int fields = base.size() + (sourceReplaced ? 0 : 1) + (logReplaced ? 0 : 1) + extras.size()
                + (piece ? PARTIAL_FIELDS.size() - extrasNamedPartial : 0);
        out.mapHeader(fields);
        for (Field f : base) {
            out.raw(f.bytes(), 0, f.bytes().length);
        }
        if (!sourceReplaced) {
            byte[] f = record.stream() == LogStream.STDERR ? SOURCE_STDERR : SOURCE_STDOUT;
            out.raw(f, 0, f.length);
        }
        if (!logReplaced) {
            int len = record.length();
            if (!record.partial() && len > 0 && record.data()[record.offset() + len - 1] == '\n') {
                len--; // Docker's Line is the line without its newline
            }
            out.raw(LOG_KEY, 0, LOG_KEY.length).str(record.data(), record.offset(), len);
        }
        for (Field f : extras) {
            if (!(piece && f.partialName())) {
                out.raw(f.bytes(), 0, f.bytes().length);
            }
        }
        if (piece) {
            boolean last = !record.partial();
            out.raw(PARTIAL_MESSAGE, 0, PARTIAL_MESSAGE.length);
            out.str("partial_id").str(line.id);
            out.str("partial_ordinal").str(Integer.toString(line.ordinal));
            byte[] f = last ? PARTIAL_LAST_TRUE : PARTIAL_LAST_FALSE;
            out.raw(f, 0, f.length);
            if (last) {
                line.id = null;
            }
        }
    }
}
