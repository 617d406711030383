package io.conmonj.it;

import static io.conmonj.it.PrivatePodman.IMG;
import static io.conmonj.it.PrivatePodman.name;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Docker-API clients against {@code podman system service} whose containers run under the monitor under test
 * ({@link PodmanService}): the {@code docker} CLI ({@code run}, {@code logs -f}, {@code attach}, {@code exec},
 * {@code wait}, {@code kill}, {@code run -i}) and Testcontainers ({@link TestcontainersScenario}: start, wait for a
 * log message, {@code execInContainer}, a log consumer, stop). Both monitors; each case also checks which monitor
 * the service started.
 *
 * The docker CLI is the one of Debian's docker.io, unpacked alone by {@code scripts/install-docker-cli.sh} to
 * {@code /opt/docker-cli/bin/docker} (or {@code DOCKER_CLI}); no dockerd runs.
 */
@ExtendWith(PodmanEnvironment.class)
class DockerApiTest {
    static final String MONITORS = "io.conmonj.it.MonitorUnderTest#monitors";
    private static final Map<String, PodmanService> SERVICES = new HashMap<>();

    static synchronized PodmanService service(MonitorUnderTest m) throws IOException {
        PodmanService s = SERVICES.get(m.name());
        if (s == null) {
            s = PodmanService.start(m);
            SERVICES.put(m.name(), s);
        }
        return s;
    }

    @AfterAll
    static synchronized void stopServices() throws IOException {
        for (PodmanService s : SERVICES.values()) s.close();
        SERVICES.clear();
    }

    static Path dockerCli() {
        Path cli = Path.of(System.getenv().getOrDefault("DOCKER_CLI", "/opt/docker-cli/bin/docker"));
        Required.orSkip(Files.isExecutable(cli), "the docker CLI at " + cli + " (scripts/install-docker-cli.sh)");
        return cli;
    }

    /** The docker CLI with DOCKER_HOST at the service, its config in the private store (never ~/.docker). */
    static Fixtures.Proc docker(PodmanService s, String stdin, String... args) {
        List<String> cmd = new ArrayList<>(List.of(dockerCli().toString()));
        cmd.addAll(List.of(args));
        return run(cmd, Map.of("DOCKER_HOST", s.dockerHost(), "DOCKER_CONFIG", PrivatePodman.base.resolve("docker-config").toString()),
                stdin, 90);
    }

