package io.conmonj.drivers.builtin.jsonfile;

import io.conmonj.drivers.common.CivilDate;
import io.conmonj.drivers.common.GoJson;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The byte-level encoding of Docker's json-file driver (moby {@code daemon/logger/jsonfilelog}).
 *
 * <ul>
 *   <li>{@link #appendLog}: moby {@code jsonlog.ffjsonWriteJSONBytesAsString}, used for {@code "log"}: {@code "} and
 *       {@code \} backslash-escaped, {@code \n} and {@code \r} as {@code \n} {@code \r}, every other byte below 0x20
 *       (tab included) and {@code < > &} as <code>&#92;u00XX</code> (lower-case hex), each byte that does not start a valid
 *       UTF-8 sequence (Go's {@code utf8.DecodeRune} returning {@code RuneError, 1}) as <code>&#92;ufffd</code>, U+2028 and
 *       U+2029 as <code>&#92;u2028</code> <code>&#92;u2029</code>; everything else (0x7F included) verbatim.</li>
 *   <li>{@link #attrs}: Go's {@code json.Marshal} of a {@code map[string]string}: keys sorted by their bytes, and
 *       encoding/json's string escaping, which differs from the above in that {@code \t}, {@code \b}, {@code \f}
 *       have short forms (Go 1.22+).</li>
 *   <li>{@link #formatTime}: Go's {@code time.RFC3339Nano} of a UTC time: {@code 2006-01-02T15:04:05.999999999Z},
 *       trailing zeros of the fraction trimmed, no fraction at all when it is zero; years 0..9999 only (moby
 *       {@code fastTimeMarshalJSON}).</li>
 * </ul>
 */
final class DockerJson {
    private DockerJson() {
    }

    /** Upper bound of the bytes {@link #appendLog} writes for {@code len} input bytes (quotes included). */
    static int maxLogLength(int len) {
        return 6 * len + 2;
    }

    /**
     * Writes {@code src[off, off+len)} as a quoted JSON string the way Docker writes {@code "log"}. {@code dst} must
     * have room for {@link #maxLogLength}. Returns the new position.
     */
    static int appendLog(byte[] src, int off, int len, byte[] dst, int pos) {
        dst[pos++] = '"';
        final int end = off + len;
        int i = off;
        while (i < end) {
            int b = src[i] & 0xff;
            if (b < 0x80) {
                if (b >= 0x20 && b != '\\' && b != '"' && b != '<' && b != '>' && b != '&') {
                    dst[pos++] = (byte) b;
                    i++;
                    continue;
                }
                dst[pos++] = '\\';
                switch (b) {
                    case '\\', '"' -> dst[pos++] = (byte) b;
                    case '\n' -> dst[pos++] = 'n';
                    case '\r' -> dst[pos++] = 'r';
                    default -> pos = GoJson.hex4(dst, pos, b);
                }
                i++;
                continue;
            }
            int n = GoJson.runeLength(src, i, end);
            if (n < 0) {
                dst[pos++] = '\\';
                pos = GoJson.hex4(dst, pos, 0xfffd);
                i++;
                continue;
            }
            if (GoJson.isLineOrParagraphSeparator(src, i, n)) {
                dst[pos++] = '\\';
                pos = GoJson.hex4(dst, pos, src[i + 2] == (byte) 0xa8 ? 0x2028 : 0x2029);
                i += 3;
                continue;
            }
            System.arraycopy(src, i, dst, pos, n);
            pos += n;
            i += n;
        }
        dst[pos++] = '"';
        return pos;
    }

    /**
     * {@code "time"}'s value without quotes into {@code dst}, or -1 if the year is outside 0..9999 (Docker refuses
     * such times). {@code dst} needs 30 bytes.
     */
    static int formatTime(long epochNanos, byte[] dst, int pos) {
        long sec = Math.floorDiv(epochNanos, 1_000_000_000L);
        int nanos = (int) Math.floorMod(epochNanos, 1_000_000_000L);
        return formatTime(sec, nanos, dst, pos);
    }

    static int formatTime(long sec, int nanos, byte[] dst, int pos) {
        long days = Math.floorDiv(sec, 86_400L);
        int secOfDay = (int) Math.floorMod(sec, 86_400L);
        long date = CivilDate.fromEpochDay(days);
        int day = CivilDate.day(date);
        int month = CivilDate.month(date);
        long year = CivilDate.year(date);
        if (year < 0 || year > 9999) {
            return -1;
        }
        int y = (int) year;
        dst[pos++] = (byte) ('0' + y / 1000);
        dst[pos++] = (byte) ('0' + y / 100 % 10);
        dst[pos++] = (byte) ('0' + y / 10 % 10);
        dst[pos++] = (byte) ('0' + y % 10);
        dst[pos++] = '-';
        pos = two(dst, pos, month);
        dst[pos++] = '-';
        pos = two(dst, pos, day);
        dst[pos++] = 'T';
        pos = two(dst, pos, secOfDay / 3600);
        dst[pos++] = ':';
        pos = two(dst, pos, secOfDay / 60 % 60);
        dst[pos++] = ':';
        pos = two(dst, pos, secOfDay % 60);
        if (nanos != 0) {
            int digits = 9;
            int v = nanos;
            while (v % 10 == 0) {
                v /= 10;
                digits--;
            }
            dst[pos++] = '.';
            for (int k = digits - 1; k >= 0; k--) {
                dst[pos + k] = (byte) ('0' + v % 10);
                v /= 10;
            }
            pos += digits;
        }
        dst[pos++] = 'Z';
        return pos;
    }

    /** The time as a String (for the gzip header and tests). */
    static String timeString(long epochNanos) {
        byte[] b = new byte[32];
        int n = formatTime(epochNanos, b, 0);
        if (n < 0) {
            throw new IllegalArgumentException("year outside 0..9999");
        }
        return new String(b, 0, n, StandardCharsets.US_ASCII);
    }

    private static int two(byte[] b, int p, int v) {
        b[p] = (byte) ('0' + v / 10);
        b[p + 1] = (byte) ('0' + v % 10);
        return p + 2;
    }

    /** Go's {@code json.Marshal(map[string]string)}: {@code {"k":"v",...}}, keys in byte order. Empty map: {@code {}}. */
    static byte[] attrs(Map<String, String> attrs) {
        List<byte[][]> entries = new ArrayList<>();
        for (Map.Entry<String, String> e : attrs.entrySet()) {
            entries.add(new byte[][] {utf8(e.getKey()), utf8(e.getValue())});
        }
        entries.sort((a, b) -> Arrays.compareUnsigned(a[0], b[0]));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write('{');
        boolean first = true;
        for (byte[][] kv : entries) {
            if (!first) {
                out.write(',');
            }
            first = false;
            goString(kv[0], out);
            out.write(':');
            goString(kv[1], out);
        }
        out.write('}');
        return out.toByteArray();
    }

    /** UTF-8 with lone surrogates as U+FFFD (what Go holds after decoding such a JSON string). */
    private static byte[] utf8(String s) {
        int[] cps = s.codePoints().map(c -> Character.isSurrogate((char) c) && c <= 0xffff ? 0xfffd : c).toArray();
        return new String(cps, 0, cps.length).getBytes(StandardCharsets.UTF_8);
    }

    private static void goString(byte[] s, ByteArrayOutputStream out) {
        byte[] quoted = new byte[GoJson.maxQuotedLength(s.length)];
        out.write(quoted, 0, GoJson.appendQuoted(s, 0, s.length, quoted, 0));
    }
}
