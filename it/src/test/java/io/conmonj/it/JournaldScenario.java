package io.conmonj.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs one container through a conmon binary with {@code -l journald}, as Podman would; started by
 * {@link JournaldHarnessTest} inside the private mount namespace where its systemd-journald runs (the monitor must
 * see that journald's socket). Arguments: monitor name, binary, output dir, container script, then extra conmon
 * arguments; an argument {@code ENV:K=V} sets K in the monitor's environment instead. Writes {@code cid}, {@code exit} (the exit file's content) and {@code stderr} to the output dir.
 */
public final class JournaldScenario {
    private JournaldScenario() {
    }

    public static void main(String[] a) throws Exception {
        MonitorUnderTest m = new MonitorUnderTest(a[0], Path.of(a[1]));
        Path out = Path.of(a[2]);
        String script = a[3];
        List<String> extra = new ArrayList<>(Arrays.asList(a).subList(4, a.length));
        int status = 0;
        Fixtures.Bundle b = Fixtures.get().sh(script);
        // journald needs a CID longer than 12 characters; the fixtures' ids can be as short as 11
        b = new Fixtures.Bundle(b.cid() + "-journald", b.dir());
        try (ConmonRun r = new ConmonRun(m, b).podmanArgs()) {
            for (String x : extra) {
                if (x.startsWith("ENV:")) {
                    int eq = x.indexOf('=');
                    r.env(x.substring(4, eq), x.substring(eq + 1));
                } else {
                    r.args(x);
                }
            }
            Files.writeString(out.resolve("cid"), r.cid);
            try {
                r.startContainer();
                Files.writeString(out.resolve("exit"), r.awaitExitFile(Duration.ofSeconds(30)));
                if (!r.awaitMonitorGone(Duration.ofSeconds(30))) {
                    throw new AssertionError("monitor still running after the container exited");
                }
            } finally {
                Files.writeString(out.resolve("stderr"), r.stderr());
            }
        } catch (Throwable t) {
            t.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }
}
