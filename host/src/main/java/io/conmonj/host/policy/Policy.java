package io.conmonj.host.policy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The administrator's policy (docs/security.md): what annotations, which anyone who can create a container or
 * write an image can set, may make the monitor do. {@link #DEFAULT} is what holds without a policy file.
 *
 * @param source      the file it was read from, or {@code built-in default}; named in every refusal
 * @param plugins     C plugins by name ({@code [plugin.NAME]})
 * @param driverJars  Java driver jars by name ({@code [driver-jar.NAME]})
 * @param profiles    named driver configurations ({@code [profile.NAME]})
 * @param annotations what annotations may choose directly ({@code [annotations]})
 */
public record Policy(String source, Map<String, Registered> plugins, Map<String, Registered> driverJars,
                     Map<String, Profile> profiles, AnnotationRules annotations) {

    /** Sizes are 1024-based bytes; counts are plain numbers. */
    public static final long MiB = 1024 * 1024;

    /** Without a policy file: only the container's own log directory and the journal; nothing loaded, no network. */
    public static final Policy DEFAULT = new Policy("built-in default", Map.of(), Map.of(), Map.of(),
            AnnotationRules.DEFAULT);

    public Policy {
        plugins = Map.copyOf(plugins);
        driverJars = Map.copyOf(driverJars);
        profiles = Map.copyOf(profiles);
    }

    /** {@code source:line}, for messages about one entry. */
    public String at(int line) {
        return line > 0 ? source + ":" + line : source;
    }

    /**
     * A plugin {@code .so} or a driver jar registered by the administrator.
     *
     * @param annotations whether an annotation may choose it ({@code annotations = false} keeps it for profiles
     *                    and the environment)
     */
    public record Registered(String name, Path path, boolean annotations, int line) {
    }

    /**
     * A profile: a driver with fixed options, and what an annotation that chooses it may set.
     *
     * @param options fixed options (the annotation cannot change them unless {@code allow} names them)
     * @param allow   option key to cap ({@link Allowed#NO_CAP} for none)
     * @param always  whether it runs for every container, chosen or not
     */
    public record Profile(String name, String driver, Map<String, String> options, Map<String, Allowed> allow,
                          boolean always, int line) {
        public Profile {
            options = Map.copyOf(options);
            allow = Map.copyOf(allow);
        }
    }

    /** One {@code allow} entry: {@code KEY} or {@code KEY<=CAP}. */
    public record Allowed(String key, long cap) {
        public static final long NO_CAP = -1;
    }

    /**
     * What annotations may choose directly, without a profile.
     *
     * @param drivers         providers an annotation may name in {@code io.conmon-j.log-driver} ({@code none}
     *                        always); the file drivers are confined to the container's log directory
     * @param regex           whether {@code labels-regex} / {@code env-regex} may come from an annotation
     * @param destinations    address ranges an annotation's {@code address} may point to
     * @param unixDirs        directories under which an annotation's unix socket may be
     * @param maxSize         cap of {@code max-size} / {@code global-max-size} from annotations (bytes)
     * @param maxFile         cap of {@code max-file} from annotations
     * @param maxBufferSize   cap of {@code max-buffer-size} from annotations (bytes)
     * @param unrestricted    annotations are trusted like the administrator (a host where only root creates
     *                        containers); plugins and jars are still chosen by name only
     * @param rootlessUnrestricted the same for a monitor that does not run as root
     */
    public record AnnotationRules(Set<String> drivers, boolean regex, List<Cidr> destinations, List<Path> unixDirs,
                                  long maxSize, long maxFile, long maxBufferSize, boolean unrestricted,
                                  boolean rootlessUnrestricted) {
        public static final Set<String> DEFAULT_DRIVERS = Set.of("k8s-file", "json-file", "journald");
        public static final AnnotationRules DEFAULT = new AnnotationRules(DEFAULT_DRIVERS, false, List.of(), List.of(),
                100 * MiB, 10, 4 * MiB, false, false);

        public AnnotationRules {
            drivers = Set.copyOf(drivers);
            destinations = List.copyOf(destinations);
            unixDirs = List.copyOf(unixDirs);
        }
    }
}
