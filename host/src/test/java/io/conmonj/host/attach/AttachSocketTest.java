package io.conmonj.host.attach;

import io.conmonj.host.sys.UnixSocket;
import io.conmonj.host.sys.SetupException;
import io.conmonj.host.loop.LoopDriver;
import io.conmonj.host.sys.NativeCallException;
import io.conmonj.host.sys.Sys;
import io.conmonj.host.sys.UnixSeqpacket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AttachSocketTest {
    private static int savedUmask;

    @TempDir
    Path tmp;
    private Path bundle;
    private LoopDriver driver;
    private final List<String> warnings = new ArrayList<>();
    private final ByteArrayOutputStream stdin = new ByteArrayOutputStream();
    private final AtomicInteger stdinClosed = new AtomicInteger();
    private final AtomicInteger inputClosed = new AtomicInteger();
    private final List<Integer> clientFds = new ArrayList<>();
    private AttachSocket socket;

    /** Accepts while {@link #sinkFull} is false; {@link #drainSink} plays the container taking input. */
    private boolean sinkFull;
    private Runnable sinkResume = () -> { };
    private final StdinSink recordingSink = new StdinSink() {
        @Override
        public void write(byte[] buf, int off, int len) {
            stdin.write(buf, off, len);
        }

        @Override
        public void closeStdin() {
            stdinClosed.incrementAndGet();
        }

        @Override
        public boolean accepting() {
            return !sinkFull;
        }

        @Override
        public void onAccepting(Runnable resume) {
            sinkResume = resume;
        }
    };

    private void drainSink() {
        sinkFull = false;
        sinkResume.run();
    }

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
        bundle = Files.createDirectory(tmp.resolve("bundle"));
        driver = new LoopDriver();
    }

    @AfterEach
    void tearDown() throws Exception {
        clientFds.forEach(Sys::closeQuietly);
        if (socket != null) {
            socket.closeAll();
        }
        driver.close();
    }

    private AttachSocket openFullAttach() throws Exception {
        socket = AttachSocket.open(AttachSocket.Placement.fullAttach(bundle.toString()), driver.loop, recordingSink,
                inputClosed::incrementAndGet, warnings::add);
        return socket;
    }

    /** Connects like Podman: O_PATH on the socket, then dial /proc/self/fd/N. */
    private int connect(String path) throws NativeCallException {
        int pathFd = io.conmonj.host.sys.Fs.openPath(path);
        try {
            int fd = UnixSeqpacket.connect("/proc/self/fd/" + pathFd);
            clientFds.add(fd);
            return fd;
        } finally {
            Sys.closeQuietly(pathFd);
        }
    }

    private int connectAndAccept() throws NativeCallException {
        int before = socket.clientCount();
        int fd = connect(bundle.resolve("attach").toString());
        assertTrue(driver.runUntil(() -> socket.clientCount() == before + 1), "client accepted");
        return fd;
    }

    /** One packet without waiting, or null if none is queued. */
    private static byte[] receive(int fd) throws NativeCallException {
        byte[] buf = new byte[16384];
        int n = UnixSocket.recv(fd, buf, buf.length, UnixSocket.MSG_DONTWAIT);
        return n == UnixSocket.WOULD_BLOCK ? null : Arrays.copyOf(buf, n);
    }

    private static byte[] packet(int stream, String data) {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[bytes.length + 1];
        p[0] = (byte) stream;
        System.arraycopy(bytes, 0, p, 1, bytes.length);
        return p;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void fullAttachSocketIsInTheBundleWithModeSrwx() throws Exception {
        Files.writeString(bundle.resolve("attach"), "stale"); // an existing file is replaced
        openFullAttach();
        Path attach = bundle.resolve("attach");
        assertEquals(attach.toString(), socket.socketPath());
        assertNull(socket.symlinkPath());
        assertEquals("srwx------", FileModes.of(attach));

        socket.closeAll();
        assertFalse(Files.exists(attach, LinkOption.NOFOLLOW_LINKS), "socket unlinked at exit");
        socket = null;
    }

    @Test
    void bundlePathsLongerThanSunPathWork() throws Exception {
        Path deep = bundle;
        while (deep.toString().length() < 200) {
            deep = Files.createDirectory(deep.resolve("a-rather-long-directory-name"));
        }
        bundle = deep;
        openFullAttach();
        int client = connectAndAccept();
        socket.broadcast(AttachSocket.STDOUT, ascii("hi\n"), 0, 3);
        assertArrayEquals(packet(2, "hi\n"), receive(client));
    }

    @Test
    void outputIsFramedWithTheStreamByteAndSplitAt8193() throws Exception {
        openFullAttach();
        int a = connectAndAccept();
        int b = connectAndAccept();

        byte[] big = new byte[20000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 7);
        }
        socket.broadcast(AttachSocket.STDOUT, ascii("xhello\n"), 1, 6);
        socket.broadcast(AttachSocket.STDERR, ascii("err\n"), 0, 4);
        socket.broadcast(AttachSocket.STDOUT, big, 0, big.length);

        for (int client : new int[] {a, b}) {
            assertArrayEquals(packet(2, "hello\n"), receive(client));
            assertArrayEquals(packet(3, "err\n"), receive(client));
            int offset = 0;
            for (int size : new int[] {8192, 8192, 20000 - 16384}) {
                byte[] p = receive(client);
                assertEquals(size + 1, p.length, "packet size");
                assertEquals(2, p[0]);
                assertArrayEquals(Arrays.copyOfRange(big, offset, offset + size), Arrays.copyOfRange(p, 1, p.length));
                offset += size;
            }
            assertNull(receive(client), "nothing more");
        }
        assertTrue(warnings.isEmpty(), warnings.toString());
    }

    @Test
    void clientsWaitingInTheBacklogGetTheNextChunkWithoutALoopTurn() throws Exception {
        openFullAttach();
        String path = bundle.resolve("attach").toString();
        int first = connect(path);
        socket.broadcast(AttachSocket.STDOUT, ascii("one"), 0, 3); // the loop never ran: accepted here
        int second = connect(path);
        int third = connect(path);
        socket.broadcast(AttachSocket.STDERR, ascii("two"), 0, 3);
        socket.broadcast(AttachSocket.STDOUT, ascii("three"), 0, 5); // nobody waiting: no accept needed
        assertEquals(3, socket.clientCount());
        assertArrayEquals(packet(2, "one"), receive(first));
        for (int client : new int[] {first, second, third}) {
            assertArrayEquals(packet(3, "two"), receive(client));
            assertArrayEquals(packet(2, "three"), receive(client));
            assertNull(receive(client), "nothing more");
        }
        assertTrue(warnings.isEmpty(), warnings.toString());
    }

    @Test
    void noReplayForLateClients() throws Exception {
        openFullAttach();
        int early = connectAndAccept();
        socket.broadcast(AttachSocket.STDOUT, ascii("one"), 0, 3);
        int late = connectAndAccept();
        socket.broadcast(AttachSocket.STDOUT, ascii("two"), 0, 3);
        assertArrayEquals(packet(2, "one"), receive(early));
        assertArrayEquals(packet(2, "two"), receive(early));
        assertArrayEquals(packet(2, "two"), receive(late));
        assertNull(receive(late));
    }

    @Test
    void inputGoesToStdinUnframedAndHalfCloseKeepsOutputFlowing() throws Exception {
        openFullAttach();
        int client = connectAndAccept();
        UnixSocket.send(client, ascii("x\n"), 2, 0);
        UnixSocket.send(client, ascii("yz"), 2, 0);
        assertTrue(driver.runUntil(() -> stdin.size() == 4));
        assertEquals("x\nyz", stdin.toString(StandardCharsets.US_ASCII));
        assertEquals(0, inputClosed.get());

        // Podman's CloseWrite when its stdin copy ends
        UnixSocket.shutdown(client, UnixSocket.SHUT_WR);
        assertTrue(driver.runUntil(() -> inputClosed.get() == 1), "monitor told once");
        driver.runFor(50);
        assertEquals(1, inputClosed.get(), "told only once");
        assertEquals(1, socket.clientCount(), "half-closed client stays");
        assertEquals(0, stdinClosed.get(), "closing stdin is the monitor's decision");

        socket.broadcast(AttachSocket.STDOUT, ascii("still here\n"), 0, 11);
        assertArrayEquals(packet(2, "still here\n"), receive(client));
        assertTrue(warnings.isEmpty(), warnings.toString());

        // when it then goes away entirely it is closed without waiting for output
        Sys.close(client);
        clientFds.remove((Integer) client);
        assertTrue(driver.runUntil(() -> socket.clientCount() == 0), "closed on HUP");
    }

    @Test
    void clientDisconnectEndsItsInputAndClosesIt() throws Exception {
        openFullAttach();
        int client = connectAndAccept();
        UnixSocket.send(client, ascii("bye"), 3, 0);
        Sys.close(client);
        clientFds.remove((Integer) client);
        assertTrue(driver.runUntil(() -> socket.clientCount() == 0));
        assertEquals("bye", stdin.toString(StandardCharsets.US_ASCII), "data before the disconnect is delivered");
        assertEquals(1, inputClosed.get());
    }

    @Test
    void failedSendShutsTheWriteSideAndStopsOutputToThatClient() throws Exception {
        openFullAttach();
        int gone = connectAndAccept();
        int stays = connectAndAccept();
        Sys.close(gone); // the loop does not run: the monitor learns it from the send
        clientFds.remove((Integer) gone);

        socket.broadcast(AttachSocket.STDERR, ascii("a"), 0, 1);
        assertEquals(List.of("Failed to write to remote console socket"), warnings);
        socket.broadcast(AttachSocket.STDERR, ascii("b"), 0, 1);
        assertEquals(1, warnings.size(), "no further sends to it");
        assertArrayEquals(packet(3, "a"), receive(stays));
        assertArrayEquals(packet(3, "b"), receive(stays));

        assertTrue(driver.runUntil(() -> socket.clientCount() == 1), "the dead client's read side ends too: closed");
    }

    @Test
    void clientThatShutsItsReadSideGetsNoMoreOutputButCanStillSend() throws Exception {
        openFullAttach();
        int client = connectAndAccept();
        UnixSocket.shutdown(client, UnixSocket.SHUT_RD);
        socket.broadcast(AttachSocket.STDOUT, ascii("lost"), 0, 4);
        assertEquals(List.of("Failed to write to remote console socket"), warnings);
        UnixSocket.send(client, ascii("in"), 2, 0);
        assertTrue(driver.runUntil(() -> stdin.size() == 2));
        assertEquals(1, socket.clientCount());
    }

    @Test
    void clientsPastTheCapAreRefused() throws Exception {
        openFullAttach();
        for (int i = 0; i < AttachSocket.MAX_CLIENTS; i++) {
            connectAndAccept();
        }
        int refused = connect(bundle.resolve("attach").toString());
        assertTrue(driver.runUntil(() -> !warnings.isEmpty()));
        assertEquals(List.of("Refusing attach client: already 128 clients connected"), warnings);
        assertEquals(AttachSocket.MAX_CLIENTS, socket.clientCount());
        byte[] buf = new byte[16];
        assertEquals(0, UnixSocket.recv(refused, buf, buf.length, 0), "refused client sees end of file");

        socket.broadcast(AttachSocket.STDOUT, ascii("x"), 0, 1);
        assertArrayEquals(packet(2, "x"), receive(clientFds.get(0)));
        assertArrayEquals(packet(2, "x"), receive(clientFds.get(AttachSocket.MAX_CLIENTS - 1)));
    }

    @Test
    void closeClientsGivesEofAndClosesTheListener() throws Exception {
        openFullAttach();
        int client = connectAndAccept();
        UnixSocket.shutdown(client, UnixSocket.SHUT_WR);
        assertTrue(driver.runUntil(() -> inputClosed.get() == 1));
        socket.broadcast(AttachSocket.STDOUT, ascii("last"), 0, 4);

        socket.closeClients();
        assertEquals(0, socket.clientCount());
        byte[] buf = new byte[16];
        assertEquals(5, UnixSocket.recv(client, buf, buf.length, 0), "queued output still delivered");
        assertEquals(0, UnixSocket.recv(client, buf, buf.length, 0), "then end of file");
        assertTrue(Files.exists(bundle.resolve("attach"), LinkOption.NOFOLLOW_LINKS), "file stays until unlinkSocket");
        NativeCallException refused = assertThrows(NativeCallException.class,
                () -> connect(bundle.resolve("attach").toString()));
        assertEquals(111, refused.errno(), "ECONNREFUSED: nobody listens");

        socket.unlinkSocket();
        assertFalse(Files.exists(bundle.resolve("attach"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void withoutFullAttachASymlinkToTheBundleIsUsedAndRemovedAtExit() throws Exception {
        Path socketDir = Files.createDirectory(tmp.resolve("crio"));
        Path link = socketDir.resolve("cuuid-1234");
        Files.createFile(link); // stale entry: replaced
        socket = AttachSocket.open(AttachSocket.Placement.viaSymlink(bundle.toString(), socketDir + "/", "cuuid-1234"),
                driver.loop, StdinSink.DISCARD, () -> { }, warnings::add);

        assertEquals(link.toString(), socket.symlinkPath());
        assertEquals("lrwxrwxrwx", FileModes.of(link));
        assertEquals(bundle, Files.readSymbolicLink(link));
        assertEquals(link.resolve("attach").toString(), socket.socketPath());
        assertEquals("srwx------", FileModes.of(bundle.resolve("attach")), "physically in the bundle");

        int client = connect(link.resolve("attach").toString());
        assertTrue(driver.runUntil(() -> socket.clientCount() == 1));
        socket.broadcast(AttachSocket.STDOUT, ascii("via link"), 0, 8);
        assertArrayEquals(packet(2, "via link"), receive(client));

        socket.closeAll();
        assertFalse(Files.exists(bundle.resolve("attach"), LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(link, LinkOption.NOFOLLOW_LINKS), "symlink removed");
        assertTrue(Files.isDirectory(bundle), "bundle untouched");
        socket = null;
    }

    @Test
    void symlinkPathOfExactly107BytesLosesItsLastByte() {
        String dir = "/run/x";
        String cuuid107 = "c".repeat(107 - dir.length() - 1);
        String cuuid106 = "c".repeat(106 - dir.length() - 1);
        String cuuid108 = "c".repeat(108 - dir.length() - 1);
        assertEquals(106, AttachSocket.Placement.viaSymlink("/b", dir, cuuid107).symlinkPath().length());
        assertEquals(dir + "/" + cuuid107.substring(1), AttachSocket.Placement.viaSymlink("/b", dir, cuuid107).symlinkPath());
        assertEquals(106, AttachSocket.Placement.viaSymlink("/b", dir, cuuid106).symlinkPath().length());
        assertEquals(108, AttachSocket.Placement.viaSymlink("/b", dir, cuuid108).symlinkPath().length(), "2.x cuts only at 107");
        assertEquals("/run/x/u/attach", AttachSocket.Placement.viaSymlink("/b", "/run/x//", "u").socketPath());
        assertEquals("/b/attach", AttachSocket.Placement.fullAttach("/b/").socketPath());
    }

    @Test
    void missingSocketDirFailsWithConmonsText() {
        SetupException e = assertThrows(SetupException.class, () -> AttachSocket.open(
                AttachSocket.Placement.viaSymlink(bundle.toString(), tmp.resolve("no-such-dir").toString(), "u"),
                driver.loop, StdinSink.DISCARD, () -> { }, warnings::add));
        assertEquals("Failed to create symlink for notify socket No such file or directory", e.getMessage());
        assertEquals("Failed to create symlink for notify socket", e.text());
    }

    @Test
    void missingBundleFailsWithConmonsText() {
        String missing = tmp.resolve("gone").toString();
        SetupException e = assertThrows(SetupException.class, () -> AttachSocket.open(
                AttachSocket.Placement.fullAttach(missing), driver.loop, StdinSink.DISCARD, () -> { }, warnings::add));
        assertEquals("failed to open socket path parent dir " + missing + " No such file or directory", e.getMessage());
    }

    @Test
    void clientPacketsAreReadWithA32KiBBuffer() throws Exception {
        openFullAttach();
        int client = connectAndAccept();
        byte[] big = new byte[40000];
        Arrays.fill(big, (byte) 'a');
        UnixSocket.send(client, big, big.length, 0);
        UnixSocket.send(client, ascii("b"), 1, 0);
        assertTrue(driver.runUntil(() -> stdin.size() == 32769));
        driver.runFor(20);
        assertEquals(32769, stdin.size(), "the packet's tail beyond 32768 bytes is gone");
        assertEquals('b', stdin.toByteArray()[32768]);
    }

    @Test
    void stdinIsClosedOnDetachOnlyWithDashIAndWithoutLeaveStdinOpen() {
        List<String> info = new ArrayList<>();
        AttachSocket.closeStdinOnDetach(recordingSink, false, false, info::add).run();
        assertEquals(0, stdinClosed.get());
        AttachSocket.closeStdinOnDetach(recordingSink, true, true, info::add).run();
        assertEquals(0, stdinClosed.get());
        assertEquals(List.of("Not closing input"), info);
        AttachSocket.closeStdinOnDetach(recordingSink, true, false, info::add).run();
        assertEquals(1, stdinClosed.get());
    }

    @Test
    void detachWithDashIClosesStdinThroughTheCallback() throws Exception {
        socket = AttachSocket.open(AttachSocket.Placement.fullAttach(bundle.toString()), driver.loop, recordingSink,
                AttachSocket.closeStdinOnDetach(recordingSink, true, false, warnings::add), warnings::add);
        int client = connectAndAccept();
        UnixSocket.send(client, ascii("x\n"), 2, 0);
        UnixSocket.shutdown(client, UnixSocket.SHUT_WR);
        assertTrue(driver.runUntil(() -> stdinClosed.get() == 1));
        assertEquals("x\n", stdin.toString(StandardCharsets.US_ASCII), "input first, then EOF");
    }

    @Test
    void whileTheSinkDoesNotAcceptNoClientIsReadAndOutputKeepsFlowing() throws Exception {
        openFullAttach();
        int first = connectAndAccept();
        int second = connectAndAccept();
        sinkFull = true;
        UnixSocket.send(first, ascii("a1"), 2, 0);
        UnixSocket.send(second, ascii("b1"), 2, 0);
        driver.runFor(50);
        assertEquals(0, stdin.size(), "nothing read while the sink is full");

        socket.broadcast(AttachSocket.STDOUT, ascii("out\n"), 0, 4);
        assertArrayEquals(packet(2, "out\n"), receive(first), "output is not held up by waiting input");
        assertArrayEquals(packet(2, "out\n"), receive(second));

        int late = connectAndAccept(); // accepted while paused, read only after the resume
        UnixSocket.send(late, ascii("c1"), 2, 0);
        UnixSocket.send(first, ascii("a2"), 2, 0);
        UnixSocket.shutdown(first, UnixSocket.SHUT_WR);
        driver.runFor(50);
        assertEquals(0, stdin.size());
        assertEquals(0, inputClosed.get(), "the half-close waits behind the unread input");

        drainSink();
        assertTrue(driver.runUntil(() -> stdin.size() == 8 && inputClosed.get() == 1), stdin.toString());
        String got = stdin.toString(StandardCharsets.US_ASCII);
        assertTrue(got.indexOf("a1") < got.indexOf("a2"), got);
        for (String part : List.of("a1", "a2", "b1", "c1")) {
            assertTrue(got.contains(part), got);
        }
        assertTrue(warnings.isEmpty(), warnings.toString());
    }

    @Test
    void aSinkThatFillsUpStopsTheReadingAfterThatPacket() throws Exception {
        StdinSink fillsUpAtEachPacket = new StdinSink() {
            @Override
            public void write(byte[] buf, int off, int len) {
                recordingSink.write(buf, off, len);
                sinkFull = true; // the container did not take all of it
            }

            @Override
            public void closeStdin() {
            }

            @Override
            public boolean accepting() {
                return recordingSink.accepting();
            }

            @Override
            public void onAccepting(Runnable resume) {
                recordingSink.onAccepting(resume);
            }
        };
        socket = AttachSocket.open(AttachSocket.Placement.fullAttach(bundle.toString()), driver.loop,
                fillsUpAtEachPacket, () -> { }, warnings::add);
        int client = connectAndAccept();
        for (int i = 0; i < 3; i++) {
            UnixSocket.send(client, ascii("q" + i), 2, 0);
        }
        for (int i = 0; i < 3; i++) {
            assertTrue(driver.runUntil(() -> sinkFull), "packet " + i);
            driver.runFor(30);
            assertEquals("q" + i, stdin.toString(StandardCharsets.US_ASCII), "one packet per drain");
            stdin.reset();
            drainSink();
        }
        assertTrue(warnings.isEmpty(), warnings.toString());
    }
}
