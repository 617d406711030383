package io.conmonj.it;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Just enough JSON for config.json edits and sync-pipe messages (no library, on purpose). */
final class Json {
    private Json() {}

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }

    static String array(List<String> items) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) b.append(", ");
            b.append(quote(items.get(i)));
        }
        return b.append(']').toString();
    }

    /** Replaces the value of the first {@code "key": [ ... ]} array (flat string arrays only). */
    static String replaceArray(String json, String key, List<String> items) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\"\\s*:\\s*\\[[^\\]]*\\]").matcher(json);
        if (!m.find()) throw new IllegalArgumentException("no array " + key);
        return json.substring(0, m.start()) + "\"" + key + "\": " + array(items) + json.substring(m.end());
    }

    /** Replaces the first scalar value of {@code "key": VALUE} (string, number or boolean). */
    static String replaceScalar(String json, String key, String rawValue) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\"\\s*:\\s*(\"[^\"]*\"|[^,\\s}\\]]+)").matcher(json);
        if (!m.find()) throw new IllegalArgumentException("no scalar " + key);
        return json.substring(0, m.start()) + "\"" + key + "\": " + rawValue + json.substring(m.end());
    }

    /** Unescapes a JSON string body (the part between quotes), including the \/ escape conmon uses. */
    static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') { b.append(c); continue; }
            char e = s.charAt(++i);
            switch (e) {
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case 'r' -> b.append('\r');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'u' -> { b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16)); i += 4; }
                default -> b.append(e);
            }
        }
        return b.toString();
    }

    /** A parsed sync-pipe line: {"KEY": INT[, "message": "..."]}. */
    record SyncMessage(String raw, String key, long value, String message) {
        private static final Pattern P = Pattern.compile(
                "^\\{\"(\\w+)\":\\s*(-?\\d+)(?:,\\s*\"message\":\\s*\"((?:[^\"\\\\]|\\\\.)*)\")?\\s*\\}\\n$", Pattern.DOTALL);

        static SyncMessage parse(String raw) {
            Matcher m = P.matcher(raw);
            if (!m.matches()) throw new AssertionError("sync-pipe message is not one JSON line {\"K\": N[, \"message\": ...]}\\n: " + raw);
            return new SyncMessage(raw, m.group(1), Long.parseLong(m.group(2)), m.group(3) == null ? null : unescape(m.group(3)));
        }
    }
}
