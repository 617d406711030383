package io.conmonj.host.reader;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The two log formats the reader understands; {@link #parse} turns one line (without its {@code \n}) into an entry. */
enum LogFormat {
    /** conmon-behaviour.md §7.1.2: {@code TIME STREAM F|P CONTENT}. */
    K8S_FILE("k8s-file") {
        @Override
        Entry parse(byte[] line, int len) {
            int from = k8sContentStart(line, len, true);
            if (from < 0) return null;
            boolean partial = k8sPartial(line, len);
            byte[] content;
            if (partial) {
                content = Arrays.copyOfRange(line, from, len); // conmon added the \n itself
            } else {
                content = Arrays.copyOfRange(line, from, len + 1);
                content[content.length - 1] = '\n';
            }
            return new Entry(k8sStderr(line, len), k8sTime(line, len), partial, content);
        }
    },
    /** Docker's json-file: {@code {"log":"...","stream":"stdout","attrs":{...},"time":"..."}}. */
    JSON_FILE("json-file") {
        @Override
        Entry parse(byte[] line, int len) {
            String log = null, stream = null, time = null;
            try (JsonParser p = JSON.createParser(line, 0, len)) {
                if (p.nextToken() != JsonToken.START_OBJECT) return null;
                JsonToken t;
                while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken v = p.nextToken();
                    switch (name) {
                        case "log" -> log = v == JsonToken.VALUE_STRING ? p.getText() : null;
                        case "stream" -> stream = v == JsonToken.VALUE_STRING ? p.getText() : null;
                        case "time" -> time = v == JsonToken.VALUE_STRING ? p.getText() : null;
                        default -> p.skipChildren();
                    }
                }
                if (t != JsonToken.END_OBJECT) return null;
            } catch (IOException e) {
                return null;
            }
            if (log == null || time == null) return null;
            boolean stderr;
            if ("stdout".equals(stream)) stderr = false;
            else if ("stderr".equals(stream)) stderr = true;
            else return null;
            byte[] content = log.getBytes(StandardCharsets.UTF_8);
            boolean partial = content.length == 0 || content[content.length - 1] != '\n';
            return new Entry(stderr, time, partial, content);
        }
    };

    private static final JsonFactory JSON = new JsonFactory();

    /**
     * A k8s-file record's prefix ({@code TIME STREAM TAG }) must be complete within this many bytes; a line whose
     * first 256 bytes are not one is not a record. The reader holds no more of a k8s-file line than this.
     */
    static final int K8S_HEAD_MAX = 256;
    /** The longest json-file line the reader parses (it must hold one whole); longer ones are skipped. */
    static final int JSON_LINE_MAX = 1 << 20;
    /** {@link #k8sContentStart}: the prefix may still become valid with more bytes. */
    static final int INCOMPLETE = -1;
    /** {@link #k8sContentStart}: not a record. */
    static final int INVALID = -2;

    /**
     * Where the content of the k8s-file record starting with {@code b[0..len)} begins, {@link #INCOMPLETE} if
     * more bytes are needed to tell, or {@link #INVALID}. {@code atEnd}: these are the whole line.
     */
    static int k8sContentStart(byte[] b, int len, boolean atEnd) {
        int s1 = indexOf(b, 0, len, (byte) ' ');
        if (s1 == 0) return INVALID;
        if (s1 < 0) return atEnd ? INVALID : INCOMPLETE;
        int s2 = indexOf(b, s1 + 1, len, (byte) ' ');
        if (s2 < 0) {
            if (atEnd || len - s1 - 1 > 6) return INVALID;
            return "stdout".startsWith(text(b, s1 + 1, len)) || "stderr".startsWith(text(b, s1 + 1, len))
                    ? INCOMPLETE : INVALID;
        }
        if (!bytesEqual(b, s1 + 1, s2, "stdout") && !bytesEqual(b, s1 + 1, s2, "stderr")) return INVALID;
        // the tag is one byte followed by a space (or the end of the line: empty content)
        int tagAt = s2 + 1;
        if (tagAt >= len) return atEnd ? INVALID : INCOMPLETE;
        if (b[tagAt] != 'F' && b[tagAt] != 'P') return INVALID;
        if (tagAt + 1 < len) return b[tagAt + 1] == ' ' ? tagAt + 2 : INVALID;
        return atEnd ? len : INCOMPLETE;
    }

    /** For a prefix {@link #k8sContentStart} accepted: stderr (else stdout). */
    static boolean k8sStderr(byte[] b, int len) {
        int s1 = indexOf(b, 0, len, (byte) ' ');
        return b[s1 + 4] == 'e'; // "stderr" vs "stdout"
    }

    /** For a prefix {@link #k8sContentStart} accepted: the P tag. */
    static boolean k8sPartial(byte[] b, int len) {
        int s1 = indexOf(b, 0, len, (byte) ' ');
        return b[s1 + 8] == 'P';
    }

    /** For a prefix {@link #k8sContentStart} accepted: the time as written. */
    static String k8sTime(byte[] b, int len) {
        return new String(b, 0, indexOf(b, 0, len, (byte) ' '), StandardCharsets.US_ASCII);
    }

    private static String text(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }

    final String cliName;

    LogFormat(String cliName) {
        this.cliName = cliName;
    }

    /** The entry of one line, or null if the line is not in this format. */
    abstract Entry parse(byte[] line, int len);

    static LogFormat byName(String name) {
        for (LogFormat f : values()) if (f.cliName.equals(name)) return f;
        return null;
    }

    /** The format of a log whose first line is this one, or null. */
    static LogFormat detect(byte[] line, int len) {
        if (len > 0 && line[0] == '{') return JSON_FILE.parse(line, len) != null ? JSON_FILE : null;
        return K8S_FILE.parse(line, len) != null ? K8S_FILE : null;
    }

    private static int indexOf(byte[] b, int from, int to, byte c) {
        for (int i = from; i < to; i++) if (b[i] == c) return i;
        return -1;
    }

    private static boolean bytesEqual(byte[] b, int from, int to, String s) {
        if (to - from != s.length()) return false;
        for (int i = 0; i < s.length(); i++) if (b[from + i] != s.charAt(i)) return false;
        return true;
    }
}
