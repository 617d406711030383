package io.conmonj.host.logging.select;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parts of an OCI bundle's {@code config.json} that log drivers use: {@code annotations} and
 * {@code process.env}. Streaming (jackson-core 2.x): only those two members are materialized.
 */
public final class MetadataReader {
    /** Annotation naming the container's image, for runtimes that do not write one (Podman 4.3.1 does not). */
    public static final String IMAGE_ANNOTATION = "io.conmon-j.image";
    /** Other annotations that carry the image name, in order of preference, when present. */
    private static final String[] IMAGE_ANNOTATIONS = {IMAGE_ANNOTATION, "io.kubernetes.cri-o.ImageName",
        "org.opencontainers.image.ref.name", "io.podman.annotations.image"};

    private static final byte[] MARKER = DriverSelection.ANNOTATION_PREFIX.getBytes(StandardCharsets.US_ASCII);

    /** What was read. */
    public record BundleConfig(Map<String, String> annotations, Map<String, String> env) {
        static final BundleConfig EMPTY = new BundleConfig(Map.of(), Map.of());

        /** The image name where an annotation gives it, else null. */
        public String image() {
            for (String key : IMAGE_ANNOTATIONS) {
                String v = annotations.get(key);
                if (v != null && !v.isEmpty()) {
                    return v;
                }
            }
            return null;
        }
    }

    private MetadataReader() {
    }

    /** Whether the bytes mention conmon-j's annotation prefix at all: a cheap test before parsing. */
    public static boolean mentionsConmonJ(byte[] json) {
        outer:
        for (int i = 0, last = json.length - MARKER.length; i <= last; i++) {
            if (json[i] != MARKER[0]) {
                continue;
            }
            for (int j = 1; j < MARKER.length; j++) {
                if (json[i + j] != MARKER[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** Parses {@code annotations} and {@code process.env}; other members are skipped. */
    public static BundleConfig parse(byte[] json) throws IOException {
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
        return new BundleConfig(annotations, env);
    }
}
