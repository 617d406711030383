package io.conmonj.host.policy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The trust boundary: what a driver chosen or configured by an annotation may do under the {@link Policy}.
 * Annotations come from whoever creates the container or wrote its image, never from the administrator, so every
 * option they give is checked here before any driver is loaded or opened; a refusal names the policy and the rule
 * (docs/security.md lists the rules):
 * <pre>
 * policy SOURCE: RULE: annotation KEY=VALUE: reason
 * </pre>
 * What the administrator sets (the environment, profiles) is not checked here: it is trusted as the administrator.
 */
public final class AnnotationGate {
    /** Options the host itself takes (see DriverSelection); the rest go to the driver. */
    public static final Set<String> HOST_KEYS = Set.of("mode", "max-buffer-size", "tag", "labels", "env",
            "labels-regex", "env-regex");
    /** What an annotation may set on an instance the administrator configured. */
    public static final Set<String> ADMIN_INSTANCE_KEYS = Set.of("tag", "labels", "env");
    static final Set<String> FILE_DRIVERS = Set.of("k8s-file", "json-file");
    static final Set<String> REMOTE_DRIVERS = Set.of("syslog", "gelf", "fluentd");
    static final String C_PLUGIN = "c-plugin";
    static final String PLUGIN_OPTION = "plugin";
    /** Longest {@code labels-regex} / {@code env-regex} accepted from an annotation. */
    public static final int MAX_REGEX = 256;

    private final Policy policy;
    private final LogDirectory logDir;
    private final boolean unrestricted;
    private final int euid;

    /**
     * @param euid the monitor's effective uid: registered files must be owned by root or by it, and
     *             {@code rootless-unrestricted} applies when it is not 0
     */
    public AnnotationGate(Policy policy, LogDirectory logDir, int euid) {
        this.policy = policy;
        this.logDir = logDir;
        this.euid = euid;
        Policy.AnnotationRules r = policy.annotations();
        this.unrestricted = r.unrestricted() || euid != 0 && r.rootlessUnrestricted();
    }

    public Policy policy() {
        return policy;
    }

    private PolicyException refuse(String rule, String instance, String key, String value, String reason) {
        String what = key == null ? "annotation io.conmon-j.log-driver (" + instance + ")"
                : "annotation io.conmon-j.log-opt." + instance + "." + key + "=" + clip(value);
        return new PolicyException("policy " + policy.source(), rule, what + ": " + reason);
    }

    /**
     * The options for a driver an annotation chose directly ({@code io.conmon-j.log-driver=PROVIDER:INSTANCE}).
     *
     * @return the options to open it with: a registered plugin's name replaced by its path, a file name by its path
     *         in the log directory, a host name by the checked address
     */
    public Map<String, String> direct(String instance, String provider, Map<String, String> options)
            throws PolicyException {
        Policy.AnnotationRules rules = policy.annotations();
        boolean plugin = provider.equals(C_PLUGIN);
        if (!plugin && !unrestricted && !rules.drivers().contains(provider)) {
            throw refuse("annotation-driver", instance, null, null, "log driver " + provider
                    + " may not be chosen by an annotation (allowed: " + String.join(", ", new TreeSet<>(rules.drivers()))
                    + "; an administrator enables others in [annotations] drivers, or offers them as [profile.NAME]"
                    + (policy.profiles().isEmpty() ? "" : ": " + String.join(", ", new TreeSet<>(policy.profiles().keySet())))
                    + ")");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : options.entrySet()) {
            String key = e.getKey();
            String value = e.getValue();
            if (plugin && key.equals(PLUGIN_OPTION)) {
                out.put(key, registeredPlugin(instance, value));
                continue;
            }
            if (unrestricted) {
                out.put(key, value);
                continue;
            }
            out.put(key, directOption(instance, provider, key, value, rules));
        }
        if (plugin && !out.containsKey(PLUGIN_OPTION)) {
            throw refuse("annotation-plugin", instance, null, null, "log driver c-plugin needs "
                    + "io.conmon-j.log-opt." + instance + ".plugin=NAME, NAME a plugin the administrator registered ("
                    + registeredNames() + ")");
        }
        if (!unrestricted && REMOTE_DRIVERS.contains(provider) && !out.containsKey(provider + "-address")) {
            throw refuse("annotation-destination", instance, null, null, "log driver " + provider
                    + " chosen by an annotation needs io.conmon-j.log-opt." + instance + "." + provider
                    + "-address inside the policy's destinations (its default address is not checked)");
        }
        return out;
    }

