package io.conmonj.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The real Podman ({@code podman --conmon BIN}) in a private store (--root/--runroot/--tmpdir, private
 * containers.conf) with an image imported from the busybox rootfs: set up and torn down per test class by
 * {@link PodmanEnvironment}; commands against it, the store's scratch files, and {@code conmon_env_vars}.
 */
final class PrivatePodman {
    private PrivatePodman() {}

    static final String IMG = "localhost/testimg:latest";
    static Path base;
    static Path conf;
    /** The conmon-j policy every case runs under unless it sets its own ({@link TestPolicy#permissive()}). */
    static Path policy;

    static void setUp() throws IOException {
        Fixtures fx = Fixtures.get();
        base = Files.createTempDirectory("conmonj-podman-");
        Runtime.getRuntime().addShutdownHook(new Thread(PrivatePodman::teardownQuietly));
        for (String d : List.of("root", "runroot", "tmp", "cwd")) Files.createDirectories(base.resolve(d));
        conf = base.resolve("containers.conf");
        Files.writeString(conf, """
                [containers]
                default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]
                [engine]
                cgroup_manager = "cgroupfs"
                runtime = "runc"
                events_logger = "file"
                """);
        // conmon-j's policy for the log-driver cases (TrustBoundaryPodmanTest writes its own)
        policy = TestPolicy.write(base, "permissive", TestPolicy.permissive());
        Files.writeString(conf, "conmon_env_vars = [" + Json.quote("PATH=" + CONMON_PATH) + ", "
                + Json.quote(TestPolicy.ENV + "=" + policy) + "]\n", java.nio.file.StandardOpenOption.APPEND);
        // tar -C ROOTFS -c . | podman GLOBALS import - IMG
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "r=$1; shift; tar -C \"$r\" -c . | \"$@\"", "sh", fx.rootfs.toString()));
        cmd.addAll(globals(MonitorUnderTest.reference()));
        cmd.addAll(List.of("import", "-", IMG));
        Fixtures.Proc p = exec(cmd, 120);
        assertEquals(0, p.status(), "podman import: " + p.err());
    }

    static void tearDown() {
        teardownQuietly();
    }

    private static synchronized void teardownQuietly() {
        if (base == null || !Files.exists(base)) return;
        try {
            exec(cmd(MonitorUnderTest.reference(), "rm", "-af", "-t", "0"), 120);
        } catch (Throwable ignored) {
        }
        killLeftovers();
        // unmount anything still mounted under the private dirs, deepest first
        try {
            List<String> mounts = Files.readAllLines(Path.of("/proc/self/mounts")).stream()
                    .map(l -> l.split(" ")[1].replace("\\040", " "))
                    .filter(mp -> mp.startsWith(base.toString()))
                    .sorted(Comparator.comparingInt(String::length).reversed()).toList();
            for (String mp : mounts) exec(List.of("umount", "-R", "-l", mp), 30);
        } catch (Throwable ignored) {
        }
        Fixtures.rmrf(base);
    }

    /** Kills processes (monitors, containers' leftovers) whose command line mentions the private store. */
    static List<Long> processesUsingStore() {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (!n.chars().allMatch(Character::isDigit)) continue;
                long pid = Long.parseLong(n);
                if (pid == ProcessHandle.current().pid()) continue;
                try {
                    String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.ISO_8859_1);
                    if (cmdline.contains(base.toString()) && ConmonRun.alive(pid)) out.add(pid);
                } catch (IOException ignored) {
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static void killLeftovers() {
        for (long pid : processesUsingStore()) Libc.C.kill((int) pid, Libc.SIGKILL);
    }

    static List<String> globals(MonitorUnderTest m) {
        return List.of("podman", "--root", base.resolve("root").toString(), "--runroot", base.resolve("runroot").toString(),
                "--tmpdir", base.resolve("tmp").toString(), "--conmon", m.binary().toString(), "--cgroup-manager", "cgroupfs");
    }

    static List<String> cmd(MonitorUnderTest m, String... args) {
        List<String> c = new ArrayList<>(globals(m));
        c.addAll(List.of(args));
        return c;
    }

    static Fixtures.Proc exec(List<String> cmd, int timeoutSec) {
        return start(cmd).await(timeoutSec);
    }

    static Fixtures.Proc podman(MonitorUnderTest m, String... args) {
        m.requirePresent();
        return exec(cmd(m, args), 60);
    }

    /** A started helper process with captured output. */
    record Running(Process process, Path out, Path err, List<String> cmd) {
        Fixtures.Proc await(int timeoutSec) {
            try {
                if (!process.waitFor(timeoutSec, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                    throw new AssertionError("timed out after " + timeoutSec + "s: " + cmd);
                }
                return new Fixtures.Proc(process.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1),
                        Files.readString(err, StandardCharsets.ISO_8859_1));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            } finally {
                try {
                    Files.deleteIfExists(out);
                    Files.deleteIfExists(err);
                } catch (IOException ignored) {
                }
            }
        }
    }

    static Running start(List<String> cmd) {
        return start(cmd, null);
    }

    static Running start(List<String> cmd, byte[] stdin) {
        try {
            Path o = Files.createTempFile(base, "out", ".txt"), e = Files.createTempFile(base, "err", ".txt");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(o.toFile()).redirectError(e.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            if (stdin != null) {
                Path in = Files.createTempFile(base, "in", ".txt");
                Files.write(in, stdin);
                pb.redirectInput(in.toFile());
            }
            // podman (and so conmon) run in a private cwd: 2.1.6 drops an "oom" file into its cwd on OOM
            pb.directory(base.resolve("cwd").toFile());
            pb.environment().put("CONTAINERS_CONF", conf.toString());
            pb.environment().remove("NOTIFY_SOCKET");
            return new Running(pb.start(), o, e, cmd);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    static String name(MonitorUnderTest m, String what) {
        return m.name() + "-" + what;
    }

    static Fixtures.Proc ok(Fixtures.Proc p, String what) {
        assertEquals(0, p.status(), what + " failed: " + p.err());
        return p;
    }

    // ---------------------------------------------------------------- scratch files under the store

    /** A path under the store's base, deleted if it exists. */
    static Path fresh(String file) throws IOException {
        Path p = PrivatePodman.base.resolve(file);
        Files.deleteIfExists(p);
        return p;
    }

    /** A fresh, empty directory under the store's base (0755, so rotation's directory checks pass). */
    static Path freshDir(String name) throws IOException {
        Path d = PrivatePodman.base.resolve(name);
        Fixtures.rmrf(d);
        return Files.createDirectories(d);
    }

    // ---------------------------------------------------------------- private containers.conf

    /** Podman's default {@code conmon_env_vars}, which setting the list replaces. */
    static final String CONMON_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /**
     * Runs {@code body} with the private containers.conf plus {@code [engine] conmon_env_vars = [...]}: PATH, the
     * permissive test policy unless {@code vars} names its own {@code CONMONJ_POLICY}, then {@code vars}.
     */
    static <T> T withConmonEnv(List<String> vars, Supplier<T> body) throws IOException {
        Path original = PrivatePodman.conf;
        Path conf = PrivatePodman.base.resolve("containers-env.conf");
        StringBuilder sb = new StringBuilder();
        // the private containers.conf ends with its [engine] table, whose conmon_env_vars this replaces
        Files.readString(original).lines().filter(l -> !l.startsWith("conmon_env_vars")).forEach(l -> sb.append(l).append('\n'));
        assertTrue(sb.toString().strip().lines().dropWhile(l -> !l.equals("[engine]")).count() > 0, "no [engine] table: " + sb);
        sb.append("conmon_env_vars = [");
        List<String> all = new ArrayList<>(List.of("PATH=" + CONMON_PATH));
        if (vars.stream().noneMatch(v -> v.startsWith(TestPolicy.ENV + "="))) all.add(TestPolicy.ENV + "=" + PrivatePodman.policy);
        all.addAll(vars);
        for (int i = 0; i < all.size(); i++) sb.append(i == 0 ? "" : ", ").append(Json.quote(all.get(i)));
        sb.append("]\n");
        Files.writeString(conf, sb.toString());
        PrivatePodman.conf = conf;
        try {
            return body.get();
        } finally {
            PrivatePodman.conf = original;
            Files.deleteIfExists(conf);
        }
    }

    /** A process's command line, NULs as spaces ("?" once it is gone). */
    static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.ISO_8859_1).replace('\0', ' ');
        } catch (IOException e) {
            return "?";
        }
    }
}
