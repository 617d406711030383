package io.conmonj.it;

import static io.conmonj.it.PrivatePodman.name;
import static io.conmonj.it.PrivatePodman.ok;
import static io.conmonj.it.PrivatePodman.podman;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conmonj.it.SyslogReceivers.Rsyslog;
import io.conmonj.it.SyslogReceivers.Stored;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 10, the trust boundary, with the real Podman and runc: each attack an annotation could make, given to
 * {@code podman run --annotation} and, the same, shipped in an image's annotations (Podman 4.3.1 copies the OCI
 * manifest annotations of an image built with {@code podman build --format oci --annotation} into the container's
 * spec), is refused at {@code podman run} with a message naming the policy's rule, within seconds, and nothing
 * happened: no plugin constructor ran (a marker file it would create is absent), the target file is byte-identical
 * with its mode, no listener saw a connection or a datagram, the container's command did not run. Then what an
 * administrator allows still works: a registered plugin chosen by annotation, a profile sending to a real rsyslog,
 * options inside their caps.
 */
@ExtendWith(PodmanEnvironment.class)
class TrustBoundaryPodmanTest {
    static final String MONITORS = "io.conmonj.it.MonitorUnderTest#monitors";
    static final String WHY = "the trust boundary guards conmon-j's io.conmon-j.* annotations; the C conmon ignores them";
    static final String A = "io.conmon-j.";
    /** "Within seconds": a refused podman run (create, monitor start, refusal, clean-up) takes ≈ 1 s here. */
    static final long REFUSAL_BOUND_MS = 20_000;
    static final String EVIL_IMG = "localhost/conmonj-evil:latest";

    /** One refused run: its status, stderr, and how long podman run took. */
    record Refusal(Fixtures.Proc proc, long millis) {
    }

    /** {@code podman run --rm} of {@code echo must-not-run} with these arguments before the image, timed. */
    static Refusal runRefused(MonitorUnderTest m, String what, List<String> args, String image, String rule) {
        String n = name(m, what);
        List<String> a = new ArrayList<>(List.of("run", "--name", n, "--network", "none"));
        a.addAll(args);
        a.add(image);
        a.addAll(List.of("echo", "must-not-run"));
        try {
            long t0 = System.nanoTime();
            Fixtures.Proc p = podman(m, a.toArray(String[]::new));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("[" + m + "] " + what + ": status " + p.status() + " in " + ms + " ms, stderr " + Json.quote(p.err()));
            assertTrue(p.status() != 0, what + ": podman run must fail: " + p.err());
            assertTrue(p.err().contains(": " + rule + ": "), what + ": the message names rule " + rule + ": " + p.err());
            assertFalse(p.out().contains("must-not-run"), what + ": the container's command must not run");
            assertTrue(ms < REFUSAL_BOUND_MS, what + ": refused within seconds, took " + ms + " ms");
            return new Refusal(p, ms);
        } finally {
            podman(m, "rm", "-f", "-t", "0", n);
        }
    }

    static List<String> ann(String... kv) {
        List<String> out = new ArrayList<>();
        for (String s : kv) out.addAll(List.of("--annotation", A + s));
        return out;
    }

    /** Runs {@code body} under a policy written from {@code text} (none of the permissive test policy). */
    static <T> T withPolicy(String name, String text, List<String> vars, Supplier<T> body) throws IOException {
        Path policy = TestPolicy.write(PrivatePodman.base, name, text);
        List<String> all = new ArrayList<>(List.of(TestPolicy.ENV + "=" + policy));
        all.addAll(vars);
        return PrivatePodman.withConmonEnv(all, body);
    }

