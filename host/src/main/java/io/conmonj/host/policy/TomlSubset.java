package io.conmonj.host.policy;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The small subset of TOML that the policy file uses, the one operators know from {@code containers.conf}:
 * comments, tables {@code [name]} and {@code [kind.name]}, and {@code key = value} where a value is a basic string
 * ({@code "..."} with {@code \\ \" \n \t \r \\uXXXX}), a literal string ({@code '...'}), an integer, {@code true} /
 * {@code false}, or a one-line array of strings. Nothing else (no inline tables, dotted keys, multi-line strings,
 * dates, floats) is accepted: an error is better than a guess in a security policy.
 *
 * <p>Everything is bounded (the input is the administrator's, but a policy must not be able to wedge every
 * container start): {@link #MAX_BYTES} bytes, {@link #MAX_LINE} characters per line, {@link #MAX_TABLES} tables,
 * {@link #MAX_KEYS} keys per table, {@link #MAX_ARRAY} array elements. One pass, linear in the input.
 */
public final class TomlSubset {
    public static final int MAX_BYTES = 64 * 1024;
    public static final int MAX_LINE = 4096;
    public static final int MAX_TABLES = 256;
    public static final int MAX_KEYS = 64;
    public static final int MAX_ARRAY = 256;

    /** A value with the line it was on (for messages). Kind: String, Long, Boolean or List&lt;String&gt;. */
    public record Value(Object value, int line) {
        public String typeName() {
            return value instanceof String ? "string" : value instanceof Long ? "integer"
                    : value instanceof Boolean ? "boolean" : "array of strings";
        }
    }

    /** One table: its name (as written, {@code kind.name}), line and keys in order. */
    public record Table(String name, int line, Map<String, Value> keys) {
    }

    private final String file;
    private final List<Table> tables = new ArrayList<>();
    private int lineNo;

    private TomlSubset(String file) {
        this.file = file;
    }

    /**
     * @param file  the file's name for messages
     * @param bytes the file's content
     * @return the tables, in order
     * @throws PolicyException {@code FILE:LINE: policy-syntax: ...} (or {@code policy-size}) on anything outside
     *                         the subset
     */
    public static List<Table> parse(String file, byte[] bytes) throws PolicyException {
        TomlSubset p = new TomlSubset(file);
        if (bytes.length > MAX_BYTES) {
            throw PolicyException.at(file, 1, "policy-size", "the file has " + bytes.length + " bytes (at most "
                    + MAX_BYTES + ")");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw PolicyException.at(file, 1, "policy-syntax", "the file is not UTF-8");
        }
        p.parseText(text);
        return p.tables;
    }

    private PolicyException error(String message) {
        return PolicyException.at(file, lineNo, "policy-syntax", message);
    }

    private void parseText(String text) throws PolicyException {
        Table current = null;
        int start = 0;
        lineNo = 0;
        while (start <= text.length()) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? text.length() : nl;
            lineNo++;
            if (end - start > MAX_LINE) {
                throw PolicyException.at(file, lineNo, "policy-size", "line longer than " + MAX_LINE + " characters");
            }
            String line = text.substring(start, end);
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            current = parseLine(line, current);
            if (nl < 0) {
                break;
            }
            start = nl + 1;
        }
    }

    private Table parseLine(String raw, Table current) throws PolicyException {
        Cursor c = new Cursor(raw);
        c.skipSpace();
        if (c.atEnd() || c.peek() == '#') {
            return current;
        }
        if (c.peek() == '[') {
            c.next();
            c.skipSpace();
            String name = c.bareKey();
            while (c.peek() == '.') {
                c.next();
                String part = c.bareKey();
                if (name.indexOf('.') >= 0) {
                    throw error("table names have at most two parts (KIND.NAME)");
                }
                name = name + "." + part;
            }
            c.skipSpace();
            if (c.peek() != ']') {
                throw error("expected ']' after the table name " + name);
            }
            c.next();
            c.endOfLine();
            for (Table t : tables) {
                if (t.name().equals(name)) {
                    throw PolicyException.at(file, lineNo, "policy-duplicate", "table [" + name
                            + "] defined twice (first at line " + t.line() + ")");
                }
            }
            if (tables.size() >= MAX_TABLES) {
                throw PolicyException.at(file, lineNo, "policy-size", "more than " + MAX_TABLES + " tables");
            }
            Table t = new Table(name, lineNo, new LinkedHashMap<>());
            tables.add(t);
            return t;
        }
        String key = c.bareKey();
        c.skipSpace();
        if (c.peek() != '=') {
            throw error("expected '=' after the key " + key);
        }
        c.next();
        c.skipSpace();
        Object value = c.value();
        c.endOfLine();
        if (current == null) {
            throw error("key " + key + " outside a table (start with a table such as [annotations])");
        }
        if (current.keys().containsKey(key)) {
            throw PolicyException.at(file, lineNo, "policy-duplicate", "key " + key + " given twice in [" + current.name()
                    + "] (first at line " + current.keys().get(key).line() + ")");
        }
        if (current.keys().size() >= MAX_KEYS) {
            throw PolicyException.at(file, lineNo, "policy-size", "more than " + MAX_KEYS + " keys in [" + current.name() + "]");
        }
        current.keys().put(key, new Value(value, lineNo));
        return current;
    }

    /** A position in one line. */
    private final class Cursor {
        private final String s;
        private int i;

        Cursor(String s) {
            this.s = s;
        }

        boolean atEnd() {
            return i >= s.length();
        }

        char peek() {
            return atEnd() ? '\0' : s.charAt(i);
        }

        void next() {
            i++;
        }

        void skipSpace() {
            while (!atEnd() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                i++;
            }
        }

        void endOfLine() throws PolicyException {
            skipSpace();
            if (!atEnd() && peek() != '#') {
                throw error("unexpected text after the value: '" + clip(s.substring(i)) + "'");
            }
        }

        String bareKey() throws PolicyException {
            int from = i;
            while (!atEnd()) {
                char ch = s.charAt(i);
                if (ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '_') {
                    i++;
                } else {
                    break;
                }
            }
            if (i == from) {
                throw error("expected a name (letters, digits, '-', '_') at '" + clip(s.substring(from)) + "'");
            }
            return s.substring(from, i);
        }

        Object value() throws PolicyException {
            char ch = peek();
            if (ch == '"' || ch == '\'') {
                return string();
            }
            if (ch == '[') {
                next();
                List<String> items = new ArrayList<>();
                while (true) {
                    skipSpace();
                    if (peek() == ']') {
                        next();
                        return List.copyOf(items);
                    }
                    if (peek() != '"' && peek() != '\'') {
                        throw error("arrays hold strings on one line: expected a string or ']'");
                    }
                    if (items.size() >= MAX_ARRAY) {
                        throw PolicyException.at(file, lineNo, "policy-size", "more than " + MAX_ARRAY + " elements in an array");
                    }
                    items.add(string());
                    skipSpace();
                    if (peek() == ',') {
                        next();
                    } else if (peek() != ']') {
                        throw error("expected ',' or ']' in the array");
                    }
                }
            }
            int from = i;
            while (!atEnd() && s.charAt(i) != ' ' && s.charAt(i) != '\t' && s.charAt(i) != '#') {
                i++;
            }
            String word = s.substring(from, i);
            switch (word) {
                case "true":
                    return Boolean.TRUE;
                case "false":
                    return Boolean.FALSE;
                default:
                    break;
            }
            String digits = word.startsWith("+") || word.startsWith("-") ? word.substring(1) : word;
            if (!digits.isEmpty() && digits.length() <= 18 && digits.chars().allMatch(d -> d >= '0' && d <= '9')
                    && (digits.length() == 1 || digits.charAt(0) != '0')) {
                return Long.parseLong(word);
            }
            throw error("expected a string, an integer, true, false or an array of strings, not '" + clip(word) + "'");
        }

        String string() throws PolicyException {
            char quote = peek();
            next();
            StringBuilder out = new StringBuilder();
            while (true) {
                if (atEnd()) {
                    throw error("unterminated string");
                }
                char ch = s.charAt(i++);
                if (ch == quote) {
                    return out.toString();
                }
                if (ch < 0x20 && ch != '\t' || ch == 0x7f) {
                    throw error("control character in a string (write it as an escape)");
                }
                if (ch != '\\' || quote == '\'') {
                    out.append(ch);
                    continue;
                }
                if (atEnd()) {
                    throw error("unterminated string");
                }
                char e = s.charAt(i++);
                switch (e) {
                    case '\\' -> out.append('\\');
                    case '"' -> out.append('"');
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case 'u' -> {
                        if (i + 4 > s.length()) {
                            throw error("\\u needs four hex digits");
                        }
                        int cp = 0;
                        for (int k = 0; k < 4; k++) {
                            int d = Character.digit(s.charAt(i++), 16);
                            if (d < 0) {
                                throw error("\\u needs four hex digits");
                            }
                            cp = cp * 16 + d;
                        }
                        if (Character.isSurrogate((char) cp)) {
                            throw error("\\u" + Integer.toHexString(cp) + " is not a character");
                        }
                        out.append((char) cp);
                    }
                    default -> throw error("unknown escape \\" + e + " (known: \\\\ \\\" \\n \\t \\r \\uXXXX)");
                }
            }
        }
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
