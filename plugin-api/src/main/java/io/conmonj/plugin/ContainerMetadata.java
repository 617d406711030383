package io.conmonj.plugin;

import java.util.Map;

/**
 * What a driver may know about its container.
 *
 * @param id     the full container id (--cid)
 * @param name   the container name (--name), or null
 * @param tag    the log tag (--log-tag or the driver's tag option), or null
 * @param labels the container's labels where known (bundle annotations, --log-label)
 * @param env    the container's environment where known (the bundle's process.env)
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