    /** Builds {@link #EVIL_IMG} from the test image with these annotations in its OCI manifest. */
    static void buildImageWithAnnotations(MonitorUnderTest m, String... kv) throws IOException {
        Path ctx = Files.createDirectories(PrivatePodman.base.resolve("evil-ctx"));
        Files.writeString(ctx.resolve("Containerfile"), "FROM " + PrivatePodman.IMG + "\n");
        List<String> a = new ArrayList<>(List.of("build", "--network", "none", "--format", "oci", "-t", EVIL_IMG));
        for (String s : kv) a.addAll(List.of("--annotation", A + s));
        a.add(ctx.toString());
        ok(podman(m, a.toArray(String[]::new)), "podman build with annotations");
        String inspected = ok(podman(m, "image", "inspect", "--format", "{{.Annotations}}", EVIL_IMG), "inspect").out();
        assertTrue(inspected.contains(A + kv[0].substring(0, kv[0].indexOf('='))), "the image carries the annotations: " + inspected);
    }

    static void removeImage(MonitorUnderTest m) {
        podman(m, "rmi", "-f", EVIL_IMG);
    }

    // ------------------------------------------------------------------ plugins

    /**
     * A shared object whose constructor creates {@code marker}: dlopen() of it, by any path, would run it as the
     * monitor's user before any check of the plugin could. Proven to work (LD_PRELOAD into true) before use.
     */
    static Path evilPlugin(Path dir, Path marker) throws IOException {
        Required.orSkip(Files.isExecutable(Path.of("/usr/bin/gcc")), "gcc not installed at /usr/bin/gcc (the test "
                + "compiles the attacker's plugin)");
        Files.createDirectories(dir);
        Path c = dir.resolve("evil.c");
        Path so = dir.resolve("evil.so");
        Files.writeString(c, """
                #include <fcntl.h>
                #include <unistd.h>
                __attribute__((constructor)) static void planted(void) {
                    int fd = open(MARKER, O_WRONLY | O_CREAT | O_TRUNC, 0644);
                    if (fd >= 0) { (void) write(fd, "ran\\n", 4); close(fd); }
                }
                """);
        Fixtures.Proc cc = PrivatePodman.exec(List.of("gcc", "-shared", "-fPIC", "-o", so.toString(),
                "-DMARKER=" + Json.quote(marker.toString()), c.toString()), 60);
        assertEquals(0, cc.status(), "gcc: " + cc.err());
        Fixtures.Proc control = PrivatePodman.exec(List.of("env", "LD_PRELOAD=" + so, "true"), 30);
        assertEquals(0, control.status(), control.err());
        assertTrue(Files.exists(marker), "control: loading the plugin runs its constructor");
        Files.delete(marker);
        return so;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void pluginByPathIsNeverLoaded(MonitorUnderTest m) throws IOException {
        m.onlyConmonJ(WHY);
        Path dir = PrivatePodman.base.resolve("evil-plugin");
        Path marker = PrivatePodman.base.resolve("evil-plugin-ran");
        Path so = evilPlugin(dir, marker);
        try {
            withPolicy("empty", "", List.of(), () -> {
                runRefused(m, "plugin-by-path", ann("log-driver=c-plugin:p", "log-opt.p.plugin=" + so), PrivatePodman.IMG,
                        "annotation-plugin");
                assertFalse(Files.exists(marker), "the plugin's constructor did not run");
                return null;
            });
            buildImageWithAnnotations(m, "log-driver=c-plugin:p", "log-opt.p.plugin=" + so);
            withPolicy("empty", "", List.of(), () -> {
                runRefused(m, "plugin-by-path-image", List.of(), EVIL_IMG, "annotation-plugin");
                assertFalse(Files.exists(marker), "the plugin's constructor did not run (image annotations)");
                return null;
            });
            // registered by the administrator, but in a directory others can write: refused before dlopen
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
            withPolicy("writable-plugin-dir", "[plugin.evil]\npath = " + Json.quote(so.toString()) + "\n", List.of(), () -> {
                Refusal r = runRefused(m, "plugin-in-writable-dir", ann("log-driver=c-plugin:p", "log-opt.p.plugin=evil"),
                        PrivatePodman.IMG, "registered-file");
                assertTrue(r.proc().err().contains(dir + " is writable by its group (mode 777)"), r.proc().err());
                assertFalse(Files.exists(marker), "the plugin's constructor did not run (writable directory)");
                return null;
            });
        } finally {
            removeImage(m);
            Fixtures.rmrf(dir);
            Files.deleteIfExists(marker);
        }
    }

    /**
     * A plugin the administrator registered, chosen by its name; its output {@code path} from the annotation is
     * confined to the container's log directory like any annotation file.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void aRegisteredPluginChosenByNameStillWorks(MonitorUnderTest m) throws IOException {
        m.onlyConmonJ(WHY);
        String n = name(m, "registered-plugin");
        try {
            withPolicy("registered", "[plugin.files]\npath = " + Json.quote(ExamplePlugins.FILE_PLUGIN.toString()) + "\n",
                    List.of(), () -> {
                        runRefused(m, "registered-plugin-abs-path", ann("log-driver=c-plugin:f", "log-opt.f.plugin=files",
                                "log-opt.f.path=" + PrivatePodman.base.resolve("anywhere.records")), PrivatePodman.IMG, "annotation-path");
                        assertFalse(Files.exists(PrivatePodman.base.resolve("anywhere.records")));
                        List<String> a = new ArrayList<>(List.of("run", "--name", n, "--network", "none"));
                        a.addAll(ann("log-driver=c-plugin:f", "log-opt.f.plugin=files", "log-opt.f.path=plugin.log"));
                        a.addAll(List.of(PrivatePodman.IMG, "echo", "registered-ok"));
                        Fixtures.Proc p = podman(m, a.toArray(String[]::new));
                        assertEquals(0, p.status(), p.err());
                        try {
                            List<PluginFrames.Rec> recs = PluginFrames.parse(Files.readAllBytes(
                                    logDirectory(m, n).resolve("plugin.log")));
                            assertEquals("registered-ok\n", PluginFrames.joined(recs, "stdout"));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        return null;
                    });
        } finally {
            podman(m, "rm", "-f", "-t", "0", n);
        }
    }

    /** The directory of the container's k8s-file log, where annotations may name files. */
    static Path logDirectory(MonitorUnderTest m, String n) {
        return Path.of(ok(podman(m, "inspect", "--format", "{{.HostConfig.LogConfig.Path}}", n), "inspect").out().strip())
                .getParent();
    }

    // ------------------------------------------------------------------ host files

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void hostFilesOutsideTheLogDirectoryAreUntouched(MonitorUnderTest m) throws IOException {
        m.onlyConmonJ(WHY);
        Path victimDir = Files.createDirectories(PrivatePodman.base.resolve("victim"));
        Path target = victimDir.resolve("target.conf");
        byte[] precious = "precious: root's own file\n".getBytes();
        Files.write(target, precious);
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
        Path link = victimDir.resolve("link.log");
        Files.createSymbolicLink(link, target);
        String relative = "../../../../../../../../.." + target;
        List<List<String>> attacks = List.of(
                ann("log-driver=k8s-file:x", "log-opt.x.path=" + target, "log-opt.x.max-size=1k"),
                ann("log-driver=json-file:x", "log-opt.x.path=" + target, "log-opt.x.max-file=3", "log-opt.x.max-size=1k"),
                ann("log-driver=json-file:x", "log-opt.x.path=" + relative),
                ann("log-driver=k8s-file:x", "log-opt.x.path=" + link),
                ann("log-driver=k8s-file:x", "log-opt.x.path=ctr.log", "log-opt.x.max-size=1k"),
                ann("log-driver=json-file:x", "log-opt.x.path=config.json"));
        try {
            withPolicy("empty", "", List.of(), () -> {
                for (int i = 0; i < attacks.size(); i++) {
                    runRefused(m, "path-" + i, attacks.get(i), PrivatePodman.IMG, "annotation-path");
                    assertUntouched(target, precious);
                }
                // max-file from an annotation is capped: 2^31-1 would make every rotation loop for ever
                runRefused(m, "max-file", ann("log-driver=json-file:x", "log-opt.x.path=a.json",
                        "log-opt.x.max-file=2147483647", "log-opt.x.max-size=1k"), PrivatePodman.IMG, "annotation-cap");
                return null;
            });
            buildImageWithAnnotations(m, "log-driver=json-file:x", "log-opt.x.path=" + target, "log-opt.x.max-file=3",
                    "log-opt.x.max-size=1k");
            withPolicy("empty", "", List.of(), () -> {
                runRefused(m, "path-image", List.of(), EVIL_IMG, "annotation-path");
                assertUntouched(target, precious);
                return null;
            });
        } finally {
            removeImage(m);
            Fixtures.rmrf(victimDir);
        }
    }

    static void assertUntouched(Path target, byte[] content) {
        try {
            assertArrayEquals(content, Files.readAllBytes(target), "target byte-identical");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target,
                    LinkOption.NOFOLLOW_LINKS)), "target mode unchanged");
            assertTrue(Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS));
            try (var s = Files.list(target.getParent())) {
                List<String> names = s.map(p -> p.getFileName().toString()).sorted().toList();
                assertEquals(List.of("link.log", "target.conf"), names, "no rotated, temporary or .gz files next to it");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void aFileInTheContainersLogDirectoryWithinTheCapsStillWorks(MonitorUnderTest m) throws IOException {
        m.onlyConmonJ(WHY);
        String n = name(m, "own-dir-file");
        try {
            withPolicy("empty", "", List.of(), () -> {
                List<String> a = new ArrayList<>(List.of("run", "--name", n, "--network", "none"));
                a.addAll(ann("log-driver=json-file:j", "log-opt.j.path=app.json", "log-opt.j.max-size=10k",
                        "log-opt.j.max-file=3"));
                a.addAll(List.of(PrivatePodman.IMG, "echo", "in-my-dir"));
                Fixtures.Proc p = podman(m, a.toArray(String[]::new));
                assertEquals(0, p.status(), p.err());
                try {
                    String json = Files.readString(logDirectory(m, n).resolve("app.json"));
                    assertTrue(json.startsWith("{\"log\":\"in-my-dir\\n\",\"stream\":\"stdout\""), json);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return null;
            });
        } finally {
            podman(m, "rm", "-f", "-t", "0", n);
        }
    }

    // ------------------------------------------------------------------ network

    /** A TCP listener and a UDP socket on loopback that count what reaches them. */
    static final class Listeners implements AutoCloseable {
        final ServerSocket tcp;
        final DatagramSocket udp;
        final AtomicInteger seen = new AtomicInteger();
        /** The peers' ports, each added after its connection or datagram was counted. */
        final Set<Integer> tcpPeers = ConcurrentHashMap.newKeySet(), udpPeers = ConcurrentHashMap.newKeySet();
        final List<Thread> threads = new ArrayList<>();

        Listeners() throws IOException {
            tcp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            threads.add(Thread.ofVirtual().start(() -> {
                while (!tcp.isClosed()) {
                    try (Socket s = tcp.accept()) {
                        seen.incrementAndGet();
                        tcpPeers.add(s.getPort());
                    } catch (IOException e) {
                        return;
                    }
                }
            }));
            threads.add(Thread.ofVirtual().start(() -> {
                byte[] b = new byte[65536];
                while (!udp.isClosed()) {
                    try {
                        DatagramPacket d = new DatagramPacket(b, b.length);
                        udp.receive(d);
                        seen.incrementAndGet();
                        udpPeers.add(d.getPort());
                    } catch (SocketTimeoutException e) {
                        // keep listening
                    } catch (IOException e) {
                        return;
                    }
                }
            }));
        }

        /**
         * What reached the listeners before now, counted to the end: sends one connection and one datagram of its own
         * and awaits both being counted. The accept queue and the receive queue are first in, first out, so whatever
         * came before them is counted by then. Returns the count without these two.
         */
        int seenSoFar() throws IOException {
            try (Socket own = new Socket(InetAddress.getLoopbackAddress(), tcp.getLocalPort());
                 DatagramSocket ownUdp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                ownUdp.send(new DatagramPacket(new byte[] {'!'}, 1, udp.getLocalSocketAddress()));
                Await.until("the listeners counted our own connection and datagram", Duration.ofSeconds(10),
                        () -> tcpPeers.contains(own.getLocalPort()) && udpPeers.contains(ownUdp.getLocalPort()));
            }
            return seen.get() - 2;
        }

        @Override
        public void close() throws IOException {
            tcp.close();
            udp.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void networkDestinationsComeFromThePolicy(MonitorUnderTest m) throws Exception {
        m.onlyConmonJ(WHY);
        try (Listeners l = new Listeners()) {
            String tcp = "127.0.0.1:" + l.tcp.getLocalPort();
            String udp = "127.0.0.1:" + l.udp.getLocalPort();
            List<List<String>> attacks = List.of(
                    ann("log-driver=syslog", "log-opt.syslog.syslog-address=tcp://" + tcp),
                    ann("log-driver=gelf", "log-opt.gelf.gelf-address=udp://" + udp),
                    ann("log-driver=fluentd", "log-opt.fluentd.fluentd-address=" + tcp));
            withPolicy("empty", "", List.of(), () -> {
                for (int i = 0; i < attacks.size(); i++) {
                    runRefused(m, "remote-" + i, attacks.get(i), PrivatePodman.IMG, "annotation-driver");
                }
                return null;
            });
            // enabled for annotations, but only towards 10.0.0.0/8: loopback stays out of reach, also by host name
            String policy = "[annotations]\ndrivers = [\"syslog\", \"gelf\", \"fluentd\"]\ndestinations = [\"10.0.0.0/8\"]\n";
            withPolicy("tenant-range", policy, List.of(), () -> {
                for (int i = 0; i < attacks.size(); i++) {
                    runRefused(m, "range-" + i, attacks.get(i), PrivatePodman.IMG, "annotation-destination");
                }
                runRefused(m, "range-name", ann("log-driver=syslog", "log-opt.syslog.syslog-address=tcp://localhost:"
                        + l.tcp.getLocalPort()), PrivatePodman.IMG, "annotation-destination");
                runRefused(m, "range-default", ann("log-driver=fluentd"), PrivatePodman.IMG, "annotation-destination");
                return null;
            });
            buildImageWithAnnotations(m, "log-driver=syslog", "log-opt.syslog.syslog-address=tcp://" + tcp);
            withPolicy("empty", "", List.of(), () -> {
                runRefused(m, "remote-image", List.of(), EVIL_IMG, "annotation-driver");
                return null;
            });
            assertEquals(0, l.seenSoFar(), "no listener saw a connection or a datagram");
        } finally {
            removeImage(m);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void aProfileChosenByAnnotationSendsToRsyslog(MonitorUnderTest m) throws Exception {
        m.onlyConmonJ(WHY);
        Rsyslog.requireInstalled();
        Path dir = Files.createTempDirectory("conmonj-trust-rs-");
        String n = name(m, "profile-rs");
        try (Rsyslog rs = new Rsyslog(dir, SyslogReceivers.freePort(), SyslogReceivers.freePort())) {
            rs.start();
            String policy = """
                    [profile.central]
                    driver = "syslog"
                    syslog-address = "udp://127.0.0.1:%d"
                    syslog-facility = "local3"
                    allow = ["tag", "labels", "mode", "max-buffer-size<=1m"]
                    """.formatted(rs.udpPort);
            withPolicy("profile", policy, List.of(), () -> {
                // the profile's fixed destination cannot be changed, nor an option outside allow set
                runRefused(m, "profile-address", ann("log-profile=central", "log-opt.central.syslog-address=tcp://10.0.0.1:1"),
                        PrivatePodman.IMG, "annotation-option");
                runRefused(m, "profile-cap", ann("log-profile=central", "log-opt.central.mode=non-blocking",
                        "log-opt.central.max-buffer-size=2m"), PrivatePodman.IMG, "annotation-cap");
                runRefused(m, "profile-unknown", ann("log-profile=nope"), PrivatePodman.IMG, "annotation-profile");
                List<String> a = new ArrayList<>(List.of("run", "--name", n, "--network", "none"));
                a.addAll(ann("log-profile=central", "log-opt.central.tag=trust-profile"));
                a.addAll(List.of(PrivatePodman.IMG, "echo", "via-profile"));
                Fixtures.Proc p = podman(m, a.toArray(String[]::new));
                assertEquals(0, p.status(), p.err());
                return null;
            });
            List<Stored> got = List.of();
            for (long deadline = System.nanoTime() + 10_000_000_000L; got.isEmpty() && System.nanoTime() < deadline; ) {
                got = rs.stored(s -> s.app().equals("trust-profile"));
                SyslogReceivers.sleep(50);
            }
            assertEquals(1, got.size(), "one message from the profile: " + got);
            assertEquals("via-profile", got.get(0).msg());
            assertEquals(19, got.get(0).facility(), "the profile's fixed facility local3");
        } finally {
            podman(m, "rm", "-f", "-t", "0", n);
            Fixtures.rmrf(dir);
        }
    }

    // ------------------------------------------------------------------ the administrator's drivers, regexes, the file

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void annotationsCannotSilenceTheAdministratorsDriver(MonitorUnderTest m) throws IOException {
        m.onlyConmonJ(WHY);
        Path archive = PrivatePodman.base.resolve("archive.log");
        Files.deleteIfExists(archive);
        String n = name(m, "admin-none");
        try {
            withPolicy("empty", "", List.of("CONMONJ_LOG_DRIVER=k8s-file:archive", "CONMONJ_LOG_OPTS=archive.path=" + archive), () -> {
                List<String> a = new ArrayList<>(List.of("run", "--name", n, "--network", "none"));
                a.addAll(ann("log-driver=none"));
                a.addAll(List.of(PrivatePodman.IMG, "echo", "still-archived"));
                Fixtures.Proc p = podman(m, a.toArray(String[]::new));
                assertEquals(0, p.status(), p.err());
                try {
                    assertTrue(Files.readString(archive).contains(" stdout F still-archived\n"), "log-driver=none did not silence it");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                runRefused(m, "admin-reconfigure", ann("log-opt.archive.path=" + PrivatePodman.base.resolve("elsewhere.log")),
                        PrivatePodman.IMG, "admin-instance");
                runRefused(m, "admin-replace", ann("log-driver=k8s-file:archive", "log-opt.archive.path=x.log"),
                        PrivatePodman.IMG, "admin-instance");
                assertFalse(Files.exists(PrivatePodman.base.resolve("elsewhere.log")));
                return null;
            });
        } finally {
            podman(m, "rm", "-f", "-t", "0", n);
            Files.deleteIfExists(archive);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void regexesFromAnnotationsAreRefusedQuickly(MonitorUnderTest m) throws IOException {
        m.onlyConmonJ(WHY);
        // a 41-character annotation name against a nested quantifier: java.util.regex backtracks for ever
        String longName = "a".repeat(41);
        withPolicy("empty", "", List.of(), () -> {
            List<String> args = new ArrayList<>(List.of("--annotation", longName + "=x"));
            args.addAll(ann("log-driver=journald:j", "log-opt.j.labels-regex=^(a+)+$"));
            runRefused(m, "regex", args, PrivatePodman.IMG, "annotation-regex");
            return null;
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void aPolicyOthersCanWriteOrThatIsMalformedStopsTheContainer(MonitorUnderTest m) throws IOException {
        m.onlyConmonJ(WHY);
        Path policy = TestPolicy.write(PrivatePodman.base, "group-writable", "[annotations]\nunrestricted = true\n");
        Files.setPosixFilePermissions(policy, PosixFilePermissions.fromString("rw-rw-r--"));
        PrivatePodman.withConmonEnv(List.of(TestPolicy.ENV + "=" + policy), () -> {
            Refusal r = runRefused(m, "policy-writable", List.of(), PrivatePodman.IMG, "policy-owner");
            assertTrue(r.proc().err().contains(policy + ": policy-owner: " + policy + " is writable by its group"), r.proc().err());
            return null;
        });
        withPolicy("malformed", "[annotations]\nregex = yes\n", List.of(), () -> {
            Refusal r = runRefused(m, "policy-malformed", List.of(), PrivatePodman.IMG, "policy-syntax");
            assertTrue(r.proc().err().contains("policy-malformed/policy.conf:2: policy-syntax: "), r.proc().err());
            return null;
        });
    }
}
