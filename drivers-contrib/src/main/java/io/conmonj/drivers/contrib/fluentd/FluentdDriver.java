package io.conmonj.drivers.contrib.fluentd;

import io.conmonj.drivers.contrib.net.Backoff;
import io.conmonj.drivers.contrib.net.StreamSender;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogRecord;

import java.io.IOException;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Sends a container's records to a Fluentd forward input. {@link #write} only encodes the record into the pending
 * entries; {@link #flush} (after each read of container output) sends all of them as one PackedForward message
 * (Forward Protocol Specification v1, "PackedForward Mode": {@code [tag, entries as bin, option]}, option
 * {@code size}, and {@code chunk} when acks are requested), then, with acks, waits for {@code {"ack": chunk}} and
 * sends the same message again, on a new connection, if it does not come.
 *
 * <p>The pending entries are the retry buffer: they are dropped only once sent (and acknowledged). The
 * {@link StreamSender} blocks a flush while the collector is away, so with the default unlimited retries the
 * buffer holds at most the records of one read, and the host's mode decides what waiting means (docs/logging.md).
 * With {@code fluentd-max-retries} a flush gives up, its records stay pending, and later records are added to them
 * up to {@code fluentd-buffer-limit} bytes; records beyond it are dropped and reported through the warnings, once
 * when dropping starts and with their count when sending works again (or at close).
 */
final class FluentdDriver implements LogDriver {
    /** How long to wait for an ack before sending the chunk again (Docker has no option for it). */
    static final long DEFAULT_ACK_TIMEOUT_MS = 30_000;

    private final StreamSender sender;
    private final EntryEncoder encoder;
    private final FluentdOptions options;
    private final Consumer<String> warnings;
    private final long ackTimeoutMs;
    private final Supplier<String> chunkIds;
    private final byte[] tag;
    private final AckReader acks = new AckReader();
    /** Delays between resends of a chunk whose ack was wrong or missing; reset by a good ack. */
    private final Backoff ackBackoff;
    private final MsgPackWriter entries = new MsgPackWriter(16 * 1024);
    private final MsgPackWriter head = new MsgPackWriter(64);
    private final MsgPackWriter option = new MsgPackWriter(64);
    private int pending;
    private long dropped;
    private boolean dropping;
    private long sentMessages;

    FluentdDriver(StreamSender sender, EntryEncoder encoder, String tag, FluentdOptions options,
                  Consumer<String> warnings, long ackTimeoutMs, Supplier<String> chunkIds) {
        this.sender = sender;
        this.encoder = encoder;
        this.options = options;
        this.warnings = warnings;
        this.ackTimeoutMs = ackTimeoutMs;
        this.chunkIds = chunkIds;
        this.tag = new MsgPackWriter(tag.length() + 5).str(tag).toByteArray();
        this.ackBackoff = new Backoff(options.retryWaitMs(), Math.max(options.retryWaitMs(),
                FluentdProvider.MAX_RETRY_WAIT_MS));
    }

    /** The spec's chunk: "a string of Base64 representation of 128 bits unique_id". */
    static String randomChunkId() {
        byte[] b = new byte[16];
        ThreadLocalRandom.current().nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    @Override
    public void write(LogRecord record) {
        int mark = entries.size();
        encoder.encode(record, entries);
        if (entries.size() > options.bufferLimit()) {
            entries.truncate(mark);
            dropped++;
            if (!dropping) {
                dropping = true;
                warnings.accept(FluentdOptions.BUFFER_LIMIT + "=" + options.bufferLimit() + " bytes reached with "
                        + pending + " records not yet sent to " + sender.endpoint() + ": dropping records until it"
                        + " takes them again");
            }
            return;
        }
        pending++;
    }

    @Override
    public void flush() throws IOException {
        if (pending == 0) {
            return;
        }
        String chunk = options.requestAck() ? chunkIds.get() : null;
        head.reset();
        head.arrayHeader(3).raw(tag, 0, tag.length).binHeader(entries.size());
        option.reset();
        option.mapHeader(chunk == null ? 1 : 2).str("size").uint(pending);
        if (chunk != null) {
            option.str("chunk").str(chunk);
        }
        int unacknowledged = 0;
        while (true) {
            try {
                sender.send(head.view(), entries.view(), option.view());
            } catch (IOException e) {
                throw new IOException(e.getMessage() + "; " + pending + " records kept to be sent with the next ones"
                        + " (up to " + FluentdOptions.BUFFER_LIMIT + "=" + options.bufferLimit() + " bytes)", e);
            }
            if (chunk == null) {
                break;
            }
            try {
                acks.await(sender.channel(), chunk, Math.max(1, sender.millisLeft(ackTimeoutMs)));
                ackBackoff.reset();
                break;
            } catch (IOException e) {
                // resent whole on a new connection: the server may have taken it already (at-least-once)
                sender.disconnect(e);
                unacknowledged++;
                if (options.maxRetries() >= 0 && unacknowledged > options.maxRetries()) {
                    throw new IOException(sender.endpoint() + ": chunk " + chunk + " not acknowledged ("
                            + e.getMessage() + ", gave up after " + options.maxRetries() + " retries); " + pending
                            + " records kept to be sent with the next ones", e);
                }
                // A collector that answers at once with a bad ack would otherwise be reconnected to as fast as the
                // loop runs (about 1000 connections a second): wait as for a refused connection. The wait ends
                // at the container's exit deadline; the next send then gives up without a connection.
                sender.pause(ackBackoff);
            }
        }
        sentMessages++;
        entries.reset();
        pending = 0;
        reportDrops();
    }

    private void reportDrops() {
        if (dropped > 0) {
            warnings.accept(dropped + " records dropped while " + sender.endpoint() + " did not take them ("
                    + FluentdOptions.BUFFER_LIMIT + "=" + options.bufferLimit() + " bytes)");
        }
        dropped = 0;
        dropping = false;
    }

    /** Retries (reconnects, ack waits) end {@link #EXIT_GRACE_MILLIS} from now; pending records are then reported. */
    @Override
    public void containerExited() {
        sender.giveUpAfter(EXIT_GRACE_MILLIS);
    }

    /** PackedForward messages delivered so far (for tests). */
    long sentMessages() {
        return sentMessages;
    }

    @Override
    public void close() throws IOException {
        try {
            if (pending > 0) {
                try {
                    flush();
                } catch (IOException e) {
                    warnings.accept(pending + " records not delivered to " + sender.endpoint() + ": " + e.getMessage());
                }
            }
            if (dropped > 0) {
                reportDrops();
            }
        } finally {
            sender.close();
        }
    }
}
