package io.conmonj.drivers.contrib.gelf;

import io.conmonj.drivers.contrib.net.ByteSink;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * GZIP (RFC 1952) or ZLIB (RFC 1950) compression of one UDP message, which GELF receivers tell apart by the first
 * bytes (GELF 1.1, "GELF via UDP", "Compression": Graylog detects the compression type by the magic bytes: GZIP
 * {@code 1f 8b}, ZLIB {@code 78}). One {@link Deflater} and one output buffer are reused for every message.
 * The gzip header is Go's {@code gzip.Writer}'s without a modification time: no name, no extra, OS 255.
 */
final class GelfCompressor implements AutoCloseable {
    private static final byte[] GZIP_HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

    private final boolean gzip;
    private final Deflater deflater;
    private final CRC32 crc = new CRC32();
    private final ByteSink out = new ByteSink(2048);

    GelfCompressor(GelfOptions.Compression type, int level) {
        if (type == GelfOptions.Compression.NONE) {
            throw new IllegalArgumentException("no compressor for " + type);
        }
        this.gzip = type == GelfOptions.Compression.GZIP;
        this.deflater = new Deflater(level, gzip); // gzip: raw deflate between our own header and trailer
    }

    /** Compresses {@code in[off, off + len)}; the result is {@link #buffer()}{@code [0, returned length)}. */
    int compress(byte[] in, int off, int len) {
        out.reset();
        deflater.reset();
        if (gzip) {
            out.append(GZIP_HEADER);
            crc.reset();
            crc.update(in, off, len);
        }
        deflater.setInput(in, off, len);
        deflater.finish();
        while (!deflater.finished()) {
            out.ensure(Math.max(512, len / 2 + 64));
            int n = deflater.deflate(out.array(), out.size(), out.array().length - out.size());
            out.advance(n);
        }
        if (gzip) {
            int c = (int) crc.getValue();
            out.ensure(8);
            littleEndian(c);
            littleEndian(len);
        }
        return out.size();
    }

    byte[] buffer() {
        return out.array();
    }

    private void littleEndian(int v) {
        out.append((byte) v);
        out.append((byte) (v >>> 8));
        out.append((byte) (v >>> 16));
        out.append((byte) (v >>> 24));
    }

    @Override
    public void close() {
        deflater.end();
    }
}
