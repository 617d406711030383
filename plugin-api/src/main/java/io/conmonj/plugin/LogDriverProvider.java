package io.conmonj.plugin;

import java.util.Map;
import java.util.function.Consumer;

/**
 * Creates drivers of one kind. Found with {@link java.util.ServiceLoader}:
 * list the class in {@code META-INF/services/io.conmonj.plugin.LogDriverProvider}
 * and put the jar on the monitor's class path.
 */
public interface LogDriverProvider {

    /** The name users select the driver by, e.g. "k8s-file", "syslog". */
    String name();

    /**
     * Creates a driver for one container.
     *
     * @param options  the driver's options (Docker's log-opt names where Docker has the option)
     * @param warnings where the driver reports non-fatal problems
     * @throws LogDriverException with a message for the user (it reaches `podman run`) if the
     *                            options are invalid or the destination cannot be opened
     */
    LogDriver open(ContainerMetadata container, Map<String, String> options, Consumer<String> warnings)
            throws LogDriverException;
}
