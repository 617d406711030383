package io.conmonj.it;

import static io.conmonj.it.ExamplePlugins.FILE_PLUGIN;
import static io.conmonj.it.PluginFrames.joined;
import static io.conmonj.it.PluginFrames.parse;
import static io.conmonj.it.PrivatePodman.withConmonEnv;
import static io.conmonj.it.PrivatePodman.IMG;
import static io.conmonj.it.PrivatePodman.name;
import static io.conmonj.it.PrivatePodman.ok;
import static io.conmonj.it.PrivatePodman.podman;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The plugin rows of the fault matrix (issue 11), with a real Podman: a C plugin that crashes with SIGSEGV in write,
 * calls abort(), loops for ever in write, returns RETRY for ever, or hangs in init. The plugin runs in its own
 * conmon-j-plugin-host (the default isolation), so each fault ends only that process: {@code podman wait} returns
 * the container's real status within a bound, {@code podman ps} does not show it {@code Up}, the reason is in the
 * monitor's messages once, every byte is in the k8s-file log ({@code podman logs}, byte for byte), and a second,
 * healthy plugin next to the faulty one gets every record.
 *
 * <p>Drivers are chosen the administrator's way, {@code CONMONJ_LOG_DRIVER} in {@code conmon_env_vars}, so the
 * trust policy for annotations does not apply. faulty.so is compiled here with gcc from
 * plugin-api-c/src/test/c/faulty.c against the SDK header, into a root-owned directory only root can write (as the
 * loader requires). conmon-j only: the C conmon has no plugins.
 */
@ExtendWith(PodmanEnvironment.class)
class PluginFaultPodmanTest {
    static final String MONITORS = "io.conmonj.it.MonitorUnderTest#monitors";
    static final String WHY = "C log plugins (issue 11 fault matrix); the C conmon has no plugins";
    static final Path SDK_INCLUDE = Path.of("../plugin-api-c/target/sdk/include").toAbsolutePath().normalize();
    static final Path FAULTY_SOURCE = Path.of("../plugin-api-c/src/test/c/faulty.c").toAbsolutePath().normalize();
    /** Four reads (pauses between them), binary bytes, a status of its own. */
    static final String SCRIPT = "printf 'one\\n'; sleep 0.3; printf 'two\\n'; sleep 0.3; printf 'three\\n';"
            + " sleep 0.3; printf '\\001\\377bin\\n'; exit 7";
    static final String SCRIPT_OUT = "one\ntwo\nthree\n\u0001\u00ffbin\n";
    /** How long podman wait may take beyond the fault's own deadline (podman, runc, a loaded machine). */
    static final long SLACK_MS = 20_000;

    static Path faulty;

