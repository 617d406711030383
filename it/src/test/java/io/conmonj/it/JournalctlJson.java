package io.conmonj.it;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code journalctl -o json}'s output read back into entries. */
final class JournalctlJson {
    private JournalctlJson() {}

    /** journalctl's JSON lines: a value is a string, an array of byte values (binary data), or null. */
    static List<Map<String, String>> parse(byte[] json) throws IOException {
        List<Map<String, String>> entries = new ArrayList<>();
        try (JsonParser p = new JsonFactory().createParser(json)) {
            while (p.nextToken() == JsonToken.START_OBJECT) {
                Map<String, String> e = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken v = p.nextToken();
                    if (v == JsonToken.START_ARRAY) {
                        ByteArrayOutputStream b = new ByteArrayOutputStream();
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            b.write(p.getIntValue());
                        }
                        e.put(name, b.toString(StandardCharsets.ISO_8859_1));
                    } else if (v == JsonToken.VALUE_NULL) {
                        e.put(name, null);
                    } else {
                        e.put(name, new String(p.getText().getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
                    }
                }
                entries.add(e);
            }
        }
        return entries;
    }
}
