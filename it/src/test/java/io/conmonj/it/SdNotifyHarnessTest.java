package io.conmonj.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code --sdnotify-socket} at harness level (conmon-behaviour.md §12), both monitors: the socket in {@code BUNDLE/notify}, what
 * is relayed to the host's socket, and a missing {@code notify} directory. The test plays the container's part by
 * sending to {@code BUNDLE/notify/notify.sock} itself (Podman would mount the directory into the container).
 */
class SdNotifyHarnessTest {
    static final Duration T = Duration.ofSeconds(30);
    static final String MONITORS = "io.conmonj.it.MonitorUnderTest#monitors";

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void theSocketInTheBundleRelaysStateLinesToTheHost(MonitorUnderTest m) throws Exception {
        Fixtures.Bundle b = Fixtures.get().sh("sleep 3");
        Files.createDirectory(b.dir().resolve("notify"));
        try (NotifyListener host = NotifyListener.bind(b.dir().resolve("host.sock"));
             ConmonRun r = new ConmonRun(m, b).podmanArgs().k8sLog().args("--sdnotify-socket", b.dir().resolve("host.sock").toString())) {
            r.startContainer();
            Path sock = b.dir().resolve("notify/notify.sock");
            assertTrue(Files.exists(sock, LinkOption.NOFOLLOW_LINKS), "socket bound before the pid is reported");
            assertEquals("rwxrwxrwx", PosixFilePermissions.toString(Files.getPosixFilePermissions(sock, LinkOption.NOFOLLOW_LINKS)),
                    "any user in the container may notify");
            NotifyListener.send(sock, "MAINPID=1\nSTATUS=s\nREADY=1");
            NotifyListener.send(sock, "MAINPID=1");
            NotifyListener.send(sock, "WATCHDOG=1");
            List<String> got = host.receive(d -> d.equals("WATCHDOG=1"), 10_000);
            System.out.println("[" + m + "] relayed " + got.stream().map(Json::quote).toList());
            if (m.isConmonJ()) {
                assertEquals(List.of("STATUS=s\nREADY=1", "WATCHDOG=1"), got, "2.2.x: kept lines joined, MAINPID dropped");
            } else {
                // observed with 2.1.6: READY=1 alone survives the filter
                assertTrue(got.contains("READY=1") && got.stream().noneMatch(d -> d.contains("MAINPID")), got.toString());
            }
            assertEquals("0", r.awaitExitFile(T));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void aMissingNotifyDirectoryFailsTheCreate(MonitorUnderTest m) throws Exception {
        Fixtures.Bundle b = Fixtures.get().sh("echo never");
        try (ConmonRun r = new ConmonRun(m, b).podmanArgs().k8sLog().args("--sdnotify-socket", b.dir().resolve("host.sock").toString())) {
            r.spawn();
            r.offerStart();
            int status = r.waitLauncher(T);
            String raw = r.readSyncRaw(Duration.ofSeconds(10));
            System.out.println("[" + m + "] launcher " + status + " sync " + Json.quote(String.valueOf(raw)) + " stderr "
                    + Json.quote(r.stderr()));
            assertTrue(raw == null || Json.SyncMessage.parse(raw).value() < 0, "no pid reported: " + raw);
            assertFalse(Files.exists(r.exitDir.resolve(r.cid)) && ConmonRun.read(r.exitDir.resolve(r.cid)).equals("0"),
                    "the container did not run");
            if (m.isConmonJ()) {
                assertTrue(raw != null && raw.contains("notify"), "conmon-j names the notify socket: " + raw);
            }
        }
    }
}
