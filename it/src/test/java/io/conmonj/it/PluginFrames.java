package io.conmonj.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The example C plugins' frame format: {@code <stream> <timestamp_ns> <P|F> <length>\n<length bytes>\n}. */
final class PluginFrames {
    private PluginFrames() {}

    /** One frame. */
    record Rec(String stream, long timestampNs, boolean partial, String data) {
        @Override public String toString() {
            return stream + " " + timestampNs + " " + (partial ? "P" : "F") + " " + Json.quote(data.length() > 60 ? data.substring(0, 60) + "..." : data);
        }
    }

    /** Parses the whole byte sequence into frames; fails on anything that is not exactly frames. Data as ISO-8859-1. */
    static List<Rec> parse(byte[] b) {
        List<Rec> out = new ArrayList<>();
        int pos = 0;
        while (pos < b.length) {
            int nl = pos;
            while (nl < b.length && b[nl] != '\n') nl++;
            assertTrue(nl < b.length, "unterminated frame header at offset " + pos);
            String header = new String(b, pos, nl - pos, StandardCharsets.US_ASCII);
            String[] f = header.split(" ");
            assertEquals(4, f.length, "frame header at offset " + pos + ": " + Json.quote(header));
            assertTrue(f[0].equals("stdout") || f[0].equals("stderr"), "stream: " + header);
            assertTrue(f[2].equals("P") || f[2].equals("F"), "flag: " + header);
            int len = Integer.parseInt(f[3]);
            int start = nl + 1;
            assertTrue(start + len < b.length && b[start + len] == '\n', "frame body of " + header + " not followed by \\n");
            out.add(new Rec(f[0], Long.parseLong(f[1]), f[2].equals("P"), new String(b, start, len, StandardCharsets.ISO_8859_1)));
            pos = start + len + 1;
        }
        return out;
    }

    /** One stream's bytes, the records' data concatenated in order. */
    static String joined(List<Rec> recs, String stream) {
        StringBuilder sb = new StringBuilder();
        for (Rec r : recs) if (r.stream().equals(stream)) sb.append(r.data());
        return sb.toString();
    }
}
