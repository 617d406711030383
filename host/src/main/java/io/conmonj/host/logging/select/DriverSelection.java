package io.conmonj.host.logging.select;

import io.conmonj.host.logging.LogPipeline;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.conmonj.host.policy.AnnotationGate;
import io.conmonj.host.policy.Policy;
import io.conmonj.host.policy.PolicyException;
import io.conmonj.plugin.BinarySize;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which extra drivers a container logs to, and their options, from the host default (environment) and the
 * container's annotations. The syntax is documented in {@code docs/logging.md}:
 * <pre>
 * io.conmon-j.log-driver = PROVIDER[:INSTANCE][,PROVIDER[:INSTANCE]...]   (annotation)
 * io.conmon-j.log-opt.INSTANCE.KEY = VALUE                                (annotation, one per option)
 * CONMONJ_LOG_DRIVER = same list                                           (environment)
 * CONMONJ_LOG_OPTS = INSTANCE.KEY=VALUE[;INSTANCE.KEY=VALUE...]            (environment; \; and \\ escape)
 * io.conmon-j.log-profile = NAME[,NAME...]                               (annotation: profiles of the policy)
 * </pre>
 * The administrator's drivers (environment, always-on profiles of the policy) always run; annotations add to them,
 * within what the policy ({@link io.conmonj.host.policy.Policy}, docs/security.md) allows. The host
 * itself takes the keys {@code mode}, {@code max-buffer-size}, {@code tag} (a {@link TagTemplate}), {@code labels}
 * and {@code env} (comma-separated names of the labels and environment variables given to the driver in its
 * {@code ContainerMetadata}), {@code labels-regex} and {@code env-regex} (Docker's: a regular expression that selects
 * more of them by name, found anywhere in the name as Go's {@code regexp.MatchString}, in RE2/J: linear time); every other key goes to the
 * driver.
 */
public final class DriverSelection {
    public static final String ANNOTATION_PREFIX = "io.conmon-j.";
    public static final String DRIVER_ANNOTATION = "io.conmon-j.log-driver";
    public static final String OPT_ANNOTATION_PREFIX = "io.conmon-j.log-opt.";
    /** Annotation choosing profiles of the administrator's policy: {@code NAME[,NAME...]}. */
    public static final String PROFILE_ANNOTATION = "io.conmon-j.log-profile";
    /** Longest {@code labels-regex} / {@code env-regex} (the administrator's too; annotations: AnnotationGate). */
    static final int MAX_REGEX = 1024;
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
     * The drivers to open: first the administrator's (every instance of {@code CONMONJ_LOG_DRIVER}, then every
     * {@code always} profile of the policy), then what the annotations add ({@code io.conmon-j.log-driver},
     * {@code io.conmon-j.log-profile}), each checked by {@code gate} before anything is loaded. Annotations add
     * drivers, they never remove or replace the administrator's ({@code none} adds nothing); on an instance the
     * administrator set, an annotation may set only what describes the container ({@code tag}, {@code labels},
     * {@code env}), or what the profile allows.
     *
     * @param environment the monitor's environment
     * @param annotations the bundle's annotations (empty if none or not read)
     * @param gate        the policy's rules for annotations
     * @throws SelectionException on a malformed list or option, with a message for the user, or when the policy
     *                            refuses an annotation (the message names the rule)
     */
    public static List<Spec> select(Map<String, String> environment, Map<String, String> annotations,
                                    AnnotationGate gate) throws SelectionException {
        String envList = environment.get(DRIVER_ENV);
        Map<String, Map<String, String>> annOpts = annotationOptions(annotations);
        try {
            Map<String, Chosen> admin = administrators(envList, parseEnvOptions(environment.get(OPTS_ENV)), gate.policy());
            Map<String, Chosen> added = annotations(annotations, annOpts, admin, gate);
            for (String instance : annOpts.keySet()) {
                if (!admin.containsKey(instance) && !added.containsKey(instance)) {
                    String annList = annotations.get(DRIVER_ANNOTATION);
                    throw new SelectionException("options given for log driver " + instance + " (annotation "
                            + OPT_ANNOTATION_PREFIX + instance + ".*), which is not selected ("
                            + (annList == null ? "no annotation " + DRIVER_ANNOTATION : "annotation " + DRIVER_ANNOTATION
                            + "=" + annList) + (envList == null ? "" : ", environment " + DRIVER_ENV + "=" + envList) + ")");
                }
            }
            List<Spec> specs = new ArrayList<>();
            for (Chosen c : admin.values()) {
                Map<String, String> opts = new LinkedHashMap<>(c.options());
                Map<String, String> fromAnnotations = annOpts.getOrDefault(c.instance(), Map.of());
                if (c.profile() != null) {
                    opts = gate.profile(c.profile(), fromAnnotations);
                } else {
                    for (Map.Entry<String, String> e : fromAnnotations.entrySet()) {
                        gate.adminInstanceOption(c.instance(), e.getKey(), e.getValue());
                        opts.put(e.getKey(), e.getValue());
                    }
                }
                specs.add(toSpec(c.instance(), c.provider(), opts));
            }
            for (Chosen c : added.values()) {
                Map<String, String> fromAnnotations = annOpts.getOrDefault(c.instance(), Map.of());
                Map<String, String> opts = c.profile() != null ? gate.profile(c.profile(), fromAnnotations)
                        : gate.direct(c.instance(), c.provider(), fromAnnotations);
                specs.add(toSpec(c.instance(), c.provider(), new LinkedHashMap<>(opts)));
            }
            return specs;
        } catch (PolicyException e) {
            throw new SelectionException(e.getMessage(), e);
        }
    }

    /** The {@code io.conmon-j.log-opt.*} annotations by instance; any other unknown {@code io.conmon-j.*} is an error. */
    private static Map<String, Map<String, String>> annotationOptions(Map<String, String> annotations)
            throws SelectionException {
        Map<String, Map<String, String>> annOpts = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : annotations.entrySet()) {
            String key = e.getKey();
            if (key.startsWith(OPT_ANNOTATION_PREFIX)) {
                addOption(annOpts, key.substring(OPT_ANNOTATION_PREFIX.length()), e.getValue(), "annotation " + key);
            } else if (key.startsWith(ANNOTATION_PREFIX) && !key.equals(DRIVER_ANNOTATION)
                    && !key.equals(PROFILE_ANNOTATION)
                    && !key.equals(MetadataReader.IMAGE_ANNOTATION) && !key.equals(MetadataReader.IMAGE_ID_ANNOTATION)) {
                throw new SelectionException("unknown annotation " + key + " (conmon-j knows " + DRIVER_ANNOTATION
                        + ", " + PROFILE_ANNOTATION + ", " + OPT_ANNOTATION_PREFIX + "DRIVER.KEY, "
                        + MetadataReader.IMAGE_ANNOTATION + " and " + MetadataReader.IMAGE_ID_ANNOTATION + ")");
            }
        }
        return annOpts;
    }

    /** The administrator's instances: {@code CONMONJ_LOG_DRIVER} with its options, then the always-on profiles. */
    private static Map<String, Chosen> administrators(String envList, Map<String, Map<String, String>> envOpts,
                                                      Policy policy) throws SelectionException {
        Map<String, Chosen> admin = new LinkedHashMap<>();
        if (envList != null) {
            for (String[] entry : entries(envList, "environment " + DRIVER_ENV)) {
                String provider = entry[0];
                String instance = entry[1];
                if (admin.containsKey(instance)) {
                    throw new SelectionException("driver instance " + instance + " selected twice in environment "
                            + DRIVER_ENV + " (name the second one PROVIDER:OTHERNAME)");
                }
                Map<String, String> opts = new LinkedHashMap<>(envOpts.getOrDefault(instance, Map.of()));
                if (provider.equals("none")) {
                    if (!opts.isEmpty()) {
                        throw new SelectionException("log driver none takes no options");
                    }
                    continue;
                }
                String plugin = opts.get("plugin");
                if (provider.equals("c-plugin") && plugin != null && plugin.indexOf('/') < 0
                        && policy.plugins().containsKey(plugin)) {
                    opts.put("plugin", policy.plugins().get(plugin).path().toString()); // by name, as annotations do
                }
                admin.put(instance, new Chosen(instance, provider, opts, null));
            }
        }
        for (Policy.Profile p : new TreeMap<>(policy.profiles()).values()) {
            if (p.always()) {
                if (admin.containsKey(p.name())) {
                    throw new SelectionException("policy " + policy.at(p.line()) + ": admin-instance: profile "
                            + p.name() + " runs for every container, and " + DRIVER_ENV + " names an instance "
                            + p.name() + " too");
                }
                admin.put(p.name(), new Chosen(p.name(), p.driver(), Map.of(), p));
            }
        }
        return admin;
    }

    /** The instances the annotations add: {@code io.conmon-j.log-driver}, then {@code io.conmon-j.log-profile}. */
    private static Map<String, Chosen> annotations(Map<String, String> annotations,
                                                   Map<String, Map<String, String>> annOpts, Map<String, Chosen> admin,
                                                   AnnotationGate gate) throws SelectionException, PolicyException {
        Map<String, Chosen> added = new LinkedHashMap<>();
        String annList = annotations.get(DRIVER_ANNOTATION);
        if (annList != null) {
            for (String[] entry : entries(annList, "annotation " + DRIVER_ANNOTATION)) {
                String provider = entry[0];
                String instance = entry[1];
                if (added.containsKey(instance)) {
                    throw new SelectionException("driver instance " + instance + " selected twice in annotation "
                            + DRIVER_ANNOTATION + " (name the second one PROVIDER:OTHERNAME)");
                }
                if (provider.equals("none")) {
                    if (annOpts.containsKey(instance)) {
                        throw new SelectionException("log driver none takes no options");
                    }
                    continue; // adds nothing: the administrator's drivers run whatever an annotation says
                }
                if (admin.containsKey(instance)) {
                    throw gate.adminInstanceName(instance);
                }
                added.put(instance, new Chosen(instance, provider, null, null));
            }
        }
        String profiles = annotations.get(PROFILE_ANNOTATION);
        if (profiles != null) {
            for (String raw : profiles.split(",", -1)) {
                String name = raw.trim();
                Policy.Profile p = gate.policy().profiles().get(name);
                if (p == null) {
                    throw gate.unknownProfile(name);
                }
                if (admin.containsKey(name) && admin.get(name).profile() == p) {
                    continue; // already runs for every container
                }
                if (admin.containsKey(name)) {
                    throw gate.adminInstanceName(name);
                }
                if (added.containsKey(name)) {
                    throw new SelectionException("log driver instance " + name + " chosen twice (annotations "
                            + DRIVER_ANNOTATION + " and " + PROFILE_ANNOTATION + ")");
                }
                added.put(name, new Chosen(name, p.driver(), null, p));
            }
        }
        return added;
    }

    /** One instance to open, before its options are checked and split. */
    private record Chosen(String instance, String provider, Map<String, String> options, Policy.Profile profile) {
    }

    /** {@code PROVIDER[:INSTANCE],...} as {provider, instance} pairs. */
    private static List<String[]> entries(String list, String listSource) throws SelectionException {
        List<String[]> out = new ArrayList<>();
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
            out.add(new String[]{provider, instance});
        }
        return out;
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
        if (value.length() > MAX_REGEX) {
            throw new SelectionException("log driver " + instance + ": " + option + " is longer than " + MAX_REGEX
                    + " characters");
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
        // a key is a name: an image's manifest can carry any annotation key, and a key such as "a=b" or one with a
        // newline would become another option where options are passed on as KEY=VALUE (C plugins' argv)
        String key = instanceDotKey.substring(dot + 1);
        if (key.length() > 128 || !isName(key.replace(".", "-"))) {
            throw new SelectionException(source + ": option key '" + key.replace("\n", "\\n")
                    + "' is not a name (letters, digits, '.', '-', '_'; at most 128)");
        }
        opts.computeIfAbsent(instanceDotKey.substring(0, dot), k -> new LinkedHashMap<>())
                .put(instanceDotKey.substring(dot + 1), value);
    }
}
