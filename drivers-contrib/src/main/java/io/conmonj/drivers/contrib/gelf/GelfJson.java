package io.conmonj.drivers.contrib.gelf;

import java.nio.charset.StandardCharsets;

/**
 * JSON strings as Go's {@code encoding/json} writes them (Docker's gelf driver marshals its messages with it, through
 * go-gelf), so that a collector sees the same bytes from conmon-j as from Docker:
 * <ul>
 *   <li>{@code "} and {@code \} backslash-escaped; {@code \b \f \n \r \t} in their short forms (Go 1.22+); every
 *       other byte below 0x20 as <code>&#92;u00XX</code> (lower-case hex); 0x7F as it is;</li>
 *   <li>{@code < > &} as <code>&#92;u003c &#92;u003e &#92;u0026</code> and U+2028, U+2029 as
 *       <code>&#92;u2028 &#92;u2029</code> (json.Marshal's HTML-safe default);</li>
 *   <li>each byte that does not begin a valid UTF-8 sequence (Go's {@code utf8.DecodeRune} returning
 *       {@code (RuneError, 1)}: bad lead byte, bad or missing continuation, overlong form, surrogate, above U+10FFFF)
 *       as one <code>&#92;ufffd</code>, so container output that is not text still makes valid JSON, which the GELF
 *       payload must be (GELF 1.1 "GELF Payload Specification": the message is a JSON string).</li>
 * </ul>
 */
final class GelfJson {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private GelfJson() {
    }

    /** {@code s} as a quoted JSON string. */
    static void appendString(ByteSink out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        appendString(out, b, 0, b.length);
    }

    /** {@code src[off, off+len)} as a quoted JSON string. */
    static void appendString(ByteSink out, byte[] src, int off, int len) {
        out.ensure(6 * len + 2); // the most one input byte can take is 6 (a backslash-u escape)
        byte[] dst = out.array();
        int pos = out.size();
        dst[pos++] = '"';
        final int end = off + len;
        int i = off;
        while (i < end) {
            int b = src[i] & 0xff;
            if (b < 0x80) {
                i++;
                if (b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&') {
                    dst[pos++] = (byte) b;
                    continue;
                }
                dst[pos++] = '\\';
                switch (b) {
                    case '"', '\\' -> dst[pos++] = (byte) b;
                    case '\b' -> dst[pos++] = 'b';
                    case '\f' -> dst[pos++] = 'f';
                    case '\n' -> dst[pos++] = 'n';
                    case '\r' -> dst[pos++] = 'r';
                    case '\t' -> dst[pos++] = 't';
                    default -> pos = hex4(dst, pos, b);
                }
                continue;
            }
            int n = runeLength(src, i, end);
            if (n < 0) {
                dst[pos++] = '\\';
                pos = hex4(dst, pos, 0xfffd);
                i++;
            } else if (n == 3 && b == 0xe2 && src[i + 1] == (byte) 0x80
                    && (src[i + 2] == (byte) 0xa8 || src[i + 2] == (byte) 0xa9)) {
                dst[pos++] = '\\';
                pos = hex4(dst, pos, src[i + 2] == (byte) 0xa8 ? 0x2028 : 0x2029);
                i += 3;
            } else {
                System.arraycopy(src, i, dst, pos, n);
                pos += n;
                i += n;
            }
        }
        dst[pos++] = '"';
        out.advance(pos - out.size()); // the bytes were written in place
    }

    private static int hex4(byte[] dst, int pos, int v) {
        dst[pos++] = 'u';
        dst[pos++] = HEX[(v >> 12) & 0xf];
        dst[pos++] = HEX[(v >> 8) & 0xf];
        dst[pos++] = HEX[(v >> 4) & 0xf];
        dst[pos++] = HEX[v & 0xf];
        return pos;
    }

    /**
     * The length of the valid UTF-8 sequence at {@code i} (first byte &gt;= 0x80), or -1 where Go's
     * {@code utf8.DecodeRune} gives {@code (RuneError, 1)}.
     */
    static int runeLength(byte[] s, int i, int end) {
        int b0 = s[i] & 0xff;
        if (b0 < 0xc2 || b0 > 0xf4) {
            return -1;
        }
        int lo = 0x80;
        int hi = 0xbf;
        int n;
        if (b0 < 0xe0) {
            n = 2;
        } else if (b0 < 0xf0) {
            n = 3;
            if (b0 == 0xe0) {
                lo = 0xa0; // overlong
            } else if (b0 == 0xed) {
                hi = 0x9f; // surrogates
            }
        } else {
            n = 4;
            if (b0 == 0xf0) {
                lo = 0x90; // overlong
            } else if (b0 == 0xf4) {
                hi = 0x8f; // above U+10FFFF
            }
        }
        if (i + n > end) {
            return -1;
        }
        int b1 = s[i + 1] & 0xff;
        if (b1 < lo || b1 > hi) {
            return -1;
        }
        for (int k = 2; k < n; k++) {
            int c = s[i + k] & 0xff;
            if (c < 0x80 || c > 0xbf) {
                return -1;
            }
        }
        return n;
    }
}
