package io.conmonj.it;

import static io.conmonj.it.Fixtures.WAIT_FOR_SIZE;
import static io.conmonj.it.Fixtures.list;
import static io.conmonj.it.HarnessSteps.create;
import static io.conmonj.it.HarnessSteps.run;
import static io.conmonj.it.HarnessSteps.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue #3 at harness level: attach socket (conmon-behaviour.md §5), ctl/winsz (conmon-behaviour.md §6), terminal mode (conmon-behaviour.md §9), -i (conmon-behaviour.md §14a 9),
 * log reopen (conmon-behaviour.md §14a 15), --socket-dir-path (conmon-behaviour.md §14a 14). Developed against the reference 2.1.6; conmon-j cases are
 * marked pending until the features land.
 */
class AttachHarnessTest {
    static final Duration T = Duration.ofSeconds(30);
    static final String MONITORS = "io.conmonj.it.MonitorUnderTest#monitors";

    static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    static String fileType(Path p) {
        return Files.isSymbolicLink(p) ? "symlink" : Files.isRegularFile(p) ? "file" : Files.isDirectory(p) ? "dir" : Files.exists(p) ? "other" : "none";
    }

    static void awaitLog(ConmonRun r, String needle) {
        long deadline = System.nanoTime() + T.toNanos();
        while (!new String(r.logBytesIfAny(), StandardCharsets.ISO_8859_1).contains(needle)) {
            if (System.nanoTime() > deadline)
                throw new AssertionError("log never contained " + needle + ": " + new String(r.logBytesIfAny(), StandardCharsets.ISO_8859_1));
            ConmonRun.sleep(20);
        }
    }

    static final String SEQ_5000 = IntStream.rangeClosed(1, 5000).mapToObj(Integer::toString).collect(Collectors.joining("\n", "", "\n"));

    // ---------------------------------------------------------------- case 1: framing, broadcast, half close, EOF