    @BeforeAll
    static void compileFaultyPlugin() throws Exception {
        Path dir = PrivatePodman.base.resolve("fault-plugins");
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        faulty = dir.resolve("faulty.so");
        Process gcc = new ProcessBuilder("gcc", "-std=gnu11", "-O2", "-Wall", "-Werror", "-shared", "-fPIC",
                "-I" + SDK_INCLUDE, "-o", faulty.toString(), FAULTY_SOURCE.toString()).redirectErrorStream(true).start();
        String out = new String(gcc.getInputStream().readAllBytes());
        assertEquals(0, gcc.waitFor(), "gcc faulty.c: " + out);
        Files.setPosixFilePermissions(faulty, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** One fault: what the bad plugin gets, the monitor's message, and the deadline the fault is bound by. */
    record Fault(String name, String options, String message, long deadlineMs) {
        @Override public String toString() {
            return name;
        }
    }

    static List<Fault> writeFaults() {
        return List.of(
                new Fault("segv", "bad.fault=segv", "crashed with signal 11 (SIGSEGV) in write", 0),
                new Fault("abort", "bad.fault=abort", "crashed with signal 6 (SIGABRT) in write", 0),
                new Fault("loop", "bad.fault=loop;bad.call-timeout=1s",
                        "write did not return within 1000 ms (call-timeout); plugin host ended", 1_000),
                // RETRY for ever, with retries that would outlast anything and the default call-timeout (5 s): the
                // container exits ~0.6 s after the fault begins, and the exit grace (2 s) ends the call first
                new Fault("retry", "bad.fault=retry;bad.plugin-retries=1000",
                        "write still running 2000 ms after the container exited; plugin host ended", 2_000));
    }

    /** Runs the container detached with a faulty plugin (bad) and a healthy one (good); checks the matrix's columns. */
    void faultInWrite(MonitorUnderTest m, Fault f) throws IOException {
        m.onlyConmonJ(WHY);
        String n = name(m, "plugin-" + f.name());
        Path good = PrivatePodman.base.resolve("fault-good-" + f.name() + ".records");
        Path diag = PrivatePodman.base.resolve("fault-diag-" + f.name() + ".log");
        Files.deleteIfExists(good);
        Files.deleteIfExists(diag);
        try {
            withConmonEnv(List.of("CONMONJ_LOG_DRIVER=c-plugin:bad,c-plugin:good",
                    "CONMONJ_LOG_OPTS=bad.plugin=" + faulty + ";bad.after=2;" + f.options()
                            + ";good.plugin=" + FILE_PLUGIN + ";good.path=" + good,
                    "CONMONJ_DIAGNOSTICS_FILE=" + diag), () -> {
                ok(podman(m, "run", "-d", "--name", n, "--network", "none", IMG, "sh", "-c", SCRIPT), "run -d");
                long t0 = System.nanoTime();
                Fixtures.Proc wait = podman(m, "wait", n);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                System.out.println("[" + m + "] " + f + ": podman wait " + ms + " ms, " + wait.out().strip());
                assertEquals(0, wait.status(), wait.err());
                assertEquals("7", wait.out().strip(), "podman wait: the container's real status");
                assertTrue(ms < 1_000 + f.deadlineMs() + SLACK_MS, "podman wait took " + ms + " ms");
                return null;
            });
            String status = ok(podman(m, "ps", "-a", "--filter", "name=^" + n + "$", "--format", "{{.Status}}"), "ps").out().strip();
            assertTrue(status.startsWith("Exited (7)"), "podman ps: " + status);
            Fixtures.Proc logs = ok(podman(m, "logs", n), "logs");
            assertEquals(SCRIPT_OUT, logs.out(), "every byte in the k8s-file log");
            assertEquals(SCRIPT_OUT, joined(parse(Files.readAllBytes(good)), "stdout"), "the healthy plugin got every record");
            String text = Files.readString(diag);
            System.out.println("[" + m + "] " + f + ": diagnostics " + text.strip());
            String reason = "log driver bad: write failed: log plugin " + faulty + ": " + f.message();
            assertEquals(1, text.lines().filter(l -> l.contains(reason)).count(), "reported once: " + reason + " in " + text);
            assertFalse(text.contains("log driver good:"), "the healthy driver reported nothing: " + text);
        } finally {
            podman(m, "rm", "-f", "-t", "0", n);
            Files.deleteIfExists(good);
            Files.deleteIfExists(diag);
        }
    }

    static List<Object[]> monitorsAndFaults() {
        return MonitorUnderTest.monitors().flatMap(m -> writeFaults().stream().map(f -> new Object[] {m, f})).toList();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("monitorsAndFaults")
    void faultInWriteEndsOnlyThePlugin(MonitorUnderTest m, Fault f) throws IOException {
        faultInWrite(m, f);
    }

    /**
     * The plugin host must not hold Podman's pipes: the monitor's stdio are Podman's until it detaches, and a child
     * holding them keeps {@code podman run -d} waiting until that child ends (here: until the container ends).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void runDetachedReturnsWhileThePluginHostRuns(MonitorUnderTest m) throws IOException {
        m.onlyConmonJ(WHY);
        String n = name(m, "plugin-detached");
        Path good = PrivatePodman.base.resolve("fault-detached.records");
        Files.deleteIfExists(good);
        try {
            withConmonEnv(List.of("CONMONJ_LOG_DRIVER=c-plugin:good",
                    "CONMONJ_LOG_OPTS=good.plugin=" + FILE_PLUGIN + ";good.path=" + good), () -> {
                ok(podman(m, "run", "-d", "--name", n, "--network", "none", IMG, "sh", "-c", "echo started; sleep 60"),
                        "run -d");
                return null;
            });
            // podman run -d came back while the container (and so the plugin host) still runs
            String status = ok(podman(m, "ps", "--filter", "name=^" + n + "$", "--format", "{{.Status}}"), "ps").out().strip();
            assertTrue(status.startsWith("Up"), "podman run -d returned only after the container ended: " + status);
        } finally {
            podman(m, "rm", "-f", "-t", "0", n);
            Files.deleteIfExists(good);
        }
    }

    /** isolation=in-process, the administrator's choice for a trusted plugin, set through conmon_env_vars: every record arrives. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void inProcessIsolationIsTheAdministratorsChoice(MonitorUnderTest m) throws IOException {
        m.onlyConmonJ(WHY);
        String n = name(m, "plugin-in-process");
        Path good = PrivatePodman.base.resolve("fault-in-process.records");
        Files.deleteIfExists(good);
        try {
            withConmonEnv(List.of("CONMONJ_LOG_DRIVER=c-plugin:good",
                    "CONMONJ_LOG_OPTS=good.plugin=" + FILE_PLUGIN + ";good.path=" + good + ";good.isolation=in-process"), () -> {
                Fixtures.Proc run = podman(m, "run", "--name", n, "--network", "none", IMG, "sh", "-c", SCRIPT);
                assertEquals(7, run.status(), run.err());
                return null;
            });
            assertEquals(SCRIPT_OUT, joined(parse(Files.readAllBytes(good)), "stdout"), "the in-process plugin got every record");
            assertEquals(SCRIPT_OUT, ok(podman(m, "logs", n), "logs").out());
        } finally {
            podman(m, "rm", "-f", "-t", "0", n);
            Files.deleteIfExists(good);
        }
    }

    /** init() that never returns: the start fails within call-timeout with the reason, nothing is left Up. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void initThatHangsFailsTheStartWithinTheCallTimeout(MonitorUnderTest m) throws IOException {
        m.onlyConmonJ(WHY);
        String n = name(m, "plugin-init-hang");
        try {
            withConmonEnv(List.of("CONMONJ_LOG_DRIVER=c-plugin:bad",
                    "CONMONJ_LOG_OPTS=bad.plugin=" + faulty + ";bad.fault=init-hang;bad.call-timeout=2s"), () -> {
                long t0 = System.nanoTime();
                Fixtures.Proc run = podman(m, "run", "--name", n, "--network", "none", IMG, "echo", "must-not-run");
                long ms = (System.nanoTime() - t0) / 1_000_000;
                System.out.println("[" + m + "] init-hang: podman run " + ms + " ms, status " + run.status() + ", " + run.err().strip());
                assertTrue(run.status() != 0, "podman run succeeded");
                assertTrue(run.err().contains("log plugin " + faulty + ": init did not return within 2000 ms (call-timeout);"
                        + " plugin host ended"), run.err());
                assertFalse(run.out().contains("must-not-run"));
                assertTrue(ms < 2_000 + SLACK_MS, "podman run took " + ms + " ms");
                return null;
            });
            String status = podman(m, "ps", "-a", "--filter", "name=^" + n + "$", "--format", "{{.Status}}").out().strip();
            assertFalse(status.startsWith("Up"), "podman ps: " + status);
        } finally {
            podman(m, "rm", "-f", "-t", "0", n);
        }
    }
}
