package io.conmonj.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The Debian package {@code packaging/target/conmon-j_*.deb} as an operator meets it: {@code dpkg -i}, a container run
 * by Podman configured only by the package's drop-in (no {@code --conmon}, no {@code CONTAINERS_CONF}; a private
 * store), the man pages, {@code conmon-logs} on the PATH, the plugin header found through pkg-config; then
 * {@code dpkg -r} (configuration files stay) and {@code dpkg --purge}, after which the file system is as before:
 * every path the package listed and every file under the places it touches. conmon-j only: the package is ours.
 *
 * While installed, the drop-in switches the machine's Podman to conmon-j, but only where no {@code CONTAINERS_CONF}
 * is set (Podman then reads that file alone: checked with Podman 4.3.1), and every other test sets it and passes
 * {@code --conmon}; the package is purged in {@code finally}, also after a failure.
 */
class DebianPackageTest {
    static final String PACKAGE = "conmon-j";
    static final String ROOT = "/usr/lib/conmon-j";
    static final String DROP_IN = "/etc/containers/containers.conf.d/50-conmon-j.conf";
    static final String POLICY = "/etc/conmon-j/policy.conf";
    /** Where the package puts files, walked before install and after purge. */
    static final List<Path> WATCHED = Stream.of(ROOT, "/etc/conmon-j", "/etc/containers", "/usr/bin", "/usr/include",
            "/usr/share/pkgconfig", "/usr/share/man/man1", "/usr/share/man/man3", "/usr/share/man/man8",
            "/usr/share/doc/conmon-j").map(Path::of).toList();

    static Path deb() throws IOException {
        Path target = Path.of("../packaging/target");
        try (Stream<Path> s = Files.list(target)) {
            List<Path> debs = s.filter(p -> p.getFileName().toString().matches("conmon-j_.*\\.deb")).toList();
            assertEquals(1, debs.size(), "one package in " + target.toAbsolutePath() + " (built by mvn package): " + debs);
            return debs.get(0).toAbsolutePath().normalize();
        }
    }

