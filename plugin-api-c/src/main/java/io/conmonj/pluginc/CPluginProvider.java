package io.conmonj.pluginc;

import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.DriverOptions;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogDriverException;
import io.conmonj.plugin.LogDriverProvider;
import io.conmonj.pluginc.host.HostedPluginDriver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The {@code c-plugin} log driver: loads a third-party plugin written in C against
 * {@code conmon_log_plugin.h} and adapts it to {@link LogDriver}.
 *
 * <p>Options:
 * <ul>
 *   <li>{@code plugin=/abs/path/plugin.so} (required): the shared object, by absolute path, as the
 *       host sets it from the administrator's registration; opened and checked as one descriptor
 *       ({@link PluginFile}) and loaded through it;</li>
 *   <li>{@code isolation=process} (default): the plugin runs in its own conmon-j-plugin-host
 *       process ({@link HostedPluginDriver}); {@code isolation=in-process}: loaded into the
 *       monitor through JNA ({@link CPluginDriver}), for plugins the administrator trusts;</li>
 *   <li>{@code call-timeout=5s} (Go duration syntax, {@code 100ms} to {@code 300s}): how long
 *       one call to an isolated plugin (one batch of records, retries included) may take before
 *       its process is ended;</li>
 *   <li>{@code plugin-retries=N} (default 8): how many more times a call that returned
 *       {@code CONMON_LOG_RETRY} is made (1 ms back-off, doubling, at most 250 ms);</li>
 *   <li>every other option is handed to the plugin's {@code init} as {@code key=value}, in the
 *       map's order when it has one (a {@link SequencedMap}), else sorted by key.</li>
 * </ul>
 */
public final class CPluginProvider implements LogDriverProvider {

    /** The driver name users select. */
    public static final String NAME = "c-plugin";
    /** The option naming the plugin's shared object. */
    public static final String OPT_PLUGIN = "plugin";
    /** The option bounding retries of a RETRY status. */
    public static final String OPT_RETRIES = "plugin-retries";
    /** The option choosing where the plugin runs: {@value #ISOLATION_PROCESS} or {@value #ISOLATION_IN_PROCESS}. */
    public static final String OPT_ISOLATION = "isolation";
    public static final String ISOLATION_PROCESS = "process";
    public static final String ISOLATION_IN_PROCESS = "in-process";
    /** The option bounding one call to an isolated plugin. */
    public static final String OPT_CALL_TIMEOUT = "call-timeout";
    static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(5);
    static final Duration MIN_CALL_TIMEOUT = Duration.ofMillis(100);
    static final Duration MAX_CALL_TIMEOUT = Duration.ofSeconds(300);
    static final int MAX_RETRIES = 1000;
    static final int MAX_PATH = 4096;
    /** The driver's own options, never handed to the plugin. */
    static final Set<String> OWN_OPTIONS = Set.of(OPT_PLUGIN, OPT_RETRIES, OPT_ISOLATION, OPT_CALL_TIMEOUT);
    static final int DEFAULT_RETRIES = 8;
    /** The install tree (the launcher sets it); the plugin host is its libexec/conmon-j-plugin-host. */
    static final String ROOT_PROPERTY = "conmonj.root";
    static final String HOST_BINARY = "libexec/conmon-j-plugin-host";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public LogDriver open(ContainerMetadata container, Map<String, String> options, Consumer<String> warnings)
            throws LogDriverException {
        // the driver's own options are declared and bounded; every other key belongs to the plugin
        Map<String, String> own = new TreeMap<>();
        for (String key : OWN_OPTIONS) {
            if (options.containsKey(key)) {
                own.put(key, options.get(key));
            }
        }
        DriverOptions o = DriverOptions.of(own, List.copyOf(new TreeSet<>(OWN_OPTIONS)));
        String path = o.requiredString(OPT_PLUGIN, MAX_PATH);
        int retries = o.intValue(OPT_RETRIES, DEFAULT_RETRIES, 0, MAX_RETRIES);
        String isolation = o.choice(OPT_ISOLATION, ISOLATION_PROCESS, ISOLATION_PROCESS, ISOLATION_IN_PROCESS);
        long callTimeout = o.duration(OPT_CALL_TIMEOUT, DEFAULT_CALL_TIMEOUT, MIN_CALL_TIMEOUT, MAX_CALL_TIMEOUT)
                .toMillis();
        Map<String, String> ordered = options instanceof SequencedMap<String, String> ? options : new TreeMap<>(options);
        List<String> argv = new ArrayList<>();
        for (Map.Entry<String, String> e : ordered.entrySet()) {
            if (!OWN_OPTIONS.contains(e.getKey())) {
                argv.add(e.getKey() + "=" + e.getValue());
            }
        }
        String hostBinary = null;
        if (isolation.equals(ISOLATION_PROCESS)) {
            hostBinary = hostBinary();
        }
        PluginFile file = PluginFile.open(path);
        if (hostBinary == null) {
            CPluginLibrary library = CPluginLibrary.load(file); // keeps or closes the file
            return CPluginDriver.open(library, container, argv, retries);
        }
        try (file) {
            return HostedPluginDriver.open(hostBinary, path, file.fd, container, argv, retries, callTimeout);
        }
    }

    private static String hostBinary() throws LogDriverException {
        String root = System.getProperty(ROOT_PROPERTY);
        Path host = Path.of(root == null ? "." : root).toAbsolutePath().resolve(HOST_BINARY);
        if (!Files.isExecutable(host)) {
            throw new LogDriverException("the plugin host " + host + " is missing (isolation="
                    + ISOLATION_PROCESS + " needs it; the administrator may choose isolation=" + ISOLATION_IN_PROCESS + ")");
        }
        return host.toString();
    }

}
