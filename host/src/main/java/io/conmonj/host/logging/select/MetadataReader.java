package io.conmonj.host.logging.select;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The parts of an OCI bundle's {@code config.json} that log drivers use: {@code annotations} and
 * {@code process.env}. Streaming (jackson-core 2.x): only those two members are materialized.
 */
public final class MetadataReader {
    /** Annotation naming the container's image, for runtimes that do not write one (Podman 4.3.1 does not). */
    public static final String IMAGE_ANNOTATION = "io.conmon-j.image";
    /** Annotation giving the container's image id, for {@code {{.ImageID}}} in tag templates. */
    public static final String IMAGE_ID_ANNOTATION = "io.conmon-j.image-id";
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

        /** The image id where annotation {@code io.conmon-j.image-id} gives it, else null. */
        public String imageId() {
            String v = annotations.get(IMAGE_ID_ANNOTATION);
            return v == null || v.isEmpty() ? null : v;
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

    /**
     * Parses {@code annotations} and {@code process.env}; other members are skipped. Jackson is touched only
     * here (in {@link JsonConfig}), so a monitor that never parses never loads it.
     */
    public static BundleConfig parse(byte[] json) throws IOException {
        return JsonConfig.parse(json);
    }
}
