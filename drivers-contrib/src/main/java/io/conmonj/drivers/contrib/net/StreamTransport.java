package io.conmonj.drivers.contrib.net;

import java.io.IOException;

/**
 * A {@link MessageTransport} over a {@link StreamSender} (TCP, a unix stream socket): reconnects with back-off and
 * blocks while the collector is away. {@link #send} only appends the framed message to {@link #batch()}; the
 * messages of one read go out with one write at {@link #flush} ({@link BatchedStream}). Subclasses add the framing.
 */
public abstract class StreamTransport implements MessageTransport {
    private final BatchedStream stream;

    protected StreamTransport(StreamSender sender) {
        this.stream = new BatchedStream(sender);
    }

    /** Where {@link #send} appends the framed message. */
    protected final ByteSink batch() {
        return stream.batch();
    }

    @Override
    public final void flush() throws IOException {
        stream.flush();
    }

    @Override
    public final void containerExited() {
        stream.containerExited();
    }

    @Override
    public final void close() {
        stream.close();
    }
}