    static Fixtures.Proc sh(String script, Map<String, String> env, int timeoutSec) {
        List<String> cmd = List.of("sh", "-c", script);
        try {
            Path o = Files.createTempFile("pkg-out", ".txt"), e = Files.createTempFile("pkg-err", ".txt");
            try {
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(o.toFile()).redirectError(e.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
                pb.environment().remove("CONTAINERS_CONF"); // the package's drop-in alone configures Podman
                pb.environment().remove("NOTIFY_SOCKET");
                pb.environment().putAll(env);
                Process p = pb.start();
                if (!p.waitFor(timeoutSec, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("timed out after " + timeoutSec + " s: " + script);
                }
                return new Fixtures.Proc(p.exitValue(), Files.readString(o), Files.readString(e));
            } finally {
                Files.deleteIfExists(o);
                Files.deleteIfExists(e);
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }

    static Fixtures.Proc ok(String script, Map<String, String> env) {
        Fixtures.Proc p = sh(script, env, 180);
        assertEquals(0, p.status(), script + "\nstdout: " + p.out() + "\nstderr: " + p.err());
        return p;
    }

    static boolean installed() {
        return sh("dpkg-query -W -f='${Status}' " + PACKAGE + " 2>/dev/null | grep -q 'install ok installed\\|config-files'",
                Map.of(), 30).status() == 0;
    }

    /** Every path under the watched places (symlinks not followed), with its type. */
    static TreeSet<String> snapshot() {
        TreeSet<String> paths = new TreeSet<>();
        for (Path root : WATCHED) {
            if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) continue;
            try (Stream<Path> s = Files.walk(root)) {
                s.forEach(p -> paths.add(p + (Files.isSymbolicLink(p) ? " (symlink)"
                        : Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "/" : "")));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return paths;
    }

    @Test
    void installRunRemovePurgeLeavesNothing() throws Exception {
        Required.orSkip(Files.isExecutable(Path.of("/usr/bin/dpkg")), "dpkg");
        Required.orSkip(Files.isExecutable(Path.of("/usr/bin/podman")), "podman");
        Path deb = deb();
        if (installed()) ok("dpkg --purge " + PACKAGE, Map.of()); // left by an aborted run: start clean
        TreeSet<String> before = snapshot();
        Map<String, Boolean> listedExistedBefore = new HashMap<>();
        Path store = Files.createTempDirectory(Path.of("/tmp"), "cjpkg"); // podman: runroot at most 50 characters
        try {
            Fixtures.Proc info = ok("dpkg-deb -c '" + deb + "'", Map.of());
            for (String line : info.out().split("\n")) {
                String path = line.replaceFirst("^.*? \\./", "/").replaceFirst(" -> .*$", "").replaceFirst("/$", "");
                if (!path.equals("/") && !path.isEmpty()) listedExistedBefore.put(path, Files.exists(Path.of(path), LinkOption.NOFOLLOW_LINKS));
            }
            assertTrue(listedExistedBefore.containsKey(ROOT + "/runtime/bin/java"), "its own Java runtime: " + listedExistedBefore.keySet());

            ok("dpkg -i '" + deb + "'", Map.of());
            checkInstalledFiles();
            runAContainerThroughTheDropIn(store);

            // the administrator's edit of a conffile survives a reinstall (an upgrade to the same files)
            Files.writeString(Path.of(POLICY), "# edited by the administrator\n", java.nio.file.StandardOpenOption.APPEND);
            ok("dpkg -i '" + deb + "'", Map.of());
            assertTrue(Files.readString(Path.of(POLICY)).endsWith("# edited by the administrator\n"), "conffile edit kept");

            ok("dpkg -r " + PACKAGE, Map.of());
            assertFalse(Files.exists(Path.of(ROOT)), ROOT + " after dpkg -r");
            assertFalse(Files.exists(Path.of("/usr/bin/conmon-logs"), LinkOption.NOFOLLOW_LINKS));
            assertTrue(Files.exists(Path.of(POLICY)) && Files.exists(Path.of(DROP_IN)), "conffiles stay after dpkg -r");
            ok("dpkg --purge " + PACKAGE, Map.of());
            assertFalse(installed(), "dpkg still knows " + PACKAGE);
        } finally {
            removeStore(store);
            if (installed()) sh("dpkg --purge " + PACKAGE, Map.of(), 180);
        }
        TreeSet<String> after = snapshot();
        TreeSet<String> added = new TreeSet<>(after), removed = new TreeSet<>(before);
        added.removeAll(before);
        removed.removeAll(after);
        assertEquals(List.of(), new ArrayList<>(added), "left behind after purge");
        assertEquals(List.of(), new ArrayList<>(removed), "removed though not the package's");
        List<String> wrong = new ArrayList<>();
        listedExistedBefore.forEach((path, existed) -> {
            if (Files.exists(Path.of(path), LinkOption.NOFOLLOW_LINKS) != existed) wrong.add(path + " existed before: " + existed);
        });
        assertEquals(List.of(), wrong, "paths of the package not as before");
        assertFalse(Files.exists(Path.of("/var/lib/dpkg/info/" + PACKAGE + ".list")), "dpkg's file list of the package");
    }

    private static void checkInstalledFiles() throws IOException {
        Fixtures.Proc version = ok(ROOT + "/bin/conmon --version", Map.of());
        assertTrue(version.out().startsWith("conmon version 2.2.1\n"), version.out());
        assertEquals("", version.err(), "the installed monitor starts without a warning (e.g. about its AOT cache)");
        // conmon-logs on the PATH, through the /usr/bin symlink into the install tree
        assertTrue(ok("PATH=/usr/bin:/bin conmon-logs --help", Map.of()).out().startsWith("Usage: conmon-logs"));
        // the plugin header found the way plugin authors look for it: pkg-config, then the compiler's default path
        ok("pkg-config --exists conmon-log-plugin && gcc $(pkg-config --cflags conmon-log-plugin) -Wall -Werror "
                + "-shared -fPIC -o /dev/null ../examples/file-plugin/file-plugin.c", Map.of("PKG_CONFIG_PATH", ""));
        // every tool of the install tree's bin/ but the monitor is on the PATH: the plugin checker passes an example
        Path example = Path.of("../examples/target/plugins/file-plugin.so").toAbsolutePath().normalize();
        Path out = Files.createTempDirectory("pkg-plugin-check");
        try {
            String check = ok("PATH=/usr/bin:/bin conmon-plugin-check '" + example + "' path='" + out.resolve("x.log") + "'",
                    Map.of()).out();
            assertTrue(check.contains("no rule broken"), check);
        } finally {
            Fixtures.rmrf(out);
        }
        assertFalse(Files.exists(Path.of("/usr/bin/conmon"), LinkOption.NOFOLLOW_LINKS)
                && Files.isSymbolicLink(Path.of("/usr/bin/conmon")), "the monitor itself is not linked into /usr/bin");
        // the man pages, where man finds them
        String pages = ok("man -w conmon-j conmon-logs conmon_log_plugin", Map.of()).out();
        assertEquals("/usr/share/man/man8/conmon-j.8.gz\n/usr/share/man/man1/conmon-logs.1.gz\n"
                + "/usr/share/man/man3/conmon_log_plugin.3.gz\n", pages);
        // both files under /etc are conffiles; the policy ships only comments (the built-in default holds)
        String conffiles = ok("dpkg-query -W -f='${Conffiles}' " + PACKAGE, Map.of()).out();
        assertTrue(conffiles.contains(POLICY + " ") && conffiles.contains(DROP_IN + " "), conffiles);
        for (String line : Files.readAllLines(Path.of(POLICY))) {
            assertTrue(line.isBlank() || line.startsWith("#"), "policy.conf ships comments only: " + line);
        }
        String dropIn = Files.readString(Path.of(DROP_IN));
        assertTrue(dropIn.contains("conmon_path = [\"" + ROOT + "/bin/conmon\"]") && dropIn.contains("# conmon_env_vars"), dropIn);
        // no JDK needed: the monitor runs on the package's runtime
        assertTrue(Files.isExecutable(Path.of(ROOT, "runtime/bin/java")));
    }

    /** Podman without --conmon and without CONTAINERS_CONF: the drop-in alone makes conmon-j the monitor. */
    private static void runAContainerThroughTheDropIn(Path store) throws IOException {
        String podman = "podman --root " + store + "/root --runroot " + store + "/run --tmpdir " + store + "/tmp"
                + " --cgroup-manager cgroupfs --events-backend file";
        String run = " --network none --ulimit nofile=4096:4096 --ulimit nproc=4096:4096 localhost/pkgtest ";
        Map<String, String> env = Map.of("P", podman, "R", Fixtures.get().rootfs.toString());
        ok("tar -C \"$R\" -c . | $P import -q - localhost/pkgtest", env);
        assertEquals("from-the-package\n", ok("$P run --rm" + run + "echo from-the-package", env).out());
        ok("$P run -d --name pkgtest" + run + "sh -c 'echo logged; sleep 60'", env);
        long pid = Long.parseLong(ok("$P inspect --format '{{.State.ConmonPid}}' pkgtest", env).out().strip());
        List<String> cmdlines = MonitorProcesses.commandLines(pid);
        assertTrue(cmdlines.stream().anyMatch(c -> c.startsWith(ROOT + "/runtime/bin/java ") && c.contains(ROOT + "/lib/conmon-j.jar")),
                "the container's monitor is the package's conmon-j on the package's runtime: " + cmdlines);
        assertTrue(MonitorProcesses.maps(pid, ROOT + "/lib/conmon-j.aot"), "the AOT cache is used at the installed location");
        long deadline = System.nanoTime() + 10_000_000_000L;
        String logs;
        do {
            logs = ok("$P logs pkgtest", env).out();
        } while (!logs.equals("logged\n") && System.nanoTime() < deadline);
        assertEquals("logged\n", logs);
        ok("$P rm -f -t 0 pkgtest", env);
    }

    private static void removeStore(Path store) {
        String podman = "podman --root " + store + "/root --runroot " + store + "/run --tmpdir " + store + "/tmp"
                + " --cgroup-manager cgroupfs --events-backend file";
        sh(podman + " rm -af -t 0; " + podman + " rmi -af", Map.of(), 120);
        try {
            List<String> mounts = Files.readAllLines(Path.of("/proc/self/mounts")).stream()
                    .map(l -> l.split(" ")[1]).filter(mp -> mp.startsWith(store.toString()))
                    .sorted(Comparator.comparingInt(String::length).reversed()).toList();
            for (String mp : mounts) sh("umount -R -l '" + mp + "'", Map.of(), 30);
        } catch (IOException ignored) {
        }
        Fixtures.rmrf(store);
    }
}
