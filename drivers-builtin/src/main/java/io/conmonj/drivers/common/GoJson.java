package io.conmonj.drivers.common;

import java.nio.charset.StandardCharsets;

/**
 * JSON strings byte for byte as Go's {@code encoding/json} writes them ({@code appendString} with HTML escaping,
 * Go 1.22+), for the drivers whose Docker counterparts marshal with it: json-file's {@code attrs} and the gelf driver
 * of drivers-contrib (go-gelf). The rules:
 * <ul>
 *   <li>{@code "} and {@code \} backslash-escaped; {@code \b \f \n \r \t} in their short forms; every other byte
 *       below 0x20 as <code>&#92;u00XX</code> (lower-case hex); 0x7F as it is;</li>
 *   <li>{@code < > &} as <code>&#92;u003c &#92;u003e &#92;u0026</code>, U+2028 and U+2029 as
 *       <code>&#92;u2028 &#92;u2029</code>;</li>
 *   <li>each byte that does not begin a valid UTF-8 sequence ({@link #runeLength} -1) as one <code>&#92;ufffd</code>,
 *       so bytes that are not text still make valid JSON.</li>
 * </ul>
 */
public final class GoJson {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private GoJson() {
    }

    /** Room {@link #appendQuoted} needs for {@code len} input bytes: at most 6 per byte, and the quotes. */
    public static int maxQuotedLength(int len) {
        return 6 * len + 2;
    }

    /**
     * Writes {@code src[off, off+len)} as a quoted JSON string at {@code dst[pos]}, which must have room for
     * {@link #maxQuotedLength}. Returns the position after the closing quote.
     */
    public static int appendQuoted(byte[] src, int off, int len, byte[] dst, int pos) {
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
            } else if (isLineOrParagraphSeparator(src, i, n)) {
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
        return pos;
    }

    /** U+2028 or U+2029 (E2 80 A8 / E2 80 A9), which JavaScript does not allow in a string literal. */
    public static boolean isLineOrParagraphSeparator(byte[] s, int i, int n) {
        return n == 3 && s[i] == (byte) 0xe2 && s[i + 1] == (byte) 0x80
                && (s[i + 2] == (byte) 0xa8 || s[i + 2] == (byte) 0xa9);
    }

    /** {@code u} followed by 4 lower-case hex digits. */
    public static int hex4(byte[] dst, int pos, int v) {
        dst[pos++] = 'u';
        dst[pos++] = HEX[(v >> 12) & 0xf];
        dst[pos++] = HEX[(v >> 8) & 0xf];
        dst[pos++] = HEX[(v >> 4) & 0xf];
        dst[pos++] = HEX[v & 0xf];
        return pos;
    }

    /**
     * Go's {@code utf8.DecodeRune} validity rules for the sequence starting at {@code i} (first byte &gt;= 0x80):
     * its length, or -1 where Go returns {@code (RuneError, 1)} (bad lead byte, bad or missing continuation,
     * overlong form, surrogate, above U+10FFFF).
     */
    public static int runeLength(byte[] s, int i, int end) {
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