    private String directOption(String instance, String provider, String key, String value,
                                Policy.AnnotationRules rules) throws PolicyException {
        switch (key) {
            case "labels-regex", "env-regex" -> {
                if (!rules.regex()) {
                    throw refuse("annotation-regex", instance, key, value, "regular expressions from annotations "
                            + "are not allowed (the administrator allows them with [annotations] regex = true; name "
                            + "the labels with labels=NAME,... instead)");
                }
                return regex(instance, key, value);
            }
            case "max-buffer-size" -> {
                return capped(instance, key, value, rules.maxBufferSize());
            }
            default -> {
                // below
            }
        }
        if (HOST_KEYS.contains(key)) {
            return value;
        }
        if (FILE_DRIVERS.contains(provider)) {
            return switch (key) {
                case "path" -> confined(instance, key, value);
                case "max-size", "global-max-size" -> capped(instance, key, value, rules.maxSize());
                case "max-file" -> capped(instance, key, value, rules.maxFile());
                default -> value; // the driver refuses keys it does not know
            };
        }
        if (provider.equals(C_PLUGIN) && key.equals("isolation") && !value.equals("process")) {
            throw refuse("annotation-option", instance, key, value, "a plugin runs in the monitor's own process only "
                    + "where the administrator says so (a profile or the environment); annotations get isolation=process");
        }
        if (provider.equals("journald") && key.equals("socket")) {
            throw refuse("annotation-option", instance, key, value, "the journal socket is the administrator's to "
                    + "choose");
        }
        if (isAddress(key)) {
            return destination(instance, key, value, rules);
        }
        if (key.equals("path") || key.endsWith("-path")) {
            return confined(instance, key, value); // a plugin's or Java driver's output file too
        }
        return value;
    }

    /**
     * The options of a profile an annotation chose ({@code io.conmon-j.log-profile=NAME}): the profile's fixed
     * options, plus the annotation's where the profile's {@code allow} names the key, within its cap.
     */
    public Map<String, String> profile(Policy.Profile profile, Map<String, String> annotationOptions)
            throws PolicyException {
        Map<String, String> out = profileOptions(profile);
        for (Map.Entry<String, String> e : annotationOptions.entrySet()) {
            String key = e.getKey();
            String value = e.getValue();
            Policy.Allowed allowed = profile.allow().get(key);
            if (allowed == null) {
                throw refuse("annotation-option", profile.name(), key, value, "profile " + profile.name() + " ("
                        + policy.at(profile.line()) + ") lets annotations set only: "
                        + (profile.allow().isEmpty() ? "nothing" : String.join(", ", new TreeSet<>(profile.allow().keySet()))));
            }
            if (allowed.cap() != Policy.Allowed.NO_CAP) {
                value = capped(profile.name(), key, value, allowed.cap());
            }
            switch (key) {
                case "labels-regex", "env-regex" -> value = regex(profile.name(), key, value);
                case "path" -> value = confined(profile.name(), key, value);
                case PLUGIN_OPTION -> value = registeredPlugin(profile.name(), value);
                default -> {
                    if (isAddress(key)) {
                        value = destination(profile.name(), key, value, policy.annotations());
                    } else if (key.endsWith("-path")) {
                        value = confined(profile.name(), key, value);
                    }
                }
            }
            out.put(key, value);
        }
        return out;
    }

    /** A profile's fixed options, its plugin's name replaced by the registered path. */
    public Map<String, String> profileOptions(Policy.Profile profile) throws PolicyException {
        Map<String, String> out = new LinkedHashMap<>(profile.options());
        if (profile.driver().equals(C_PLUGIN)) {
            out.put(PLUGIN_OPTION, checked(policy.plugins().get(profile.options().get(PLUGIN_OPTION))));
        }
        return out;
    }

