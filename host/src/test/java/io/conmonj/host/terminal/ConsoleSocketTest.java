package io.conmonj.host.terminal;

import io.conmonj.host.sys.SetupException;
import io.conmonj.host.loop.LoopDriver;
import io.conmonj.host.sys.Sys;
import io.conmonj.host.sys.Tty;
import io.conmonj.host.sys.UnixStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConsoleSocketTest {
    private static int savedUmask;

    @TempDir
    Path tmp;
    private LoopDriver driver;
    private ConsoleSocket console;
    private final List<String> warnings = new ArrayList<>();
    private final List<Integer> fds = new ArrayList<>();
    private int receivedFd = -1;
    private String receivedName;

    @BeforeAll
    static void monitorUmask() {
        savedUmask = Sys.umask(0022); // conmon's (conmon-behaviour.md §2 step 1)
    }

    @AfterAll
    static void restoreUmask() {
        Sys.umask(savedUmask);
    }

    @BeforeEach
    void setUp() throws Exception {
        driver = new LoopDriver();
        console = ConsoleSocket.open(tmp.toString(), driver.loop, (fd, name) -> {
            receivedFd = fd;
            receivedName = name;
            fds.add(fd);
        }, warnings::add);
    }

    @AfterEach
    void tearDown() throws Exception {
        console.close();
        fds.forEach(Sys::closeQuietly);
        driver.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String readSome(int fd) throws Exception {
        byte[] buf = new byte[4096];
        int n = Sys.read(fd, buf, buf.length);
        return new String(buf, 0, Math.max(n, 0), StandardCharsets.UTF_8);
    }

    @Test
    void pathIsAFreshSocketInTheTemporaryDirectory() throws Exception {
        Path path = Path.of(console.path());
        assertEquals(tmp, path.getParent());
        assertTrue(path.getFileName().toString().matches("conmon-term\\.[A-Za-z0-9]{6}"), path.toString());
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        assertEquals(0140000, mode & 0170000, "a socket");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS)));
        assertFalse(console.received());
    }

    @Test
    void receivesAWorkingPtyMasterFromTheRuntime() throws Exception {
        // the test plays the runtime: open a pty, connect, send the master named /dev/ptmx
        int[] pty = Tty.openPty();
        fds.add(pty[1]);
        int conn = UnixStream.connect(console.path());
        fds.add(conn);
        UnixStream.sendFd(conn, "/dev/ptmx", pty[0]);
        Sys.close(pty[0]); // the runtime keeps no copy

        assertTrue(driver.runUntil(console::received));
        assertEquals("/dev/ptmx", receivedName);
        assertTrue(receivedFd >= 0);
        assertTrue(Tty.isatty(receivedFd));
        assertFalse(Files.exists(Path.of(console.path()), LinkOption.NOFOLLOW_LINKS), "unlinked on connection");
        assertTrue(warnings.isEmpty(), warnings.toString());

        // container -> monitor
        Sys.writeAll(pty[1], bytes("from the slave"));
        assertEquals("from the slave", readSome(receivedFd));
        // monitor -> container (canonical mode: a line)
        Sys.writeAll(receivedFd, bytes("to the slave\n"));
        assertEquals("to the slave\n", readSome(pty[1]));
        // the accepted connection was closed: the runtime's end sees EOF
        assertEquals(0, Sys.read(conn, new byte[16], 16));
    }

    @Test
    void aMessageWithoutDescriptorIsFatalWithConmonsText() throws Exception {
        int conn = UnixStream.connect(console.path());
        fds.add(conn);
        Sys.writeAll(conn, bytes("/dev/ptmx\0"));

        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> driver.runUntil(console::received));
        SetupException cause = assertInstanceOf(SetupException.class, e.getCause());
        assertEquals("Failed to receive console file descriptor", cause.text());
        assertEquals("Failed to receive console file descriptor Communication error on send", cause.getMessage());
        assertFalse(console.received());
        assertFalse(Files.exists(Path.of(console.path()), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aRuntimeThatHangsUpWithoutSendingIsFatal() throws Exception {
        int conn = UnixStream.connect(console.path());
        Sys.close(conn);
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> driver.runUntil(console::received));
        assertEquals("Failed to receive console file descriptor",
                assertInstanceOf(SetupException.class, e.getCause()).text());
    }

    @Test
    void closeWithoutConnectionRemovesThePath() throws Exception {
        Path path = Path.of(console.path());
        assertTrue(Files.exists(path, LinkOption.NOFOLLOW_LINKS));
        console.close();
        assertFalse(Files.exists(path, LinkOption.NOFOLLOW_LINKS));
        console.close(); // idempotent
    }

    @Test
    void eachSocketGetsItsOwnName() throws Exception {
        try (ConsoleSocket other = ConsoleSocket.open(tmp.toString(), driver.loop, (fd, name) -> { }, warnings::add)) {
            assertFalse(other.path().equals(console.path()));
        }
    }

    @Test
    void temporaryDirectoryAsGlib() {
        assertEquals("/tmp", ConsoleSocket.tmpDir(null));
        assertEquals("/tmp", ConsoleSocket.tmpDir(""));
        assertEquals("/var/tmp", ConsoleSocket.tmpDir("/var/tmp"));
        assertEquals("/var/tmp/conmon-term.XXXXXX", ConsoleSocket.buildFilename("/var/tmp//", ConsoleSocket.NAME_TEMPLATE));
        assertEquals("/conmon-term.XXXXXX", ConsoleSocket.buildFilename("/", ConsoleSocket.NAME_TEMPLATE));
    }
}
