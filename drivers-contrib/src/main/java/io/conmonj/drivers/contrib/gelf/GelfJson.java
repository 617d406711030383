package io.conmonj.drivers.contrib.gelf;

import io.conmonj.drivers.contrib.net.ByteSink;
import io.conmonj.drivers.common.GoJson;

import java.nio.charset.StandardCharsets;

/**
 * JSON strings as Go's {@code encoding/json} writes them (Docker's gelf driver marshals its messages with it, through
 * go-gelf), so that a collector sees the same bytes from conmon-j as from Docker; the encoding itself is
 * drivers-builtin's {@link GoJson}, which json-file's {@code attrs} use too. Container output that is not text still
 * makes valid JSON (each byte that does not begin a valid UTF-8 sequence becomes <code>&#92;ufffd</code>), which the
 * GELF payload must be (GELF 1.1 "GELF Payload Specification": the message is a JSON string).
 */
final class GelfJson {

    private GelfJson() {
    }

    /** {@code s} as a quoted JSON string. */
    static void appendString(ByteSink out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        appendString(out, b, 0, b.length);
    }

    /** {@code src[off, off+len)} as a quoted JSON string. */
    static void appendString(ByteSink out, byte[] src, int off, int len) {
        out.ensure(GoJson.maxQuotedLength(len));
        int end = GoJson.appendQuoted(src, off, len, out.array(), out.size());
        out.advance(end - out.size()); // the bytes were written in place
    }
}
