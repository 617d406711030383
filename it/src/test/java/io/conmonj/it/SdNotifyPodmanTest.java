package io.conmonj.it;

import static io.conmonj.it.PrivatePodman.IMG;
import static io.conmonj.it.PrivatePodman.name;
import static io.conmonj.it.PrivatePodman.ok;
import static io.conmonj.it.PrivatePodman.podman;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code podman run --sdnotify=container} (quadlet's {@code Notify=true}) with {@code NOTIFY_SOCKET} pointing at a
 * socket the test listens on, as systemd would: Podman passes {@code --sdnotify-socket} to the monitor and itself
 * sends {@code MAINPID=<monitor pid>}; the container's {@code READY=1} reaches the socket through the monitor's proxy
 * in {@code BUNDLE/notify}. The container sends with a static helper built from {@code src/test/c/sd-notify-send.c}
 * (busybox has no systemd-notify).
 *
 * Observed with the reference 2.1.6: {@code READY=1} (and {@code WATCHDOG=1}) are relayed, {@code STATUS=} is
 * dropped; conmon-j follows the 2.2.x contract and relays {@code STATUS=} too (asserted for conmon-j only).
 */
@ExtendWith(PodmanEnvironment.class)
class SdNotifyPodmanTest {
    static final String MONITORS = "io.conmonj.it.MonitorUnderTest#monitors";
    /** The lines a monitor may relay (conmon-behaviour.md §12), besides Podman's own MAINPID. */
    private static final Set<String> STATE_LINES = Set.of("READY=1", "RELOADING=1", "STOPPING=1", "WATCHDOG=1",
            "WATCHDOG=trigger");
    private static Path helperDir;

    @BeforeAll
    static void buildHelper() throws IOException {
        helperDir = Files.createDirectories(PrivatePodman.base.resolve("sd-notify-helper"));
        Fixtures.Proc p = Fixtures.run(List.of("gcc", "-static", "-O2", "-Wall", "-Wextra", "-Werror", "-o",
                helperDir.resolve("sd-notify-send").toString(), Path.of("src/test/c/sd-notify-send.c").toString()), 120);
        assertEquals(0, p.status(), "gcc -static sd-notify-send.c (needs libc6-dev): " + p.err());
    }

    /** podman with NOTIFY_SOCKET set, as systemd starts it for a Type=notify unit. */
    private static Fixtures.Proc podmanNotified(MonitorUnderTest m, Path notifySocket, String... args) {
        m.requirePresent();
        List<String> cmd = new ArrayList<>(PrivatePodman.cmd(m, args));
        try {
            Path o = Files.createTempFile(PrivatePodman.base, "out", ".txt"), e = Files.createTempFile(PrivatePodman.base, "err", ".txt");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(o.toFile()).redirectError(e.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .directory(PrivatePodman.base.resolve("cwd").toFile());
            pb.environment().put("CONTAINERS_CONF", PrivatePodman.conf.toString());
            pb.environment().put("NOTIFY_SOCKET", notifySocket.toString());
            Process process = pb.start();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("timed out: " + cmd);
            }
            return new Fixtures.Proc(process.exitValue(), Files.readString(o, StandardCharsets.ISO_8859_1),
                    Files.readString(e, StandardCharsets.ISO_8859_1));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }

    private static List<String> lines(List<String> datagrams) {
        return datagrams.stream().flatMap(d -> Arrays.stream(d.split("\n"))).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void readyFromTheContainerReachesTheHostSocketWithTheMonitorAsMainpid(MonitorUnderTest m) throws Exception {
        String n = name(m, "sdnotify");
        try (NotifyListener host = NotifyListener.bind(PrivatePodman.base.resolve(m.name() + "-notify.sock"))) {
            ok(podmanNotified(m, host.path, "run", "-d", "--name", n, "--network", "none", "--sdnotify=container",
                    "-v", helperDir + ":/h:ro", IMG, "sh", "-c",
                    "/h/sd-notify-send \"$(printf 'MAINPID=1\\nSTATUS=hello\\nREADY=1')\" && sleep 100"), "run -d");
            host.receive(d -> Arrays.asList(d.split("\n")).contains("READY=1"), 30_000);
            String conmonPid = ok(podman(m, "inspect", "--format", "{{.State.ConmonPid}}", n), "inspect").out().strip();
            // Podman sends MAINPID itself once the container started: before or after the container's READY
            List<String> got = host.receive(d -> d.equals("MAINPID=" + conmonPid), 30_000);
            System.out.println("[" + m + "] host socket received " + got.stream().map(Json::quote).toList());
            assertTrue(lines(got).contains("READY=1"), "READY=1 relayed: " + got);
            assertTrue(got.contains("MAINPID=" + conmonPid), "Podman names the monitor (" + conmonPid + "): " + got);
            assertTrue(!lines(got).contains("MAINPID=1"), "the container's MAINPID is never relayed: " + got);
            if (m.isConmonJ()) {
                // 2.2.x relays STATUS= as well; 2.1.6 dropped it (observed)
                assertTrue(got.contains("STATUS=hello\nREADY=1"), "one datagram, kept lines joined: " + got);
            }
        } finally {
            podman(m, "rm", "-f", "-t", "0", n);
        }
    }

    /** Hostile datagrams (binary, oversized, forbidden fields) neither reach the host nor stop the proxy. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void hostileDatagramsAreDroppedAndTheProxyKeepsWorking(MonitorUnderTest m) throws Exception {
        String n = name(m, "sdnotify-hostile");
        try (NotifyListener host = NotifyListener.bind(PrivatePodman.base.resolve(m.name() + "-hostile.sock"))) {
            String script = String.join(" && ",
                    "/h/sd-notify-send \"$(printf 'FDSTORE=1\\nNOTIFYACCESS=all\\n\\001\\377\\r\\nMAINPID=1')\"",
                    "/h/sd-notify-send \"$(printf 'X%070000d' 0)\"",
                    "/h/sd-notify-send \"$(printf 'READY=1%070000d' 0)\"", // not a READY=1 line: dropped
                    "i=0; while [ $i -lt 100 ]; do /h/sd-notify-send EXTEND_TIMEOUT_USEC=1; i=$((i+1)); done",
                    "/h/sd-notify-send READY=1", "echo sent");
            Fixtures.Proc p = podmanNotified(m, host.path, "run", "--rm", "--network", "none", "--sdnotify=container",
                    "-v", helperDir + ":/h:ro", IMG, "sh", "-c", script);
            assertEquals(0, p.status(), p.err());
            assertEquals("sent\n", p.out());
            List<String> got = host.receive(d -> d.equals("READY=1"), 30_000);
            assertTrue(got.contains("READY=1"), "READY=1 after the junk: " + got);
            for (String line : lines(got)) {
                assertTrue(STATE_LINES.contains(line) || line.matches("MAINPID=[0-9]+") && !line.equals("MAINPID=1"),
                        "only state lines and Podman's MAINPID reach the host: " + Json.quote(line));
            }
        }
    }
}
