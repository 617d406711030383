package io.conmonj.host.logging.select;

import io.conmonj.host.cli.LogConfig;
import io.conmonj.host.logging.LogPipeline;
import io.conmonj.host.policy.AnnotationGate;
import io.conmonj.host.policy.LogDirectory;
import io.conmonj.host.policy.OwnerCheck;
import io.conmonj.host.policy.Policy;
import io.conmonj.host.policy.PolicyException;
import io.conmonj.host.policy.PolicyFile;
import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogDriverException;
import io.conmonj.plugin.LogDriverProvider;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Opens the monitor's log: takes conmon's own logs ({@link ConmonLogs}) and the command line's description of the
 * log ({@link LogConfig}), selects the container's drivers from its annotations and the environment
 * ({@link DriverSelection}), opens them and gives the {@link LogPipeline} the monitor writes to. A container that
 * selects nothing costs one small file read and a byte search: no JSON parsing, no {@link ServiceLoader}.
 */
public final class LogSetup {

    /**
     * What selecting the container's drivers takes: {@link LogConfig.Container} and the environment.
     *
     * @param bundle      {@code --bundle}, or null
     * @param selectExtra false for exec sessions: their output is not the container's log
     * @param logLabels   {@code --log-label} values, {@code NAME=VALUE}
     * @param environment the monitor's environment ({@code conmon_env_vars} of containers.conf end up here)
     * @param containerLog the {@code -l k8s-file} path ({@link LogConfig.K8sFile#path()}), or null: its directory
     *                     is where annotations may put files
     */
    public record Request(String bundle, String cid, String name, String logTag,
                          List<String> logLabels, boolean selectExtra, Map<String, String> environment,
                          String containerLog) {
    }

    private LogSetup() {
    }

    /**
     * The monitor's log: {@code conmonLogs} (from {@link ConmonLogs#open}) followed by the drivers selected for
     * the container by its annotations and {@code environment}. On failure every driver, {@code conmonLogs}
     * included, is closed.
     *
     * @param logs        the command line's description of the log ({@link LogConfig#container()} is used here)
     * @param environment the monitor's environment ({@code conmon_env_vars} of containers.conf end up here)
     * @throws SelectionException with a message for the user: what is wrong with the selection, or which driver
     *                            refused to start and why
     */
    public static LogPipeline open(LogConfig logs, Map<String, String> environment,
                                   List<LogPipeline.Attachment> conmonLogs, Consumer<String> warnings)
            throws SelectionException {
        LogConfig.Container c = logs.container();
        String containerLog = logs.k8sFile() == null ? null : logs.k8sFile().path();
        return open(new Request(c.bundle(), c.cid(), c.name(), c.tag(), c.labels(), c.selectsDrivers(), environment,
                containerLog), conmonLogs, warnings);
    }

    /** {@link #open(LogConfig, Map, List, Consumer)} with the description spelled out. */
    static LogPipeline open(Request request, List<LogPipeline.Attachment> conmonLogs, Consumer<String> warnings)
            throws SelectionException {
        List<LogPipeline.Attachment> attached = new ArrayList<>(conmonLogs);
        try {
            if (request.selectExtra()) {
                openSelected(request, warnings, attached);
            }
        } catch (SelectionException | RuntimeException e) {
            closeAll(attached);
            throw e;
        }
        return LogPipeline.of(attached, warnings);
    }

    private static void closeAll(List<LogPipeline.Attachment> attached) {
        for (LogPipeline.Attachment a : attached) {
            try {
                a.driver().close();
            } catch (IOException | RuntimeException ignored) {
                // already failing
            }
        }
    }

    private static void openSelected(Request request, Consumer<String> warnings, List<LogPipeline.Attachment> attached)
            throws SelectionException {
        Map<String, String> environment = request.environment();
        int euid = OwnerCheck.effectiveUid();
        Policy policy;
        try {
            policy = PolicyFile.load(environment, euid);
        } catch (PolicyException e) {
            throw new SelectionException(e.getMessage(), e);
        }
        boolean alwaysProfiles = false;
        for (Policy.Profile profile : policy.profiles().values()) {
            alwaysProfiles |= profile.always();
        }
        MetadataReader.BundleConfig config = MetadataReader.BundleConfig.EMPTY;
        byte[] json = readConfig(request.bundle());
        boolean envSelects = environment.get(DriverSelection.DRIVER_ENV) != null;
        if (json != null && (envSelects || alwaysProfiles || MetadataReader.mentionsConmonJ(json))) {
            try {
                config = MetadataReader.parse(json);
            } catch (IOException e) {
                throw new SelectionException("cannot read the annotations of " + request.bundle()
                        + "/config.json: " + e.getMessage(), e);
            }
        }
        AnnotationGate gate = new AnnotationGate(policy, LogDirectory.of(request.containerLog()), euid);
        List<DriverSelection.Spec> specs = DriverSelection.select(environment, config.annotations(), gate);
        if (specs.isEmpty()) {
            return;
        }
        Map<String, LogDriverProvider> providers = providers(gate);
        for (DriverSelection.Spec spec : specs) {
            LogDriverProvider provider = providers.get(spec.provider());
            if (provider == null) {
                throw new SelectionException("unknown log driver " + spec.provider() + " (available: "
                        + String.join(", ", new TreeSet<>(providers.keySet())) + ")");
            }
            ContainerMetadata metadata = metadata(request, config, spec);
            String instance = spec.instance();
            Consumer<String> driverWarnings = msg -> warnings.accept("log driver " + instance + ": " + msg);
            LogDriver driver;
            try {
                driver = provider.open(metadata, spec.options(), driverWarnings);
            } catch (LogDriverException e) {
                throw new SelectionException(prefixed(instance, spec.provider(), e.getMessage()), e);
            } catch (RuntimeException | LinkageError e) {
                throw new SelectionException("log driver " + instance + " failed to start: " + e, e);
            }
            if (driver == null) {
                throw new SelectionException("log driver " + instance + " failed to start: provider returned no driver");
            }
            attached.add(new LogPipeline.Attachment(instance, driver, spec.mode(), spec.maxBufferSize(), false));
        }
    }