    /**
     * Three clients connected before {@code runc start}: one plain, one that half-closes (SHUT_WR) at once, one
     * that connected first. The container writes 23893 bytes to stdout in one write(2) (dd bs=64k of a file) and a
     * line to stderr. Every client gets the same packets: {@code \x02}/{@code \x03} + at most 8192 data bytes,
     * the stdout payloads concatenating to the exact bytes; EOF at container exit; socket srwx------, removed at exit.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void attachFramingBroadcastHalfCloseEof(MonitorUnderTest m) throws IOException {
        try (ConmonRun r = run(m, Fixtures.get().sh(
                "seq 1 5000 > /dev/shm/f; dd if=/dev/shm/f bs=65536 count=1 2>/dev/null; echo err >&2; sleep 0.2")).k8sLog()) {
            create(r);
            Path sock = r.dir.resolve("attach");
            assertTrue(Files.exists(sock), "attach socket exists when the PID is reported");
            assertEquals("rwx------", mode(sock), "attach socket mode");
            assertEquals("prw-r-----", "p" + mode(r.dir.resolve("ctl")), "ctl FIFO mode");
            assertTrue(Files.exists(r.dir.resolve("winsz")), "winsz FIFO");
            try (Attach a = r.attach(); Attach b = r.attach(); Attach half = r.attach()) {
                half.shutdownWrite();
                start(r);
                List<byte[]> pa = a.readAll(T), pb = b.readAll(T), ph = half.readAll(T);
                for (byte[] p : pa) {
                    assertTrue(p.length >= 2 && p.length <= Attach.PODMAN_BUF, "packet size " + p.length);
                    assertTrue(p[0] == 2 || p[0] == 3, "stream byte " + p[0]);
                }
                assertEquals(SEQ_5000, Attach.payload(pa, 2), "stdout payloads concatenate to the exact bytes");
                assertEquals("err\n", Attach.payload(pa, 3));
                long stdoutPackets = pa.stream().filter(p -> p[0] == 2).count();
                assertTrue(stdoutPackets >= 3, "23893 bytes need >= 3 packets: " + stdoutPackets);
                assertEquals(Attach.describe(pa), Attach.describe(pb), "second client: same packets");
                assertEquals(Attach.describe(pa), Attach.describe(ph), "half-closed client keeps receiving");
                System.out.println("[" + m + "] stdout packet sizes: " + pa.stream().filter(p -> p[0] == 2).map(p -> p.length).toList());
            }
            assertEquals("0", r.awaitExitFile(T));
            assertTrue(r.awaitMonitorGone(T));
            assertFalse(Files.exists(sock), "attach socket removed at exit");
            assertEquals(SEQ_5000, K8sLog.text(K8sLog.parse(r.logBytes()), "stdout"), "log has the same bytes");
        }
    }

    /**
     * More clients than the listen backlog (10), all connected and accepted before start: every one gets the output.
     * A connect returns once the connection is queued; the accept is the monitor's, on its loop, so the case waits
     * until the monitor holds a socket for each client (a client still in the queue when the container writes would
     * miss the output: there is no replay, conmon-behaviour.md §5.3).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void attachTwelveClients(MonitorUnderTest m) {
        try (ConmonRun r = run(m, Fixtures.get().sh("echo to-all")).k8sLog()) {
            create(r);
            int monitor = r.monitorPid();
            assertTrue(monitor > 0, "the monitor's pid from -P");
            java.util.Set<Long> before = MonitorSockets.held(monitor);
            List<Attach> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 12; i++) clients.add(r.attach());
                MonitorSockets.awaitNew(monitor, before, 12, T);
                start(r);
                for (int i = 0; i < clients.size(); i++)
                    assertEquals("to-all\n", Attach.payload(clients.get(i).readAll(T), 2), "client " + i);
            } finally {
                clients.forEach(Attach::close);
            }
            assertEquals("0", r.awaitExitFile(T));
        }
    }

    /** A bundle path far longer than sun_path (108): the socket is bound via /proc/self/fd/N/attach (conmon-behaviour.md §5.1). */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void attachSocketInLongBundlePath(MonitorUnderTest m) throws IOException {
        Fixtures.Bundle b = Fixtures.get().sh("echo long-path");
        Path deep = Files.createDirectories(b.dir().resolve("d".repeat(100)).resolve("e".repeat(100)));
        Files.copy(b.dir().resolve("config.json"), deep.resolve("config.json"));
        assertTrue(deep.resolve("attach").toString().length() > 200);
        try (ConmonRun r = run(m, new Fixtures.Bundle(b.cid(), deep)).k8sLog()) {
            create(r);
            try (Attach a = r.attach()) {
                start(r);
                assertEquals("long-path\n", Attach.payload(a.readAll(T), 2));
            }
            assertEquals("0", r.awaitExitFile(T));
            assertFalse(Files.exists(deep.resolve("attach")), "attach socket removed at exit");
        }
    }

    /** A client that connects while the container runs gets only later output (no replay, conmon-behaviour.md §5.3). */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void attachNoReplayOfEarlierOutput(MonitorUnderTest m) {
        try (ConmonRun r = run(m, Fixtures.get().sh("echo early; sleep 1; echo late")).k8sLog()) {
            create(r);
            start(r);
            awaitLog(r, "early");
            try (Attach a = r.attach()) {
                List<byte[]> p = a.readAll(T);
                assertEquals("late\n", Attach.payload(p, 2), "only output after connecting: " + Attach.describe(p));
            }
            assertEquals("0", r.awaitExitFile(T));
        }
    }

