package io.conmonj.host.logging.select;

import io.conmonj.host.logging.LogPipeline;
import io.conmonj.plugin.BinarySize;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which extra drivers a container logs to, and their options, from the host default (environment) and the
 * container's annotations. The syntax is documented in {@code docs/logging.md}:
 * <pre>
 * io.conmon-j.log-driver = PROVIDER[:INSTANCE][,PROVIDER[:INSTANCE]...]   (annotation)
 * io.conmon-j.log-opt.INSTANCE.KEY = VALUE                                (annotation, one per option)
 * CONMONJ_LOG_DRIVER = same list                                           (environment)
 * CONMONJ_LOG_OPTS = INSTANCE.KEY=VALUE[;INSTANCE.KEY=VALUE...]            (environment; \; and \\ escape)
 * </pre>
 * The annotation list replaces the environment's; options are merged per key, annotations winning. The host
 * itself takes the keys {@code mode}, {@code max-buffer-size}, {@code tag} (a {@link TagTemplate}), {@code labels}
 * and {@code env} (comma-separated names of the labels and environment variables given to the driver in its
 * {@code ContainerMetadata}), {@code labels-regex} and {@code env-regex} (Docker's: a regular expression that selects
 * more of them by name, found anywhere in the name as Go's {@code regexp.MatchString}); every other key goes to the
 * driver.
 */
public final class DriverSelection {
    public static final String ANNOTATION_PREFIX = "io.conmon-j.";
    public static final String DRIVER_ANNOTATION = "io.conmon-j.log-driver";
    public static final String OPT_ANNOTATION_PREFIX = "io.conmon-j.log-opt.";
    public static final String DRIVER_ENV = "CONMONJ_LOG_DRIVER";
    public static final String OPTS_ENV = "CONMONJ_LOG_OPTS";


    /**
     * One driver instance to open.
     *
     * @param tag    option {@code tag}, parsed, or null
     * @param labels option {@code labels}: names of the labels given to the driver (none if null)
     * @param env    option {@code env}: names of the environment variables given to the driver (none if null)
     * @param labelsRegex option {@code labels-regex}, or null
     * @param envRegex    option {@code env-regex}, or null
     */
    public record Spec(String instance, String provider, Map<String, String> options, LogPipeline.Mode mode,
                       long maxBufferSize, TagTemplate tag, List<String> labels, List<String> env,
                       Pattern labelsRegex, Pattern envRegex) {
        public Spec {
            labels = labels == null ? List.of() : List.copyOf(labels);
            env = env == null ? List.of() : List.copyOf(env);
        }

        /** Whether the driver is given label {@code name}: named by {@code labels} or matched by {@code labels-regex}. */
        public boolean selectsLabel(String name) {
            return labels.contains(name) || labelsRegex != null && labelsRegex.matcher(name).find();
        }

        /** The same for environment variables ({@code env}, {@code env-regex}). */
        public boolean selectsEnv(String name) {
            return env.contains(name) || envRegex != null && envRegex.matcher(name).find();
        }

        public boolean selectsLabels() {
            return !labels.isEmpty() || labelsRegex != null;
        }
    }

    private DriverSelection() {
    }

    /**
     * @param environment the monitor's environment
     * @param annotations the bundle's annotations (empty if none or not read)
     * @throws SelectionException on a malformed list or option, with a message for the user
     */
    public static List<Spec> select(Map<String, String> environment, Map<String, String> annotations)
            throws SelectionException {
        String annotationList = annotations.get(DRIVER_ANNOTATION);
        String envList = environment.get(DRIVER_ENV);
        String list = annotationList != null ? annotationList : envList;
        String listSource = annotationList != null ? "annotation " + DRIVER_ANNOTATION : "environment " + DRIVER_ENV;

        Map<String, Map<String, String>> envOpts = parseEnvOptions(environment.get(OPTS_ENV));
        Map<String, Map<String, String>> annOpts = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : annotations.entrySet()) {
            String key = e.getKey();
            if (key.startsWith(OPT_ANNOTATION_PREFIX)) {
                addOption(annOpts, key.substring(OPT_ANNOTATION_PREFIX.length()), e.getValue(), "annotation " + key);
            } else if (key.startsWith(ANNOTATION_PREFIX) && !key.equals(DRIVER_ANNOTATION)
                    && !key.equals(MetadataReader.IMAGE_ANNOTATION) && !key.equals(MetadataReader.IMAGE_ID_ANNOTATION)) {
                throw new SelectionException("unknown annotation " + key + " (conmon-j knows " + DRIVER_ANNOTATION
                        + ", " + OPT_ANNOTATION_PREFIX + "DRIVER.KEY, " + MetadataReader.IMAGE_ANNOTATION + " and "
                        + MetadataReader.IMAGE_ID_ANNOTATION + ")");
            }
        }

        List<Spec> specs = new ArrayList<>();
        if (list == null) {
            if (!annOpts.isEmpty()) {
                throw new SelectionException("annotation " + OPT_ANNOTATION_PREFIX + annOpts.keySet().iterator().next()
                        + ".* given but no log driver selected (" + DRIVER_ANNOTATION + " or " + DRIVER_ENV + ")");
            }
            return specs;
        }
        List<String> seen = new ArrayList<>();
        for (String raw : list.split(",", -1)) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                throw new SelectionException("empty driver name in " + listSource + "=" + list);
            }
            int colon = entry.indexOf(':');
            String provider = colon < 0 ? entry : entry.substring(0, colon);
            String instance = colon < 0 ? entry : entry.substring(colon + 1);
            if (!isName(provider) || !isName(instance)) {
                throw new SelectionException("bad driver entry '" + entry + "' in " + listSource
                        + " (expected PROVIDER or PROVIDER:INSTANCE, letters, digits, '-' and '_')");
            }
            if (seen.contains(instance)) {
                throw new SelectionException("driver instance " + instance + " selected twice in " + listSource
                        + " (name the second one PROVIDER:OTHERNAME)");
            }
            seen.add(instance);
            Map<String, String> opts = new LinkedHashMap<>(envOpts.getOrDefault(instance, Map.of()));
            opts.putAll(annOpts.getOrDefault(instance, Map.of()));
            if (provider.equals("none")) {
                if (!opts.isEmpty()) {
                    throw new SelectionException("log driver none takes no options");
                }
                continue; // explicitly nothing (lets a container opt out of the host default)
            }
            specs.add(toSpec(instance, provider, opts));
        }
        for (String instance : annOpts.keySet()) {
            if (!seen.contains(instance)) {
                throw new SelectionException("options given for log driver " + instance + " (annotation "
                        + OPT_ANNOTATION_PREFIX + instance + ".*), which is not selected (" + listSource + "=" + list + ")");
            }
        }
        return specs;
    }

    private static Spec toSpec(String instance, String provider, Map<String, String> opts) throws SelectionException {
        LogPipeline.Mode mode = LogPipeline.Mode.BLOCKING;
        long maxBuffer = LogPipeline.DEFAULT_MAX_BUFFER_SIZE;
        boolean maxBufferGiven = false;
        String modeValue = opts.remove("mode");
        if (modeValue != null) {
            mode = switch (modeValue) {
                case "blocking" -> LogPipeline.Mode.BLOCKING;
                case "non-blocking" -> LogPipeline.Mode.NON_BLOCKING;
                default -> throw new SelectionException("log driver " + instance + ": mode=" + modeValue
                        + " (expected blocking or non-blocking)");
            };
        }
        String size = opts.remove("max-buffer-size");
        if (size != null) {
            maxBuffer = parseSize(size, instance);
            maxBufferGiven = true;
        }
        if (maxBufferGiven && mode != LogPipeline.Mode.NON_BLOCKING) {
            throw new SelectionException("log driver " + instance + ": max-buffer-size needs mode=non-blocking");
        }
        String tagValue = opts.remove("tag");
        TagTemplate tag = null;
        if (tagValue != null) {
            try {
                tag = TagTemplate.parse(tagValue);
            } catch (IllegalArgumentException e) {
                throw new SelectionException("log driver " + instance + ": invalid tag template '" + tagValue + "': "
                        + e.getMessage());
            }
        }
        List<String> labels = names(instance, "labels", opts.remove("labels"));
        List<String> env = names(instance, "env", opts.remove("env"));
        Pattern labelsRegex = regex(instance, "labels-regex", opts.remove("labels-regex"));
        Pattern envRegex = regex(instance, "env-regex", opts.remove("env-regex"));
        return new Spec(instance, provider, Map.copyOf(opts), mode, maxBuffer, tag, labels, env, labelsRegex,
                envRegex);
    }

    /** Option {@code labels-regex} or {@code env-regex}, compiled; null if absent. */
    static Pattern regex(String instance, String option, String value) throws SelectionException {
        if (value == null) {
            return null;
        }
        try {
            return Pattern.compile(value);
        } catch (PatternSyntaxException e) {
            throw new SelectionException("log driver " + instance + ": " + option + "=" + value
                    + ": invalid regular expression: " + e.getDescription());
        }
    }

    /**
     * The names of option {@code labels} or {@code env}: comma-separated, each non-empty and made of
     * {@code [A-Za-z0-9_.-]}; duplicates are kept once. Null if the option is absent.
     */
    static List<String> names(String instance, String option, String value) throws SelectionException {
        if (value == null) {
            return null;
        }
        List<String> names = new ArrayList<>();
        for (String name : value.split(",", -1)) {
            if (name.isEmpty()) {
                throw new SelectionException("log driver " + instance + ": " + option + "=" + value
                        + ": empty name (expected NAME[,NAME...])");
            }
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                        || c == '.')) {
                    throw new SelectionException("log driver " + instance + ": " + option + "=" + value + ": name '"
                            + name + "' has a character other than letters, digits, '.', '-' and '_'");
                }
            }
            if (!names.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }

    /** Docker's sizes: digits with an optional k, m or g (1024-based), optionally followed by b or ib. */
    static long parseSize(String value, String instance) throws SelectionException {
        long bytes = BinarySize.parse(value);
        if (bytes < 0) {
            throw new SelectionException("log driver " + instance + ": max-buffer-size=" + value
                    + " is not a positive size (e.g. 65536, 512k, 4m)");
        }
        return bytes;
    }

    /** {@code INSTANCE.KEY=VALUE;...}, with {@code \;} and {@code \\} as escapes. */
    static Map<String, Map<String, String>> parseEnvOptions(String value) throws SelectionException {
        Map<String, Map<String, String>> opts = new LinkedHashMap<>();
        if (value == null || value.isEmpty()) {
            return opts;
        }
        StringBuilder cur = new StringBuilder();
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length() && (value.charAt(i + 1) == ';' || value.charAt(i + 1) == '\\')) {
                cur.append(value.charAt(++i));
            } else if (c == ';') {
                entries.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        entries.add(cur.toString());
        for (String entry : entries) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq < 0) {
                throw new SelectionException("environment " + OPTS_ENV + ": '" + entry + "' is not INSTANCE.KEY=VALUE");
            }
            addOption(opts, entry.substring(0, eq).trim(), entry.substring(eq + 1), "environment " + OPTS_ENV);
        }
        return opts;
    }

    /** Letters, digits, '-' and '_' (no regex: this runs in every monitor's start-up). */
    static boolean isName(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    private static void addOption(Map<String, Map<String, String>> opts, String instanceDotKey, String value,
                                  String source) throws SelectionException {
        int dot = instanceDotKey.indexOf('.');
        if (dot <= 0 || dot == instanceDotKey.length() - 1
                || !isName(instanceDotKey.substring(0, dot))) {
            throw new SelectionException(source + ": '" + instanceDotKey + "' is not INSTANCE.KEY");
        }
        opts.computeIfAbsent(instanceDotKey.substring(0, dot), k -> new LinkedHashMap<>())
                .put(instanceDotKey.substring(dot + 1), value);
    }
}
