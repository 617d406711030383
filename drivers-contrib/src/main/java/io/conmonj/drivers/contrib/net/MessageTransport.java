package io.conmonj.drivers.contrib.net;

import io.conmonj.plugin.LogDriver;

import java.io.Closeable;
import java.io.IOException;

/**
 * Where a line driver ({@link LineDriver}) sends its encoded messages: one per {@link #send}, over a datagram or a
 * stream transport. A driver may give its transports a stronger contract for {@link #send} (syslog: room before and
 * after the message for the framing); it documents it on its own sub-interface.
 */
public interface MessageTransport extends Closeable {

    /** Sends, or collects for {@link #flush}, the message {@code buffer[offset, offset + length)}. */
    void send(byte[] buffer, int offset, int length) throws IOException;

    /** After the messages of one read of container output: a transport that collects them sends them now. */
    default void flush() throws IOException {
    }

    /** See {@link LogDriver#containerExited()}: stop waiting for the collector without bound. */
    default void containerExited() {
    }

    @Override
    void close() throws IOException;
}
