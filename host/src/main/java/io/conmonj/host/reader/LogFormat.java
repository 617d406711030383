package io.conmonj.host.reader;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The two log formats the reader understands; {@link #parse} turns one line (without its {@code \n}) into an entry. */
enum LogFormat {
    /** contract §7.1.2: {@code TIME STREAM F|P CONTENT}. */
    K8S_FILE("k8s-file") {
        @Override
        Entry parse(byte[] line, int len) {
            int s1 = indexOf(line, 0, len, (byte) ' ');
            if (s1 <= 0) return null;
            int s2 = indexOf(line, s1 + 1, len, (byte) ' ');
            if (s2 < 0) return null;
            // the tag is one byte followed by a space (or the end of the line: empty content)
            int tagAt = s2 + 1;
            if (tagAt >= len || (tagAt + 1 < len && line[tagAt + 1] != ' ')) return null;
            byte tag = line[tagAt];
            if (tag != 'F' && tag != 'P') return null;
            boolean stderr;
            if (bytesEqual(line, s1 + 1, s2, "stdout")) stderr = false;
            else if (bytesEqual(line, s1 + 1, s2, "stderr")) stderr = true;
            else return null;
            String time = new String(line, 0, s1, StandardCharsets.US_ASCII);
            int from = Math.min(len, tagAt + 2);
            boolean partial = tag == 'P';
            byte[] content;
            if (partial) {
                content = Arrays.copyOfRange(line, from, len); // conmon added the \n itself
            } else {
                content = Arrays.copyOfRange(line, from, len + 1);
                content[content.length - 1] = '\n';
            }
            return new Entry(stderr, time, partial, content);
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
