package io.conmonj.it;

import static io.conmonj.it.DriverSelection.annotations;
import static io.conmonj.it.DriverSelection.run;
import static io.conmonj.it.PrivatePodman.name;
import static io.conmonj.it.PrivatePodman.podman;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

/** A {@code podman run} the driver must refuse at start-up: its options, and what podman's stderr must contain. */
record StartupError(String what, List<String> options, String message) {
    /** Named by its options. */
    StartupError(List<String> options, String message) {
        this(options.toString(), options, message);
    }

    /**
     * Runs {@code echo must-not-run} once per case with the {@code driver} driver and the case's options: each run must
     * fail, with the case's message on stderr, and the command must not have run. All cases run; the failures are
     * reported together.
     */
    static void assertStartupErrors(MonitorUnderTest m, String driver, String what, List<StartupError> cases) {
        List<String> failures = new ArrayList<>();
        for (StartupError b : cases) {
            String n = name(m, what);
            try {
                Fixtures.Proc p = run(m, n, annotations(driver, driver, b.options().toArray(String[]::new)),
                        "echo", "must-not-run");
                System.out.println("[" + m + "] " + b.what() + ": status " + p.status() + ", stderr " + Json.quote(p.err()));
                if (p.status() == 0 || !p.err().contains(b.message()) || p.out().contains("must-not-run")) {
                    failures.add(b.what() + ": status " + p.status() + ", out " + Json.quote(p.out()) + ", err "
                            + Json.quote(p.err()) + " (expected to contain " + Json.quote(b.message()) + ")");
                }
            } finally {
                podman(m, "rm", "-f", "-t", "0", n);
            }
        }
        assertEquals(List.of(), failures);
    }
}
