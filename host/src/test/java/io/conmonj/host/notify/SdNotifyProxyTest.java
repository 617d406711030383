package io.conmonj.host.notify;

import io.conmonj.host.loop.LoopDriver;
import io.conmonj.host.sys.UnixSocket;
import io.conmonj.host.sys.NativeCallException;
import io.conmonj.host.sys.SetupException;
import io.conmonj.host.sys.Sys;
import io.conmonj.host.sys.UnixDatagram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The proxy on real unix datagram sockets: a "container" sends to BUNDLE/notify/notify.sock, the test is the host. */
class SdNotifyProxyTest {
    @TempDir
    Path tmp;
    private Path bundle;
    private LoopDriver driver;
    private final List<String> warnings = new ArrayList<>();
    private final List<Integer> fds = new ArrayList<>();
    private SdNotifyProxy proxy;

    @BeforeEach
    void setUp() throws IOException {
        bundle = Files.createDirectories(tmp.resolve("bundle"));
        Files.createDirectory(bundle.resolve("notify"));
        driver = new LoopDriver();
    }

    @AfterEach
    void tearDown() throws NativeCallException {
        if (proxy != null) {
            proxy.close();
        }
        fds.forEach(Sys::closeQuietly);
        driver.close();
    }

    private int hostSocket(String address) throws NativeCallException {
        int fd = UnixDatagram.socket();
        fds.add(fd);
        UnixDatagram.bind(fd, address);
        return fd;
    }

    private SdNotifyProxy open(String host) throws IOException {
        proxy = SdNotifyProxy.open(bundle.toString(), host, driver.loop, warnings::add);
        return proxy;
    }

    /** Sends as the container does: to the socket in the bundle. */
    private void containerSends(String datagram) throws NativeCallException {
        byte[] b = datagram.getBytes(StandardCharsets.ISO_8859_1);
        int fd = UnixDatagram.socket();
        try {
            UnixDatagram.connect(fd, bundle.resolve("notify/notify.sock").toString());
            assertEquals(b.length, UnixSocket.send(fd, b, b.length, UnixSocket.MSG_DONTWAIT | UnixSocket.MSG_NOSIGNAL));
        } finally {
            Sys.closeQuietly(fd);
        }
    }

    /** The next datagram the host receives, running the loop until one arrives (or fails after 5 s). */
    private String hostReceives(int fd) throws NativeCallException {
        byte[] buf = new byte[65536];
        int[] n = {UnixSocket.WOULD_BLOCK};
        driver.runUntil(() -> {
            if (n[0] != UnixSocket.WOULD_BLOCK) {
                return true; // the loop's condition is checked once more at the end: do not read twice
            }
            try {
                n[0] = UnixSocket.recv(fd, buf, buf.length, UnixSocket.MSG_DONTWAIT);
            } catch (NativeCallException e) {
                throw new AssertionError(e);
            }
            return n[0] != UnixSocket.WOULD_BLOCK;
        });
        assertTrue(n[0] != UnixSocket.WOULD_BLOCK, "the host received nothing; warnings " + warnings);
        return new String(buf, 0, n[0], StandardCharsets.ISO_8859_1);
    }

    @Test
    void relaysTheStateLinesAndDropsMainpid() throws IOException {
        int host = hostSocket(tmp.resolve("host.sock").toString());
        open(tmp.resolve("host.sock").toString());
        containerSends("MAINPID=1\nREADY=1\nSTATUS=listening");
        containerSends("MAINPID=1"); // nothing kept: nothing sent
        containerSends("STOPPING=1");
        assertEquals("READY=1\nSTATUS=listening", hostReceives(host));
        assertEquals("STOPPING=1", hostReceives(host));
        assertEquals(List.of(), warnings);
    }