    // ---------------------------------------------------------------- case 2: -i (conmon-behaviour.md §14a 9) and --leave-stdin-open

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void stdinClientDisconnectClosesContainerStdin(MonitorUnderTest m) {
        try (ConmonRun r = run(m, Fixtures.get().sh("cat; echo eof-seen")).k8sLog().args("-i")) {
            create(r);
            try (Attach a = r.attach()) {
                start(r);
                a.send("x\n");
                a.readUntil(2, "x\n", T);
            } // full close: the monitor closes the container's stdin
            assertEquals("0", r.awaitExitFile(T));
            assertTrue(r.awaitMonitorGone(T));
            assertEquals("x\neof-seen\n", K8sLog.text(K8sLog.parse(r.logBytes()), "stdout"));
        }
    }

    /** Half close (Podman's CloseWrite when its stdin ends) also ends container stdin, and output keeps flowing. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void stdinHalfCloseGivesEofAndOutputContinues(MonitorUnderTest m) {
        try (ConmonRun r = run(m, Fixtures.get().sh("cat; echo eof-seen; sleep 0.2; echo after")).k8sLog().args("-i")) {
            create(r);
            try (Attach a = r.attach()) {
                start(r);
                a.send("y\n");
                a.shutdownWrite();
                List<byte[]> p = a.readAll(T);
                assertEquals("y\neof-seen\nafter\n", Attach.payload(p, 2), Attach.describe(p));
            }
            assertEquals("0", r.awaitExitFile(T));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void leaveStdinOpenSecondClientStillFeedsStdin(MonitorUnderTest m) {
        try (ConmonRun r = run(m, Fixtures.get().sh("read a; echo $a; read b; echo $b; echo done")).k8sLog().args("-i", "--leave-stdin-open")) {
            create(r);
            try (Attach a = r.attach()) {
                start(r);
                a.send("one\n");
                a.readUntil(2, "one\n", T);
            }
            // the second client should connect after the monitor has handled the first one's close; nothing outside the
            // monitor shows that moment (2.1.6 even keeps the closed client's socket open, observed), so a pause
            ConmonRun.sleep(200);
            try (Attach b = r.attach()) {
                b.send("two\n");
                List<byte[]> p = b.readAll(T);
                assertEquals("two\ndone\n", Attach.payload(p, 2), Attach.describe(p));
            }
            assertEquals("0", r.awaitExitFile(T));
            assertEquals("one\ntwo\ndone\n", K8sLog.text(K8sLog.parse(r.logBytes()), "stdout"));
        }
    }

    /** Without -i, input from a client is discarded: the container's stdin stays /dev/null-like (immediate EOF). */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void withoutStdinInputIsDiscarded(MonitorUnderTest m) {
        try (ConmonRun r = run(m, Fixtures.get().sh("sleep 0.5; cat; echo cat-done")).k8sLog()) {
            create(r);
            try (Attach a = r.attach()) {
                a.send("ignored\n");
                start(r);
                List<byte[]> p = a.readAll(T);
                assertEquals("cat-done\n", Attach.payload(p, 2), Attach.describe(p));
            }
            assertEquals("0", r.awaitExitFile(T));
        }
    }

    // ---------------------------------------------------------------- case 3: ctl

