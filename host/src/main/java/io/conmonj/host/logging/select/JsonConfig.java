package io.conmonj.host.logging.select;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The jackson-core streaming parse behind {@link MetadataReader#parse}: only annotations and process.env. */
final class JsonConfig {
    private JsonConfig() {
    }

    static MetadataReader.BundleConfig parse(byte[] json) throws IOException {
        Map<String, String> annotations = new LinkedHashMap<>();
        Map<String, String> env = new LinkedHashMap<>();
        try (JsonParser p = new JsonFactory().createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("annotations") && value == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String key = p.currentName();
                        if (p.nextToken() == JsonToken.VALUE_STRING) {
                            annotations.put(key, p.getText());
                        } else {
                            p.skipChildren();
                        }
                    }
                } else if (field.equals("process") && value == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String key = p.currentName();
                        JsonToken v = p.nextToken();
                        if (key.equals("env") && v == JsonToken.START_ARRAY) {
                            while (p.nextToken() == JsonToken.VALUE_STRING) {
                                String kv = p.getText();
                                int eq = kv.indexOf('=');
                                if (eq > 0) {
                                    env.put(kv.substring(0, eq), kv.substring(eq + 1));
                                }
                            }
                        } else {
                            p.skipChildren();
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(e.getOriginalMessage(), e);
        }
        return new MetadataReader.BundleConfig(annotations, env);
    }
}
