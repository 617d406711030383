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
 * arguments. Writes {@code cid}, {@code exit} (the exit file's content) and {@code stderr} to the output dir.
 */
public final class JournaldScenario {
    private JournaldScenario() {
    }

    public static void main(String[] a) throws Exception {
        Monitor m = new Monitor(a[0], Path.of(a[1]));
        Path out = Path.of(a[2]);
        String script = a[3];
        List<String> extra = new ArrayList<>(Arrays.asList(a).subList(4, a.length));
        int status = 0;
        try (ConmonRun r = new ConmonRun(m, Fixtures.get().sh(script)).podmanArgs()) {
            r.args(extra.toArray(String[]::new));
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
