package io.conmonj.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The launcher's own configuration, {@code conf/jvm.options} of the install tree: a JVM started without its options
 * would run with the JDK's defaults (no AOT cache, a heap sized for the machine), so a file the launcher cannot use
 * fails the start with the file and the reason, and no JVM is started. The launcher runs from a copy of itself in a
 * scratch install root (it finds its root from its own path), given the start byte as Podman gives it.
 */
class LauncherOptionsTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.conmonj.it.MonitorUnderTest#monitors")
    void tooManyOptionsFailTheStartInsteadOfBeingDropped(MonitorUnderTest m) throws IOException {
        StringBuilder options = new StringBuilder("# sixty-five options\n");
        for (int i = 1; i <= 65; i++) {
            options.append("-Dconmonj.test.option").append(i).append("=1\n");
        }
        Fixtures.Proc p = launch(m, options.toString());
        assertEquals(1, p.status(), p.err());
        assertTrue(p.err().contains("conf/jvm.options: more than 64 options"), p.err());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.conmonj.it.MonitorUnderTest#monitors")
    void anOverlongLineFailsTheStart(MonitorUnderTest m) throws IOException {
        Fixtures.Proc p = launch(m, "-D" + "x".repeat(5000) + "=1\n");
        assertEquals(1, p.status(), p.err());
        assertTrue(p.err().contains("conf/jvm.options: a line longer than 4095 bytes"), p.err());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.conmonj.it.MonitorUnderTest#monitors")
    void aMissingFileFailsTheStart(MonitorUnderTest m) throws IOException {
        Fixtures.Proc p = launch(m, null);
        assertEquals(1, p.status(), p.err());
        assertTrue(p.err().contains("conf/jvm.options: No such file or directory"), p.err());
    }

    /** Runs a copy of the launcher under a scratch root whose jvm.options holds {@code options} (none if null). */
    private static Fixtures.Proc launch(MonitorUnderTest m, String options) throws IOException {
        m.onlyConmonJ("the launcher's jvm.options is conmon-j's install tree; the reference reads no such file");
        m.requirePresent();
        Path root = Files.createTempDirectory("conmonj-launcher-options");
        try {
            Files.createDirectories(root.resolve("bin"));
            Files.createDirectories(root.resolve("conf"));
            Files.copy(m.binary(), root.resolve("bin/conmon"), StandardCopyOption.COPY_ATTRIBUTES);
            if (options != null) {
                Files.writeString(root.resolve("conf/jvm.options"), options);
            }
            Path bundle = Files.createDirectories(root.resolve("bundle"));
            Path start = root.resolve("start");
            Fixtures.Proc mkfifo = Fixtures.run(List.of("mkfifo", start.toString()), 10);
            assertEquals(0, mkfifo.status(), mkfifo.err());
            // the start byte is already in the pipe, as when Podman has written it
            String script = "exec 4<>\"$1\"; printf x >&4; _OCI_STARTPIPE=4 exec \"$2\" -c launcheroptions0123 -u u"
                    + " -r /bin/false -b \"$3\" -l k8s-file:\"$3\"/ctr.log";
            Fixtures.Proc p = Fixtures.run(List.of("bash", "-c", script, "launch", start.toString(),
                    root.resolve("bin/conmon").toString(), bundle.toString()), 30);
            assertFalse(Files.exists(bundle.resolve("ctr.log")), "no monitor ran: " + p.err());
            return p;
        } finally {
            Fixtures.rmrf(root);
        }
    }
}
