package io.conmonj.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** A json-file log read strictly: Docker's line format, decoded with a real JSON parser. */
final class JsonFileRecords {
    private JsonFileRecords() {}

    /** One json-file line decoded with a real JSON parser; fails on anything else (unknown field, bad order). */
    record JRec(String log, String stream, Map<String, String> attrs, String time) {
        boolean partial() { return !log.endsWith("\n"); }

        Instant instant() { return Instant.parse(time); }
    }

    static final JsonFactory JSON = new JsonFactory();
    static final Pattern RFC3339_NANO_UTC = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{0,8}[1-9])?Z");

    static JRec parseJsonLine(String line) {
        try (JsonParser p = JSON.createParser(line)) {
            assertEquals(JsonToken.START_OBJECT, p.nextToken(), line);
            List<String> order = new ArrayList<>();
            String log = null, stream = null, time = null;
            Map<String, String> attrs = new TreeMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                order.add(f);
                JsonToken v = p.nextToken();
                switch (f) {
                    case "log" -> log = p.getText();
                    case "stream" -> stream = p.getText();
                    case "time" -> time = p.getText();
                    case "attrs" -> {
                        assertEquals(JsonToken.START_OBJECT, v, line);
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String k = p.currentName();
                            p.nextToken();
                            attrs.put(k, p.getText());
                        }
                    }
                    default -> throw new AssertionError("unexpected field " + f + " in " + line);
                }
            }
            assertEquals(null, p.nextToken(), "one object per line: " + line);
            assertEquals(attrs.isEmpty() ? List.of("log", "stream", "time") : List.of("log", "stream", "attrs", "time"), order,
                    "Docker's field order: " + line);
            assertTrue(RFC3339_NANO_UTC.matcher(time).matches(), "RFC 3339 UTC, trailing zeros removed: " + line);
            return new JRec(log, stream, attrs, time);
        } catch (IOException e) {
            throw new AssertionError("not a JSON line: " + line, e);
        }
    }

    /** The whole file's records; the file must end with a complete line (no record split across files). */
    static List<JRec> parseJsonFile(byte[] content, String what) {
        String s = new String(content, StandardCharsets.UTF_8);
        assertTrue(s.isEmpty() || s.endsWith("\n"), what + " ends in the middle of a record: ..."
                + s.substring(Math.max(0, s.length() - 100)));
        List<JRec> out = new ArrayList<>();
        for (String l : s.split("\n", -1)) {
            if (!l.isEmpty()) out.add(parseJsonLine(l));
        }
        return out;
    }
}