    @Test
    void theSocketIsWorldWritableAndRemovedOnClose() throws IOException {
        open(tmp.resolve("host.sock").toString());
        Path sock = bundle.resolve("notify/notify.sock");
        int oldUmask = Sys.umask(0022);
        try {
            assertEquals("rwxrwxrwx", PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));
            assertTrue((Files.getAttribute(sock, "unix:mode", LinkOption.NOFOLLOW_LINKS) instanceof Integer m)
                    && (m & 0170000) == 0140000, "a socket");
        } finally {
            Sys.umask(oldUmask);
        }
        proxy.close();
        proxy = null;
        assertFalse(Files.exists(sock, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aMissingNotifyDirectoryIsFatalAndNamed() throws IOException {
        Files.delete(bundle.resolve("notify"));
        SetupException e = assertThrows(SetupException.class, () -> open(tmp.resolve("host.sock").toString()));
        assertTrue(e.getMessage().contains(bundle.resolve("notify").toString()), e.getMessage());
    }

    @Test
    void aSymlinkInPlaceOfTheNotifyDirectoryIsRefusedAndNothingIsCreated() throws IOException {
        Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
        Files.delete(bundle.resolve("notify"));
        Files.createSymbolicLink(bundle.resolve("notify"), elsewhere);
        assertThrows(SetupException.class, () -> open(tmp.resolve("host.sock").toString()));
        try (var left = Files.list(elsewhere)) {
            assertEquals(0, left.count());
        }
    }

    @Test
    void aStaleSocketFromAnEarlierMonitorIsReplaced() throws IOException {
        int stale = hostSocket(bundle.resolve("notify/notify.sock").toString());
        int host = hostSocket(tmp.resolve("host.sock").toString());
        open(tmp.resolve("host.sock").toString());
        containerSends("READY=1");
        assertEquals("READY=1", hostReceives(host));
        assertEquals(UnixSocket.WOULD_BLOCK, UnixSocket.recv(stale, new byte[16], 16, UnixSocket.MSG_DONTWAIT));
    }

    @Test
    void aMissingHostSocketIsAWarningAndALaterOneIsReached() throws IOException {
        String hostPath = tmp.resolve("host.sock").toString();
        open(hostPath);
        containerSends("READY=1");
        assertTrue(driver.runUntil(() -> !warnings.isEmpty()), "no warning");
        assertTrue(warnings.get(0).contains(hostPath), warnings.toString());
        int host = hostSocket(hostPath);
        containerSends("STATUS=second");
        assertEquals("STATUS=second", hostReceives(host));
    }

    @Test
    void aHostSocketReCreatedBetweenMessagesIsReachedWithoutLoss() throws IOException {
        Path hostPath = tmp.resolve("host.sock");
        int first = hostSocket(hostPath.toString());
        open(hostPath.toString());
        containerSends("READY=1");
        assertEquals("READY=1", hostReceives(first));
        // the service manager re-executes: the old socket goes away, a new one is bound at the same path
        Sys.closeQuietly(first);
        fds.remove(Integer.valueOf(first)); // its number may be reused by the next socket
        Files.delete(hostPath);
        int second = hostSocket(hostPath.toString());
        containerSends("STATUS=after the re-exec");
        assertEquals("STATUS=after the re-exec", hostReceives(second));
        assertEquals(List.of(), warnings);
    }

    @Test
    void aHostSocketPathLongerThanSunPathIsReached() throws IOException {
        Path deep = tmp;
        while (deep.toString().length() < 150) {
            deep = deep.resolve("d" + UUID.randomUUID().toString().substring(0, 8));
        }
        Files.createDirectories(deep);
        // the test binds through /proc/self/fd as well: bind(2) has the same length limit
        int dir = UnixDatagram.openDirectoryNoFollow(deep.toString());
        fds.add(dir);
        int host = hostSocket("/proc/self/fd/" + dir + "/host.sock");
        open(deep.resolve("host.sock").toString());
        containerSends("READY=1");
        assertEquals("READY=1", hostReceives(host));
    }

    @Test
    void aBundlePathLongerThanSunPathWorks() throws IOException {
        Path deep = tmp;
        while (deep.toString().length() < 200) {
            deep = deep.resolve("b" + UUID.randomUUID().toString().substring(0, 8));
        }
        bundle = Files.createDirectories(deep.resolve("notify")).getParent();
        int host = hostSocket(tmp.resolve("host.sock").toString());
        open(tmp.resolve("host.sock").toString());
        // the container reaches it through its directory, as through Podman's bind mount
        int dir = UnixDatagram.openDirectoryNoFollow(bundle.resolve("notify").toString());
        fds.add(dir);
        int fd = UnixDatagram.socket();
        fds.add(fd);
        UnixDatagram.connect(fd, "/proc/self/fd/" + dir + "/notify.sock");
        byte[] ready = "READY=1".getBytes(StandardCharsets.US_ASCII);
        assertEquals(ready.length, UnixSocket.send(fd, ready, ready.length, UnixSocket.MSG_DONTWAIT | UnixSocket.MSG_NOSIGNAL));
        assertEquals("READY=1", hostReceives(host));
    }

    @Test
    void anEmptyOrUnfittingHostAddressIsAWarningNotACrash() throws IOException {
        open("@" + "x".repeat(200));
        containerSends("READY=1");
        assertTrue(driver.runUntil(() -> !warnings.isEmpty()), "no warning");
        assertTrue(warnings.get(0).contains("File name too long"), warnings.toString());
    }

    @Test
    void anAbstractHostAddressIsReached() throws IOException {
        String name = "@conmonj-test-" + UUID.randomUUID();
        int host = hostSocket(name);
        open(name);
        containerSends("WATCHDOG=1");
        assertEquals("WATCHDOG=1", hostReceives(host));
    }

    @Test
    void anOversizedDatagramIsCutAtTheBuffer() throws IOException {
        int host = hostSocket(tmp.resolve("host.sock").toString());
        open(tmp.resolve("host.sock").toString());
        containerSends("STATUS=" + "a".repeat(40000));
        assertEquals(SdNotifyProxy.MAX_DATAGRAM, hostReceives(host).length());
    }

    @Test
    void aHostThatDoesNotReadCostsABoundedQueueAndGetsTheNewestInOrder() throws IOException {
        int host = hostSocket(tmp.resolve("host.sock").toString());
        open(tmp.resolve("host.sock").toString());
        int sent = 200;
        for (int i = 0; i < sent; i++) {
            containerSends("STATUS=" + i);
            driver.runFor(2);
        }
        assertFalse(warnings.isEmpty(), "the queue never overflowed");
        List<Integer> got = new ArrayList<>();
        byte[] buf = new byte[64];
        while (true) {
            String s = hostReceivesOrNull(host, buf);
            if (s == null) break;
            got.add(Integer.parseInt(s.substring("STATUS=".length())));
        }
        assertEquals(sent - 1, got.get(got.size() - 1), "the newest message arrives last: " + got);
        for (int i = 1; i < got.size(); i++) {
            assertTrue(got.get(i) > got.get(i - 1), "in order: " + got);
        }
        assertTrue(got.size() < sent, "some were dropped: " + got.size());
    }

    private String hostReceivesOrNull(int host, byte[] buf) throws NativeCallException {
        int[] n = {UnixSocket.WOULD_BLOCK};
        driver.runUntil(() -> {
            if (n[0] != UnixSocket.WOULD_BLOCK) {
                return true; // the loop's condition is checked once more at the end: do not read twice
            }
            try {
                n[0] = UnixSocket.recv(host, buf, buf.length, UnixSocket.MSG_DONTWAIT);
            } catch (NativeCallException e) {
                throw new AssertionError(e);
            }
            return n[0] != UnixSocket.WOULD_BLOCK;
        }, 300);
        return n[0] == UnixSocket.WOULD_BLOCK ? null : new String(buf, 0, n[0], StandardCharsets.US_ASCII);
    }
}
