package io.conmonj.pluginc;

import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogDriverException;
import io.conmonj.plugin.LogDriverProvider;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The {@code c-plugin} log driver: loads a third-party plugin written in C against
 * {@code conmon_log_plugin.h} and adapts it to {@link LogDriver}.
 *
 * <p>Options:
 * <ul>
 *   <li>{@code plugin=/abs/path/plugin.so} (required): the shared object, by absolute path;</li>
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
    static final int DEFAULT_RETRIES = 8;
    /** After how many records of one driver write switches from JNA to java.lang.foreign (see CPluginDriver). */
    public static final String FFM_AFTER_PROPERTY = "conmonj.cplugin.ffm-after";
    static final long DEFAULT_FFM_AFTER = 10_000;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public LogDriver open(ContainerMetadata container, Map<String, String> options, Consumer<String> warnings)
            throws LogDriverException {
        String path = options.get(OPT_PLUGIN);
        if (path == null || path.isEmpty()) {
            throw new LogDriverException("log driver " + NAME + " needs the option " + OPT_PLUGIN
                    + "=/absolute/path/to/plugin.so");
        }
        int retries = DEFAULT_RETRIES;
        String r = options.get(OPT_RETRIES);
        if (r != null) {
            try {
                retries = Integer.parseInt(r.trim());
            } catch (NumberFormatException e) {
                retries = -1;
            }
            if (retries < 0 || retries > 1000) {
                throw new LogDriverException("log driver " + NAME + ": " + OPT_RETRIES
                        + " must be a number from 0 to 1000, not \"" + r + "\"");
            }
        }
        Map<String, String> ordered = options instanceof SequencedMap<String, String> ? options : new TreeMap<>(options);
        List<String> argv = new ArrayList<>();
        for (Map.Entry<String, String> e : ordered.entrySet()) {
            if (!e.getKey().equals(OPT_PLUGIN) && !e.getKey().equals(OPT_RETRIES)) {
                argv.add(e.getKey() + "=" + e.getValue());
            }
        }
        CPluginLibrary library = CPluginLibrary.load(path);
        long ffmAfter = Long.getLong(FFM_AFTER_PROPERTY, DEFAULT_FFM_AFTER);
        return CPluginDriver.open(library, container, argv, retries, ffmAfter);
    }
}
