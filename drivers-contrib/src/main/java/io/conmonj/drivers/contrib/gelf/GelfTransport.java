package io.conmonj.drivers.contrib.gelf;

import java.io.IOException;

/** Sends one encoded GELF message (uncompressed JSON) to the collector. */
interface GelfTransport extends AutoCloseable {
    void send(byte[] json, int length) throws IOException;

    /** After the messages of one read of container output: a transport that collects them sends them now. */
    default void flush() throws IOException {
    }

    /** See {@code LogDriver.containerExited()}: stop waiting for the collector without bound. */
    default void containerExited() {
    }

    @Override
    void close() throws IOException;
}
