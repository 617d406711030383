package io.conmonj.plugin;

import java.util.Map;

/**
 * What a driver may know about its container.
 *
 * @param id     the full container id (--cid)
 * @param name   the container name (--name), or null
 * @param tag    the log tag (the driver's tag option with its template fields expanded, else --log-tag), or null
 * @param labels the container's labels (bundle annotations, --log-label) that the driver's {@code labels} option
 *               names; empty without the option (the host selects, as Docker's extra attributes)
 * @param env    the container's environment variables (the bundle's process.env) that the driver's {@code env}
 *               option names; empty without the option
 * @param image  the image name where known, or null
 */
public record ContainerMetadata(String id, String name, String tag, Map<String, String> labels,
                                Map<String, String> env, String image) {

    public ContainerMetadata {
        labels = Map.copyOf(labels);
        env = Map.copyOf(env);
    }

    /** The first 12 characters of the id, as Docker and journald show it. */
    public String shortId() {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