    static Fixtures.Proc run(List<String> cmd, Map<String, String> env, String stdin, int timeoutSec) {
        try {
            Path o = Files.createTempFile(PrivatePodman.base, "out", ".txt"), e = Files.createTempFile(PrivatePodman.base, "err", ".txt");
            Path in = Files.createTempFile(PrivatePodman.base, "in", ".txt");
            Files.writeString(in, stdin == null ? "" : stdin);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(o.toFile()).redirectError(e.toFile())
                    .redirectInput(stdin == null ? ProcessBuilder.Redirect.from(new File("/dev/null")) : ProcessBuilder.Redirect.from(in.toFile()));
            pb.environment().putAll(env);
            pb.environment().remove("CONTAINERS_CONF");
            Process p = pb.start();
            if (!p.waitFor(timeoutSec, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("timed out after " + timeoutSec + " s: " + cmd + "\nstdout: "
                        + Files.readString(o) + "\nstderr: " + Files.readString(e));
            }
            return new Fixtures.Proc(p.exitValue(), Files.readString(o, StandardCharsets.ISO_8859_1),
                    Files.readString(e, StandardCharsets.ISO_8859_1));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }

    static Fixtures.Proc ok(Fixtures.Proc p, String what) {
        assertEquals(0, p.status(), what + ": " + p.err());
        return p;
    }

    /** The service started the monitor under test, not some other conmon (the pid or, for conmon-j, its child). */
    static void assertMonitor(MonitorUnderTest m, List<String> commandLines) {
        if (m.isConmonJ()) {
            Path jar = m.binary().getParent().getParent().resolve("lib/conmon-j.jar");
            assertTrue(commandLines.stream().anyMatch(c -> c.contains(" -jar " + jar + " ")),
                    "conmon-j monitors the container: " + commandLines);
        } else {
            assertTrue(commandLines.get(0).startsWith(MonitorUnderTest.REFERENCE + " "), "the reference monitors the container: "
                    + commandLines);
        }
    }

    static void remove(PodmanService s, String n) {
        docker(s, null, "rm", "-f", n);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void runLogsFollowAndWait(MonitorUnderTest m) throws IOException {
        PodmanService s = service(m);
        String n = name(m, "dk-logs");
        try {
            ok(docker(s, null, "run", "-d", "--name", n, "--network", "none", IMG, "sh", "-c",
                    "for i in 1 2 3; do echo line$i; sleep 0.3; done; echo err-line >&2; exit 3"), "docker run -d");
            assertMonitor(m, s.monitorCommandLines(n));
            Fixtures.Proc logs = docker(s, null, "logs", "-f", n); // returns when the container exits
            assertEquals(0, logs.status(), logs.err());
            assertEquals("line1\nline2\nline3\n", logs.out());
            assertEquals("err-line\n", logs.err());
            assertEquals("3\n", ok(docker(s, null, "wait", n), "docker wait").out());
        } finally {
            remove(s, n);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void runRunRmAndRunWithStdin(MonitorUnderTest m) throws IOException {
        PodmanService s = service(m);
        String n = name(m, "dk-run");
        try {
            Fixtures.Proc hi = docker(s, null, "run", "--name", n, "--network", "none", IMG, "sh", "-c", "echo hi; exit 5");
            assertEquals(5, hi.status(), "docker run exits with the container's status: " + hi.err());
            assertEquals("hi\n", hi.out());
        } finally {
            remove(s, n);
        }
        // Podman 4.3.1's compat API: with --rm the CLI exits 0 whatever the status (observed with both monitors)
        Fixtures.Proc rm = docker(s, null, "run", "--rm", "--network", "none", IMG, "sh", "-c", "echo hi-rm; exit 5");
        assertEquals("hi-rm\n", rm.out(), rm.err());
        assertEquals(0, docker(s, null, "ps", "-a", "-q", "--filter", "status=exited").out().lines()
                .filter(id -> !id.isBlank()).count(), "--rm removed the container");
        Fixtures.Proc cat = docker(s, "one\ntwo\n", "run", "-i", "--rm", "--network", "none", IMG, "sh", "-c", "cat; echo cat-done");
        assertEquals(0, cat.status(), cat.err());
        assertEquals("one\ntwo\ncat-done\n", cat.out());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void attachToARunningContainer(MonitorUnderTest m) throws IOException {
        PodmanService s = service(m);
        String n = name(m, "dk-attach");
        try {
            ok(docker(s, null, "run", "-d", "--name", n, "--network", "none", IMG, "sh", "-c",
                    "sleep 2; echo att-out; echo att-err >&2; exit 4"), "docker run -d");
            Fixtures.Proc a = docker(s, null, "attach", "--no-stdin", n);
            assertEquals(4, a.status(), "docker attach exits with the container's status: " + a.err());
            assertEquals("att-out\n", a.out());
            assertEquals("att-err\n", a.err());
        } finally {
            remove(s, n);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void execThenKill(MonitorUnderTest m) throws IOException {
        PodmanService s = service(m);
        String n = name(m, "dk-exec");
        try {
            ok(docker(s, null, "run", "-d", "--name", n, "--network", "none", IMG, "sleep", "100"), "docker run -d");
            Fixtures.Proc e = docker(s, null, "exec", n, "sh", "-c", "echo from-exec; echo exec-err >&2; exit 6");
            assertEquals(6, e.status(), e.err());
            assertEquals("from-exec\n", e.out());
            assertEquals("exec-err\n", e.err());
            Fixtures.Proc ei = docker(s, "via-exec-stdin\n", "exec", "-i", n, "cat");
            assertEquals("via-exec-stdin\n", ei.out(), ei.err());
            ok(docker(s, null, "kill", n), "docker kill");
            assertEquals("137\n", ok(docker(s, null, "wait", n), "docker wait").out(), "SIGKILL: 128 + 9");
        } finally {
            remove(s, n);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void testcontainersStartsWaitsExecsLogsAndStops(MonitorUnderTest m) throws IOException {
        PodmanService s = service(m);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path home = Files.createDirectories(PrivatePodman.base.resolve("tc-home-" + m.name()));
        List<String> cmd = new ArrayList<>(List.of(java, "-Duser.home=" + home, "-cp", System.getProperty("java.class.path"),
                TestcontainersScenario.class.getName(), IMG));
        cmd.addAll(PrivatePodman.globals(m));
        Map<String, String> env = Map.of("DOCKER_HOST", s.dockerHost(), "TESTCONTAINERS_RYUK_DISABLED", "true",
                "TESTCONTAINERS_CHECKS_DISABLE", "true", "HOME", home.toString(),
                "CONTAINERS_CONF", PrivatePodman.conf.toString());
        Fixtures.Proc p = run(cmd, env, null, 240);
        System.out.println("[" + m + "] Testcontainers scenario:\n" + p.out());
        assertEquals(0, p.status(), "scenario failed:\n" + p.out() + "\n" + p.err());
        Map<String, String> steps = new LinkedHashMap<>();
        for (String line : p.out().split("\n")) {
            if (line.startsWith("STEP ")) {
                String[] kv = line.substring(5).split(" ", 2);
                steps.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        assertEquals("true", steps.get("started"), "started after the log message: " + steps);
        assertEquals("7|exec-out|exec-err", steps.get("exec"), "execInContainer: exit code, stdout, stderr");
        assertMonitor(m, List.of(steps.get("monitor").split(" \\|\\| ")));
        assertTrue(steps.get("logs").contains("STDOUT starting|STDOUT ready") && steps.get("logs").contains("STDERR to-stderr"),
                "the log consumer got both streams in order: " + steps.get("logs"));
        assertTrue(steps.get("getLogs").startsWith("starting|ready"), steps.get("getLogs"));
        assertEquals("true", steps.get("stopped"));
    }
}