    /** {@code 1 33 77} on ctl with -t: TIOCSWINSZ on the pty master, seen by {@code stty size} in the container. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void ctlResizeSeenByStty(MonitorUnderTest m) {
        try (ConmonRun r = run(m, Fixtures.get().shTerminal(WAIT_FOR_SIZE)).k8sLog().args("-t")) {
            create(r);
            r.ctl("1 33 77\n");
            try (Attach a = r.attach()) {
                start(r);
                List<byte[]> p = a.readAll(T);
                assertEquals("33 77\r\n", Attach.payload(p, 2), Attach.describe(p));
            }
            assertEquals("0", r.awaitExitFile(T));
            assertEquals("33 77\r\n", K8sLog.text(K8sLog.parse(r.logBytes()), "stdout"));
        }
    }

    /** Leading zeros accepted, extra tokens ignored (sscanf semantics, conmon-behaviour.md §6.1); the last valid request wins. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void ctlResizeLeadingZerosAndTrailingTokens(MonitorUnderTest m) {
        try (ConmonRun r = run(m, Fixtures.get().shTerminal(WAIT_FOR_SIZE + "; sleep 1; stty size")).k8sLog().args("-t")) {
            create(r);
            r.ctl("1 0010 0020\n");
            start(r);
            awaitLog(r, "10 20\r");
            r.ctl("1 22 44 99\n");
            assertEquals("0", r.awaitExitFile(T));
            assertEquals("10 20\r\n22 44\r\n", K8sLog.text(K8sLog.parse(r.logBytes()), "stdout"));
        }
    }

    /** External writers may write "H W" lines into BUNDLE/winsz directly (conmon-behaviour.md §6.2): applied to the pty as well. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void winszDirectWrite(MonitorUnderTest m) {
        try (ConmonRun r = run(m, Fixtures.get().shTerminal(WAIT_FOR_SIZE)).k8sLog().args("-t")) {
            create(r);
            int fd = Libc.C.open(r.dir.resolve("winsz").toString(), Libc.O_WRONLY | Libc.O_NONBLOCK | Libc.O_CLOEXEC, 0);
            assertTrue(fd >= 0, "open winsz for writing");
            try {
                byte[] b = "40 100\n".getBytes(StandardCharsets.US_ASCII);
                assertEquals(b.length, Libc.C.write(fd, b, b.length));
            } finally {
                Libc.C.close(fd);
            }
            start(r);
            assertEquals("0", r.awaitExitFile(T));
            assertEquals("40 100\r\n", K8sLog.text(K8sLog.parse(r.logBytes()), "stdout"));
        }
    }

    /**
     * Garbage on ctl ({@code foo}, {@code 1 2}, {@code 9 9 9}, {@code 1 2000 10}, a 300-byte line) is dropped; the
     * monitor keeps running and logging, and a later valid message ({@code 2 0 0}) still works.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void ctlGarbageIgnored(MonitorUnderTest m) throws IOException {
        try (ConmonRun r = run(m, Fixtures.get().sh("i=0; while [ $i -lt 40 ]; do echo tick$i; i=$((i+1)); sleep 0.1; done")).k8sLog()) {
            create(r);
            start(r);
            awaitLog(r, "tick1\n");
            for (String g : List.of("foo\n", "1 2\n", "9 9 9\n", "1 2000 10\n", "1 10.5 20.3\n", "x".repeat(300) + "\n")) {
                r.ctl(g);
                ConmonRun.sleep(100); // a slow writer on purpose: each line reaches the monitor in a read of its own
            }
            int mon = r.monitorPid();
            assertTrue(ConmonRun.alive(mon), "monitor alive after ctl garbage");
            String before = new String(r.logBytes(), StandardCharsets.ISO_8859_1);
            int lastTick = before.lastIndexOf("tick");
            assertTrue(lastTick > 0);
            awaitLog(r, "tick" + (Integer.parseInt(before.substring(lastTick + 4, before.indexOf('\n', lastTick))) + 2) + "\n");
            Object inode = Files.getAttribute(r.log, "unix:ino");
            r.ctl("2 0 0\n");
            long deadline = System.nanoTime() + T.toNanos();
            while (inode.equals(Files.getAttribute(r.log, "unix:ino"))) {
                assertTrue(System.nanoTime() < deadline, "log never reopened after a valid '2 0 0' following garbage");
                ConmonRun.sleep(20);
            }
            assertEquals("0", r.awaitExitFile(T));
            assertTrue(K8sLog.text(K8sLog.parse(r.logBytes()), "stdout").endsWith("tick39\n"), "logging went on after reopen");
        }
    }

    /** conmon-behaviour.md §14a case 15: {@code 2 0 0} in truncate mode replaces the log (new inode, size 0); later output lands there. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void ctlReopenReplacesLogFile(MonitorUnderTest m) throws IOException {
        try (ConmonRun r = run(m, Fixtures.get().sh("echo before; sleep 2; echo after")).k8sLog()) {
            create(r);
            start(r);
            awaitLog(r, "before\n");
            Object inode = Files.getAttribute(r.log, "unix:ino");
            r.ctl("2 0 0\n");
            long deadline = System.nanoTime() + 1_500_000_000L;
            while (inode.equals(Files.getAttribute(r.log, "unix:ino"))) {
                assertTrue(System.nanoTime() < deadline, "log not replaced within 1.5 s");
                ConmonRun.sleep(20);
            }
            assertEquals(0, Files.size(r.log), "reopened log is empty");
            assertNotEquals(inode, Files.getAttribute(r.log, "unix:ino"));
            assertEquals("0", r.awaitExitFile(T));
            assertEquals("after\n", K8sLog.text(K8sLog.parse(r.logBytes()), "stdout"), "new file holds only later output");
            System.out.println("[" + m + "] reopen: log mode " + mode(r.log) + ", dir " + list(r.dir));
        }
    }

    // ---------------------------------------------------------------- case 4: terminal

    /** -t: stdout and stderr both arrive as stream 2 with ONLCR; same bytes in the log (all "stdout"). */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void terminalOutputIsStream2WithCrLf(MonitorUnderTest m) {
        try (ConmonRun r = run(m, Fixtures.get().shTerminal("echo hi; sleep 0.1; echo err >&2; [ -t 0 ] && echo tty0")).k8sLog().args("-t")) {
            create(r);
            try (Attach a = r.attach()) {
                start(r);
                List<byte[]> p = a.readAll(T);
                assertTrue(p.stream().allMatch(x -> x[0] == 2), "terminal mode: only stream 2: " + Attach.describe(p));
                assertEquals("hi\r\nerr\r\ntty0\r\n", Attach.payload(p, 2));
            }
            assertEquals("0", r.awaitExitFile(T));
            List<K8sLog.Rec> recs = K8sLog.parse(r.logBytes());
            assertTrue(recs.stream().allMatch(x -> x.stream().equals("stdout")), K8sLog.stripped(recs).toString());
            assertEquals("hi\r\nerr\r\ntty0\r\n", K8sLog.text(recs, "stdout"));
        }
    }

