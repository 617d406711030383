package io.conmonj.it;

import static io.conmonj.it.PrivatePodman.IMG;
import static io.conmonj.it.PrivatePodman.podman;

import java.util.ArrayList;
import java.util.List;

/** conmon-j's log drivers chosen for one {@code podman run} by {@code io.conmon-j.*} annotations (docs/logging.md). */
final class DriverSelection {
    private DriverSelection() {}

    static final String A = "io.conmon-j.";

    /** {@code --annotation} pairs: one driver, then its options {@code KEY=VALUE} for the instance {@code instance}. */
    static List<String> annotations(String driver, String instance, String... opts) {
        List<String> a = new ArrayList<>(List.of("--annotation", A + "log-driver=" + driver));
        for (String o : opts) a.addAll(List.of("--annotation", A + "log-opt." + instance + "." + o));
        return a;
    }

    /** {@code --annotation} pairs, each one CSV field ({@link #csv}): the driver list, then {@code INSTANCE.KEY=VALUE} options. */
    static List<String> csvAnnotations(String drivers, String... opts) {
        List<String> a = new ArrayList<>(List.of("--annotation", csv(A + "log-driver=" + drivers)));
        for (String o : opts) a.addAll(List.of("--annotation", csv(A + "log-opt." + o)));
        return a;
    }

    /**
     * Podman's {@code --annotation} is a pflag string slice: each argument is read as CSV, so a value with a comma
     * (a driver list, {@code labels=a,b}) must be one quoted CSV field, or Podman splits it and fails with
     * "annotations must be formatted KEY=VALUE".
     */
    static String csv(String annotation) {
        return annotation.contains(",") || annotation.contains("\"") ? "\"" + annotation.replace("\"", "\"\"") + "\"" : annotation;
    }

    /** {@code podman run [-d] --name N --network none ANNOTATIONS IMG COMMAND}'s arguments. */
    static List<String> runArgs(String n, boolean detach, List<String> annotations, String... command) {
        List<String> args = new ArrayList<>(List.of("run"));
        if (detach) args.add("-d");
        args.addAll(List.of("--name", n, "--network", "none"));
        args.addAll(annotations);
        args.add(IMG);
        args.addAll(List.of(command));
        return args;
    }

    /** {@code podman run} in the foreground with the drivers {@code annotations} select. */
    static Fixtures.Proc run(MonitorUnderTest m, String n, List<String> annotations, String... command) {
        return podman(m, runArgs(n, false, annotations, command).toArray(String[]::new));
    }
}
