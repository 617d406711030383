package io.conmonj.it;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses k8s-file logs: {@code TIMESTAMP STREAM F|P CONTENT\n}; timestamps are checked by pattern, never compared. */
final class K8sLog {
    static final Pattern PREFIX = Pattern.compile(
            "^(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{9}[+-]\\d{2}:\\d{2}) (stdout|stderr) ([FP]) ");

    record Rec(String timestamp, String stream, char tag, byte[] content) {
        String text() { return new String(content, StandardCharsets.ISO_8859_1); }

        @Override public String toString() { return stream + " " + tag + " " + text(); }
    }

    private K8sLog() {}

    /** Splits on '\n'; every record must match the prefix pattern (an AssertionError names the bad one). */
    static List<Rec> parse(byte[] file) {
        List<Rec> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < file.length; i++) {
            if (file[i] != '\n') continue;
            out.add(rec(file, start, i));
            start = i + 1;
        }
        if (start != file.length)
            throw new AssertionError("log does not end with a newline; tail: "
                    + new String(file, start, Math.min(100, file.length - start), StandardCharsets.ISO_8859_1));
        return out;
    }

    private static Rec rec(byte[] f, int from, int nl) {
        String head = new String(f, from, Math.min(60, nl - from), StandardCharsets.ISO_8859_1);
        Matcher m = PREFIX.matcher(head);
        if (!m.find()) throw new AssertionError("bad k8s-file record prefix: " + head);
        int cstart = from + m.end();
        byte[] content = java.util.Arrays.copyOfRange(f, cstart, nl);
        return new Rec(m.group(1), m.group(2), m.group(3).charAt(0), content);
    }

    /** The original byte stream of one stream: F records get their '\n' back, P records do not. */
    static byte[] reassemble(List<Rec> recs, String stream) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (Rec r : recs) {
            if (!r.stream().equals(stream)) continue;
            b.writeBytes(r.content());
            if (r.tag() == 'F') b.write('\n');
        }
        return b.toByteArray();
    }

    static String text(List<Rec> recs, String stream) {
        return new String(reassemble(recs, stream), StandardCharsets.ISO_8859_1);
    }

    /** "stream TAG content" lines, timestamps stripped. */
    static List<String> stripped(List<Rec> recs) {
        return recs.stream().map(Rec::toString).toList();
    }
}
