package io.conmonj.drivers.contrib.gelf;

import java.io.IOException;

/** Sends one encoded GELF message (uncompressed JSON) to the collector. */
interface GelfTransport extends AutoCloseable {
    void send(byte[] json, int length) throws IOException;

    @Override
    void close() throws IOException;
}
