package io.conmonj.host.policy;

import io.conmonj.plugin.BinarySize;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The policy file's meaning: {@link TomlSubset}'s tables checked and turned into a {@link Policy}. Unknown tables
 * and keys are errors (a typo in a security policy must not silently mean "default").
 */
public final class PolicyReader {
    /** Option keys whose values are sizes; a cap on them is a size too. */
    static final Set<String> SIZE_KEYS = Set.of("max-size", "global-max-size", "max-buffer-size", "buffer-limit");

    private final String file;

    private PolicyReader(String file) {
        this.file = file;
    }

    /** @throws PolicyException {@code FILE:LINE: RULE: message} */
    public static Policy read(String file, byte[] bytes) throws PolicyException {
        return new PolicyReader(file).build(TomlSubset.parse(file, bytes));
    }

    private Policy build(List<TomlSubset.Table> tables) throws PolicyException {
        Map<String, Policy.Registered> plugins = new LinkedHashMap<>();
        Map<String, Policy.Registered> jars = new LinkedHashMap<>();
        Map<String, Policy.Profile> profiles = new LinkedHashMap<>();
        Policy.AnnotationRules rules = Policy.AnnotationRules.DEFAULT;
        List<TomlSubset.Table> profileTables = new ArrayList<>();
        for (TomlSubset.Table t : tables) {
            String name = t.name();
            int dot = name.indexOf('.');
            String kind = dot < 0 ? name : name.substring(0, dot);
            String sub = dot < 0 ? null : name.substring(dot + 1);
            switch (kind) {
                case "annotations" -> {
                    if (sub != null) {
                        throw unknownTable(t);
                    }
                    rules = annotations(t);
                }
                case "plugin" -> plugins.put(needName(t, sub), registered(t, sub, ".so", true));
                case "driver-jar" -> jars.put(needName(t, sub), registered(t, sub, ".jar", false));
                case "profile" -> {
                    needName(t, sub);
                    profileTables.add(t);
                }
                default -> throw unknownTable(t);
            }
        }
        for (TomlSubset.Table t : profileTables) {
            String name = t.name().substring(t.name().indexOf('.') + 1);
            profiles.put(name, profile(t, name, plugins));
        }
        return new Policy(file, plugins, jars, profiles, rules);
    }

    private PolicyException unknownTable(TomlSubset.Table t) {
        return PolicyException.at(file, t.line(), "policy-table", "unknown table [" + t.name()
                + "] (known: [annotations], [plugin.NAME], [driver-jar.NAME], [profile.NAME])");
    }

    private String needName(TomlSubset.Table t, String sub) throws PolicyException {
        if (sub == null) {
            throw PolicyException.at(file, t.line(), "policy-table", "[" + t.name() + "] needs a name: ["
                    + t.name() + ".NAME]");
        }
        return sub;
    }

    /** @param plugin whether {@code annotations} applies (a jar's drivers are chosen by provider name instead) */
    private Policy.Registered registered(TomlSubset.Table t, String name, String suffix, boolean plugin)
            throws PolicyException {
        Path path = null;
        boolean annotations = true;
        for (Map.Entry<String, TomlSubset.Value> e : t.keys().entrySet()) {
            TomlSubset.Value v = e.getValue();
            switch (e.getKey()) {
                case "path" -> {
                    String p = string(e.getKey(), v);
                    path = Path.of(p);
                    if (!p.startsWith("/") || !path.normalize().toString().equals(p) || !p.endsWith(suffix)) {
                        throw PolicyException.at(file, v.line(), "policy-path", "path = \"" + p
                                + "\" must be an absolute, normalized path (no '..', '.', '//' or trailing '/') ending in "
                                + suffix);
                    }
                }
                case "annotations" -> {
                    if (!plugin) {
                        throw unknownKey(t, e.getKey(), v, "path (annotations choose a jar's drivers by their "
                                + "names, listed in [annotations] drivers)");
                    }
                    annotations = bool(e.getKey(), v);
                }
                default -> throw unknownKey(t, e.getKey(), v, plugin ? "path, annotations" : "path");
            }
        }
        if (path == null) {
            throw PolicyException.at(file, t.line(), "policy-path", "[" + t.name() + "] needs path = \"/...\"");
        }
        return new Policy.Registered(name, path, annotations, t.line());
    }

    private Policy.Profile profile(TomlSubset.Table t, String name, Map<String, Policy.Registered> plugins)
            throws PolicyException {
        String driver = null;
        boolean always = false;
        Map<String, Policy.Allowed> allow = new LinkedHashMap<>();
        Map<String, String> options = new LinkedHashMap<>();
        for (Map.Entry<String, TomlSubset.Value> e : t.keys().entrySet()) {
            String key = e.getKey();
            TomlSubset.Value v = e.getValue();
            switch (key) {
                case "driver" -> driver = string(key, v);
                case "always" -> always = bool(key, v);
                case "allow" -> {
                    for (String a : strings(key, v)) {
                        Policy.Allowed allowed = allowed(a, v.line());
                        allow.put(allowed.key(), allowed);
                    }
                }
                default -> {
                    Object o = v.value();
                    if (o instanceof List<?>) {
                        throw PolicyException.at(file, v.line(), "policy-type", key
                                + " is a driver option: a string, an integer or a boolean, not an array");
                    }
                    options.put(key, o.toString());
                }
            }
        }
        if (driver == null || driver.isEmpty()) {
            throw PolicyException.at(file, t.line(), "policy-profile", "[" + t.name() + "] needs driver = \"...\"");
        }
        if (driver.equals("c-plugin")) {
            String plugin = options.get("plugin");
            if (plugin == null || !plugins.containsKey(plugin)) {
                throw PolicyException.at(file, t.line(), "policy-plugin", "[" + t.name()
                        + "] uses driver c-plugin: plugin = \"NAME\" must name a [plugin.NAME] of this file"
                        + (plugin == null ? "" : " (not " + plugin + ")"));
            }
        }
        return new Policy.Profile(name, driver, options, allow, always, t.line());
    }