    /** "log driver INSTANCE (PROVIDER): ..." when the instance has its own name, whatever the provider wrote. */
    static String prefixed(String instance, String provider, String message) {
        String m = message == null || message.isEmpty() ? "failed to start" : message;
        String own = "log driver " + provider + ": ";
        if (m.startsWith(own)) {
            m = m.substring(own.length());
        }
        String who = instance.equals(provider) ? instance : instance + " (" + provider + ")";
        return "log driver " + who + ": " + m;
    }

    /**
     * Every provider on the monitor's class path and in the driver jars
     * ({@link DriverClassPath}), by name; the first one of a name wins, so a
     * built-in driver cannot be replaced by a jar.
     */
    static Map<String, LogDriverProvider> providers(AnnotationGate gate) throws SelectionException {
        Map<String, LogDriverProvider> byName = new LinkedHashMap<>();
        List<Path> registered = new ArrayList<>();
        try {
            for (Policy.Registered jar : new TreeMap<>(gate.policy().driverJars()).values()) {
                registered.add(Path.of(gate.checked(jar)));
            }
        } catch (PolicyException e) {
            throw new SelectionException(e.getMessage(), e);
        }
        ClassLoader loader = DriverClassPath.loader(System.getProperty("conmonj.root"),
                System.getenv(DriverClassPath.ENV), registered, LogSetup.class.getClassLoader());
        try {
            for (LogDriverProvider p : ServiceLoader.load(LogDriverProvider.class, loader)) {
                byName.putIfAbsent(p.name(), p);
            }
        } catch (ServiceConfigurationError e) {
            throw new SelectionException("cannot load log driver providers: " + e.getMessage(), e);
        }
        return byName;
    }

    /** Largest {@code config.json} read (Kubernetes caps all annotations of an object at 256 KiB). */
    static final int MAX_CONFIG = 8 * 1024 * 1024;

    private static byte[] readConfig(String bundle) throws SelectionException {
        if (bundle == null || bundle.isEmpty()) {
            return null;
        }
        Path file = Path.of(bundle, "config.json");
        try (java.io.InputStream in = Files.newInputStream(file)) {
            // the runtime writes it, but its annotations come from users and images: bounded like any hostile input
            byte[] out = in.readNBytes(MAX_CONFIG + 1);
            if (out.length > MAX_CONFIG) {
                throw new SelectionException(file + " is larger than " + MAX_CONFIG + " bytes");
            }
            return out;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new SelectionException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The metadata given to one driver: id, name, image; the tag (option {@code tag} expanded, else
     * {@code --log-tag} as it is); and only the labels and environment variables the instance selected with its
     * {@code labels} and {@code env} options (Docker's extra attributes; names not present are skipped). Labels are
     * the bundle's annotations plus {@code --log-label NAME=VALUE} (which win).
     */
    static ContainerMetadata metadata(Request request, MetadataReader.BundleConfig config, DriverSelection.Spec spec) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (spec.selectsLabels()) {
            Map<String, String> all = new LinkedHashMap<>(config.annotations());
            for (String label : request.logLabels()) {
                int eq = label.indexOf('=');
                if (eq > 0) {
                    all.put(label.substring(0, eq), label.substring(eq + 1));
                }
            }
            for (Map.Entry<String, String> e : all.entrySet()) {
                if (spec.selectsLabel(e.getKey())) {
                    labels.put(e.getKey(), e.getValue());
                }
            }
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : config.env().entrySet()) {
            if (spec.selectsEnv(e.getKey())) {
                env.put(e.getKey(), e.getValue());
            }
        }
        String cid = request.cid() == null ? "" : request.cid();
        String tag;
        if (spec.tag() != null) {
            tag = spec.tag().expand(new TagTemplate.Fields(cid, request.name(), config.image(), config.imageId()));
            if (tag.isEmpty()) {
                tag = null; // e.g. {{.ImageName}} of a container whose image is not known
            }
        } else {
            tag = request.logTag() != null && !request.logTag().isEmpty() ? request.logTag() : null;
        }
        return new ContainerMetadata(cid, request.name(), tag, labels, env, config.image());
    }
}
