package io.conmonj.drivers.contrib.net;

import io.conmonj.plugin.LogDriver;

import java.io.Closeable;
import java.io.IOException;

/**
 * A {@link StreamSender} that sends the framed messages of one read of container output with one write: the
 * transport appends each message to {@link #batch()}, the driver's {@code flush()} sends them at {@link #flush}. One
 * system call per line made a container that prints short lines cost the monitor several times the CPU.
 */
public final class BatchedStream implements Closeable {
    private final StreamSender sender;
    private final ByteSink batch = new ByteSink(16 * 1024);

    public BatchedStream(StreamSender sender) {
        this.sender = sender;
    }

    /** Where the transport appends its framed messages until the next {@link #flush}. */
    public ByteSink batch() {
        return batch;
    }

    /** Sends what was appended since the last flush, if anything; blocks as {@link StreamSender#send} does. */
    public void flush() throws IOException {
        if (batch.size() == 0) {
            return;
        }
        try {
            sender.send(batch.view());
        } finally {
            batch.reset(); // sent, or reported by the host as this read's failure
        }
    }

    /** The container has exited: wait for an absent collector only {@link LogDriver#EXIT_GRACE_MILLIS} more. */
    public void containerExited() {
        sender.giveUpAfter(LogDriver.EXIT_GRACE_MILLIS);
    }

    @Override
    public void close() {
        sender.close();
    }
}