    /** {@code KEY} or {@code KEY<=CAP}. */
    private Policy.Allowed allowed(String entry, int line) throws PolicyException {
        int le = entry.indexOf("<=");
        String key = le < 0 ? entry : entry.substring(0, le).trim();
        if (key.isEmpty() || !key.chars().allMatch(c -> c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
                || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.')) {
            throw PolicyException.at(file, line, "policy-allow", "allow entry '" + entry
                    + "' is not KEY or KEY<=LIMIT");
        }
        if (le < 0) {
            return new Policy.Allowed(key, Policy.Allowed.NO_CAP);
        }
        String capText = entry.substring(le + 2).trim();
        long cap = capValue(key, capText);
        if (cap < 0) {
            throw PolicyException.at(file, line, "policy-allow", "allow entry '" + entry + "': '" + capText
                    + "' is not a " + (SIZE_KEYS.contains(key) ? "size (e.g. 10m)" : "number"));
        }
        return new Policy.Allowed(key, cap);
    }

    /** A cap or an annotation's value for {@code key}: a size for size keys, else a plain number; -1 if neither. */
    public static long capValue(String key, String text) {
        if (SIZE_KEYS.contains(key)) {
            return BinarySize.parse(text);
        }
        if (text.isEmpty() || text.length() > 18 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Long.parseLong(text);
    }

    private Policy.AnnotationRules annotations(TomlSubset.Table t) throws PolicyException {
        Policy.AnnotationRules d = Policy.AnnotationRules.DEFAULT;
        Set<String> drivers = d.drivers();
        boolean regex = d.regex();
        List<Cidr> destinations = new ArrayList<>();
        List<Path> unixDirs = new ArrayList<>();
        long maxSize = d.maxSize();
        long maxFile = d.maxFile();
        long maxBuffer = d.maxBufferSize();
        boolean unrestricted = d.unrestricted();
        boolean rootless = d.rootlessUnrestricted();
        for (Map.Entry<String, TomlSubset.Value> e : t.keys().entrySet()) {
            String key = e.getKey();
            TomlSubset.Value v = e.getValue();
            switch (key) {
                case "drivers" -> drivers = new LinkedHashSet<>(strings(key, v));
                case "regex" -> regex = bool(key, v);
                case "destinations" -> {
                    for (String s : strings(key, v)) {
                        if (s.startsWith("unix:")) {
                            String dir = s.substring("unix:".length());
                            if (!dir.startsWith("/") || !Path.of(dir).normalize().toString().equals(dir) || dir.equals("/")) {
                                throw PolicyException.at(file, v.line(), "policy-destination", "'" + s
                                        + "': unix:DIRECTORY needs an absolute, normalized directory other than /");
                            }
                            unixDirs.add(Path.of(dir));
                        } else {
                            try {
                                destinations.add(Cidr.parse(s));
                            } catch (IllegalArgumentException ex) {
                                throw PolicyException.at(file, v.line(), "policy-destination", ex.getMessage()
                                        + " (or unix:/DIRECTORY)");
                            }
                        }
                    }
                }
                case "max-size" -> maxSize = cap(key, v);
                case "max-file" -> maxFile = cap(key, v);
                case "max-buffer-size" -> maxBuffer = cap(key, v);
                case "unrestricted" -> unrestricted = bool(key, v);
                case "rootless-unrestricted" -> rootless = bool(key, v);
                default -> throw unknownKey(t, key, v, "drivers, regex, destinations, max-size, max-file, "
                        + "max-buffer-size, unrestricted, rootless-unrestricted");
            }
        }
        return new Policy.AnnotationRules(drivers, regex, destinations, unixDirs, maxSize, maxFile, maxBuffer,
                unrestricted, rootless);
    }

    private long cap(String key, TomlSubset.Value v) throws PolicyException {
        String text = v.value() instanceof Long l ? l.toString() : v.value() instanceof String s ? s : null;
        long cap = text == null ? -1 : capValue(key, text);
        if (cap < 0) {
            throw PolicyException.at(file, v.line(), "policy-type", key + " must be a "
                    + (SIZE_KEYS.contains(key) ? "size (\"10m\" or a number of bytes)" : "non-negative integer"));
        }
        return cap;
    }

    private PolicyException unknownKey(TomlSubset.Table t, String key, TomlSubset.Value v, String known) {
        return PolicyException.at(file, v.line(), "policy-key", "unknown key " + key + " in [" + t.name()
                + "] (known: " + known + ")");
    }

    private String string(String key, TomlSubset.Value v) throws PolicyException {
        if (v.value() instanceof String s) {
            return s;
        }
        throw PolicyException.at(file, v.line(), "policy-type", key + " must be a string, not " + v.typeName());
    }

    private boolean bool(String key, TomlSubset.Value v) throws PolicyException {
        if (v.value() instanceof Boolean b) {
            return b;
        }
        throw PolicyException.at(file, v.line(), "policy-type", key + " must be true or false, not " + v.typeName());
    }

    @SuppressWarnings("unchecked")
    private List<String> strings(String key, TomlSubset.Value v) throws PolicyException {
        if (v.value() instanceof List<?> l) {
            return (List<String>) l;
        }
        throw PolicyException.at(file, v.line(), "policy-type", key + " must be an array of strings, not "
                + v.typeName());
    }
}