    /**
     * -t: the container closes every pty slave fd (the master sees HUP), then opens /dev/console (the slave) again
     * later; the monitor keeps polling the master (2.x re-arms every 100 ms, conmon-behaviour.md §9.2) and logs the later output.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void terminalSlaveReopenedAfterHangup(MonitorUnderTest m) {
        try (ConmonRun r = run(m, Fixtures.get().shTerminal(
                "echo first; exec </dev/null >/dev/null 2>&1; sleep 0.6; echo second > /dev/console; sleep 0.2")).k8sLog().args("-t")) {
            create(r);
            start(r);
            assertEquals("0", r.awaitExitFile(T));
            assertEquals("first\r\nsecond\r\n", K8sLog.text(K8sLog.parse(r.logBytes()), "stdout"));
        }
    }

    /** -t with -i: input typed into the pty is echoed (the pty's ECHO, conmon sets no raw mode) and read by the shell. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void terminalInputReachesPty(MonitorUnderTest m) {
        try (ConmonRun r = run(m, Fixtures.get().shTerminal("read l; echo got-$l")).k8sLog().args("-t", "-i")) {
            create(r);
            try (Attach a = r.attach()) {
                a.send("abc\n"); // before start: held until the pty is there (or already is)
                start(r);
                List<byte[]> p = a.readAll(T);
                assertEquals("abc\r\ngot-abc\r\n", Attach.payload(p, 2), Attach.describe(p));
            }
            assertEquals("0", r.awaitExitFile(T));
        }
    }

    /** -t and a runtime that fails before connecting to the console socket: -1 with runc's own message. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void terminalRuntimeFailsBeforeConsole(MonitorUnderTest m) throws IOException {
        Fixtures.Bundle b = Fixtures.get().shTerminal("true");
        Files.delete(b.dir().resolve("config.json"));
        List<String> socketsBefore = leftoverConsoleSockets();
        try (ConmonRun r = run(m, b).k8sLog().args("-t")) {
            r.spawn().sendStart();
            assertEquals(0, r.waitLauncher(Duration.ofSeconds(10)));
            Json.SyncMessage msg = r.readSync(T);
            System.out.println("[" + m + "] terminal + runtime failure: " + msg.raw().strip());
            assertEquals(-1, msg.value(), msg.raw());
            assertTrue(msg.message() != null && msg.message().contains("JSON specification file config.json not found"), msg.raw());
            assertTrue(r.awaitMonitorGone(T));
            assertFalse(Files.exists(r.exitDir.resolve(r.cid)));
            List<String> left = new ArrayList<>(leftoverConsoleSockets());
            left.removeAll(socketsBefore);
            // Observed: 2.1.6 leaves its listening console socket /tmp/conmon-term.XXXXXX behind when the runtime fails
            // before connecting (srwx------, never unlinked). conmon-j must not litter /tmp.
            System.out.println("[" + m + "] console sockets left behind: " + left);
            for (String f : left) Files.deleteIfExists(Path.of(f));
            if (m.isConmonJ()) assertEquals(List.of(), left, "console socket removed after the runtime failed");
        }
    }

    static List<String> leftoverConsoleSockets() {
        List<String> out = new ArrayList<>();
        Path tmp = Path.of(System.getenv().getOrDefault("TMPDIR", "/tmp"));
        try (var s = Files.list(tmp)) {
            s.filter(p -> p.getFileName().toString().startsWith("conmon-term.") && !Files.isRegularFile(p))
                    .forEach(p -> out.add(p.toString()));
        } catch (IOException ignored) {
        }
        return out;
    }

    // ---------------------------------------------------------------- case 6: --socket-dir-path (conmon-behaviour.md §14a 14)

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void socketDirPathSymlinkWithoutFullAttach(MonitorUnderTest m) throws IOException {
        Fixtures.Bundle b = Fixtures.get().sh("echo via-link; sleep 0.5");
        Path sockDir = Files.createDirectories(b.dir().resolve("sockets"));
        List<String> argv = new ArrayList<>(ConmonRun.without(run(m, b).k8sLog().argv(), List.of("--full-attach", "-u")));
        String uuid = "u" + b.cid();
        argv.addAll(List.of("-u", uuid, "--socket-dir-path", sockDir.toString()));
        try (ConmonRun r = new ConmonRun(m, b).args(argv.toArray(String[]::new))) {
            create(r);
            Path link = sockDir.resolve(uuid);
            assertEquals("symlink", fileType(link));
            assertEquals(b.dir().toString(), Files.readSymbolicLink(link).toString(), "symlink target = BUNDLE");
            assertTrue(Files.exists(b.dir().resolve("attach")), "socket physically in BUNDLE");
            try (Attach a = Attach.connect(link.resolve("attach"))) {
                start(r);
                assertEquals("via-link\n", Attach.payload(a.readAll(T), 2));
            }
            assertEquals("0", r.awaitExitFile(T));
            assertTrue(r.awaitMonitorGone(T));
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (Files.isSymbolicLink(link) && System.nanoTime() < deadline) ConmonRun.sleep(20);
            System.out.println("[" + m + "] --socket-dir-path symlink after exit: " + fileType(link));
            // Observed: 2.1.6 leaves the symlink D/U -> BUNDLE behind after exit (still there 2 s later); the 2.2.x
            // contract (conmon-behaviour.md §5.1, §14a 14) removes it, and conmon-j follows 2.2.x.
            if (m.isConmonJ()) assertEquals("none", fileType(link), "symlink removed at exit");
            assertFalse(Files.exists(b.dir().resolve("attach")), "socket removed at exit");
        }
    }
}