    /**
     * A registered file's path, once {@link OwnerCheck} found it and its directory changeable only by root (the
     * c-plugin provider checks the opened descriptor again and loads through it).
     */
    public String checked(Policy.Registered r) throws PolicyException {
        OwnerCheck.check(r.path(), euid, "policy " + policy.at(r.line()), "registered-file");
        return r.path().toString();
    }

    /** An annotation option on an instance the administrator configured: only the keys that describe the container. */
    public void adminInstanceOption(String instance, String key, String value) throws PolicyException {
        if (!ADMIN_INSTANCE_KEYS.contains(key)) {
            throw refuse("admin-instance", instance, key, value, "log driver " + instance + " is set by the "
                    + "administrator for every container; an annotation may set only its " + String.join(", ",
                    new TreeSet<>(ADMIN_INSTANCE_KEYS)));
        }
    }

    /** An instance an annotation chose has the name of one the administrator set. */
    public PolicyException adminInstanceName(String instance) {
        return refuse("admin-instance", instance, null, null, "the administrator already runs a log driver named "
                + instance + " for every container; an annotation adds drivers under other names and cannot "
                + "replace or remove the administrator's");
    }

    /** A profile an annotation named that the policy does not define. */
    public PolicyException unknownProfile(String name) {
        return new PolicyException("policy " + policy.source(), "annotation-profile", "annotation io.conmon-j.log-profile: "
                + "no profile " + clip(name) + " (defined: " + (policy.profiles().isEmpty() ? "none"
                : String.join(", ", new TreeSet<>(policy.profiles().keySet()))) + ")");
    }

    private String registeredPlugin(String instance, String value) throws PolicyException {
        Policy.Registered r = policy.plugins().get(value);
        if (r == null || !r.annotations()) {
            throw refuse("annotation-plugin", instance, PLUGIN_OPTION, value, (value.indexOf('/') >= 0
                    ? "plugins are chosen by name, never by path"
                    : "no plugin of that name is registered for annotations")
                    + " (registered: " + registeredNames() + ")");
        }
        return checked(r);
    }

    private String registeredNames() {
        List<String> names = policy.plugins().values().stream().filter(Policy.Registered::annotations)
                .map(Policy.Registered::name).sorted().toList();
        return names.isEmpty() ? "none" : String.join(", ", names);
    }

    private String confined(String instance, String key, String value) throws PolicyException {
        try {
            return logDir.resolve(value);
        } catch (IllegalArgumentException e) {
            throw refuse("annotation-path", instance, key, value, e.getMessage());
        }
    }

    private String capped(String instance, String key, String value, long cap) throws PolicyException {
        long v = PolicyReader.capValue(key, value.trim());
        if (v < 0) {
            throw refuse("annotation-cap", instance, key, value, "not a " + (PolicyReader.SIZE_KEYS.contains(key)
                    ? "size (e.g. 10m)" : "number") + " the policy can compare with its limit " + cap);
        }
        if (v > cap) {
            throw refuse("annotation-cap", instance, key, value, "above the policy's limit " + cap
                    + (PolicyReader.SIZE_KEYS.contains(key) ? " bytes" : ""));
        }
        return value;
    }

    private String regex(String instance, String key, String value) throws PolicyException {
        if (value.length() > MAX_REGEX) {
            throw refuse("annotation-regex", instance, key, value, "longer than " + MAX_REGEX + " characters");
        }
        return value;
    }

    private String destination(String instance, String key, String value, Policy.AnnotationRules rules)
            throws PolicyException {
        try {
            return Destinations.check(value, rules.destinations(), rules.unixDirs());
        } catch (Destinations.Refused e) {
            throw refuse("annotation-destination", instance, key, value, e.getMessage());
        }
    }

    /**
     * Whether an option is a network destination: {@code address} or {@code *-address} ({@code syslog-address},
     * {@code gelf-address}, {@code fluentd-address}, a plugin's {@code address}), whichever driver takes it.
     */
    static boolean isAddress(String key) {
        return key.equals("address") || key.endsWith("-address");
    }

    private static String clip(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 80; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return s.length() > 80 ? b + "..." : b.toString();
    }

    /** For messages and tests: the directory confining annotation files. */
    public Path logDirectory() {
        return logDir.dir();
    }
}
