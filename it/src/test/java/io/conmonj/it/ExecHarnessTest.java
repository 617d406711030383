package io.conmonj.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue #3, exec sessions (conmon-behaviour.md §8, §14a cases 10–13) at harness level: a container runs under the reference
 * conmon (create + start), then a second monitor — the one under test — runs in exec mode against it with
 * Podman's exec argv, three pipes (sync, start, attach) and the two start bytes.
 */
class ExecHarnessTest {
    static final Duration T = Duration.ofSeconds(30);
    static final String MONITORS = "io.conmonj.it.MonitorUnderTest#monitors";

    /** The target container: {@code sleep 120} under the reference conmon, deleted by its close(). */
    static ConmonRun target() {
        ConmonRun c = new ConmonRun(MonitorUnderTest.reference(), Fixtures.get().sh("sleep 120")).podmanArgs().args("-l", "none");
        c.startContainer();
        return c;
    }

    /** An exec process spec file (runc exec --process) in execDir. */
    static Path spec(Path execDir, boolean terminal, String script) {
        String json = "{\"args\": " + Json.array(List.of("/bin/sh", "-c", script)) + ", \"cwd\": \"/\", \"terminal\": " + terminal
                + ", \"env\": [\"PATH=/usr/sbin:/usr/bin:/sbin:/bin\", \"TERM=xterm\"], \"user\": {\"uid\": 0, \"gid\": 0}}";
        try {
            Path p = execDir.resolve("exec-process-spec");
            Files.writeString(p, json);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path execDir(ConmonRun target) {
        try {
            return Files.createTempDirectory(target.dir, "exec-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Podman's exec argv (oci_conmon_exec_common.go, API 1): {@code -b EXECDIR}, exit files named after the
     * container ID, {@code -l none}, {@code -e --exec-attach --exec-process-spec}. The run's dir is EXECDIR.
     */
    static ConmonRun execRun(MonitorUnderTest m, ConmonRun target, Path execDir, Path spec, String... flags) {
        return execRun(m, target, execDir, spec, true, flags);
    }

    static ConmonRun execRun(MonitorUnderTest m, ConmonRun target, Path execDir, Path spec, boolean execAttach, String... flags) {
        ConmonRun r = new ConmonRun(m, new Fixtures.Bundle(target.cid, execDir)).keepContainer();
        String session = "s" + execDir.getFileName().toString().replace("-", "");
        r.args("--api-version", "1", "-c", target.cid, "-u", session, "-r", Fixtures.RUNC, "-b", execDir.toString(),
                "-p", execDir.resolve("exec_pid").toString(), "-n", "name-" + target.cid, "--exit-dir", r.exitDir.toString(),
                "--persist-dir", r.persistDir.toString(), "--full-attach", "-l", "none", "--log-level", "warning",
                "--runtime-arg", "--root", "--runtime-arg", Fixtures.get().runcRoot.toString());
        r.args(flags);
        r.args("-e");
        if (execAttach) r.args("--exec-attach");
        r.args("--exec-process-spec", spec.toString());
        return r.attachPipe();
    }

    /** Sync-pipe messages until EOF. */
    static List<String> syncUntilEof(ConmonRun r) {
        List<String> out = new ArrayList<>();
        for (String s; (s = r.readSyncRaw(T)) != null; ) out.add(s);
        return out;
    }

    static String readFile(Path p) {
        return ConmonRun.read(p);
    }

    // ---------------------------------------------------------------- conmon-behaviour.md §14a case 10

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void case10_execAttachStdinStdoutStderrExit7(MonitorUnderTest m) {
        m.requirePresent();
        try (ConmonRun ctr = target()) {
            Path ed = execDir(ctr);
            try (ConmonRun r = execRun(m, ctr, ed, spec(ed, false, "read l; echo out-$l; echo err >&2; exit 7"), "-i")) {
                r.spawn().sendStart();
                Json.SyncMessage ready = r.readAttachPipe(T);
                assertEquals("{\"data\": 0}\n", ready.raw().replace(":  ", ": "), "attach pipe: socket ready");
                assertTrue(Files.exists(ed.resolve("attach")), "attach socket in EXECDIR before {\"data\": 0}");
                assertTrue(Files.exists(ed.resolve("ctl")) && Files.exists(ed.resolve("winsz")), "ctl/winsz in EXECDIR");
                try (Attach a = r.attach()) {
                    // what is checked is an absence: a process started without start byte #2 is running by now
                    ConmonRun.sleep(200);
                    assertFalse(ConmonRun.alive(pidFromFile(ed.resolve("exec_pid"))), "process not started before start byte #2");
                    r.sendStart(); // start byte #2
                    Json.SyncMessage pid = r.readSync(T);
                    assertEquals("data", pid.key(), pid.raw());
                    assertTrue(pid.value() > 1, pid.raw());
                    assertEquals(Long.toString(pid.value()), readFile(ed.resolve("exec_pid")).strip(), "runc's exec pid file");
                    a.send("in\n");
                    List<byte[]> p = a.readAll(T);
                    assertEquals("out-in\n", Attach.payload(p, 2), Attach.describe(p));
                    assertEquals("err\n", Attach.payload(p, 3), Attach.describe(p));
                    assertTrue(p.stream().anyMatch(x -> new String(x, StandardCharsets.ISO_8859_1).equals("\u0002out-in\n")), Attach.describe(p));
                    assertTrue(p.stream().anyMatch(x -> new String(x, StandardCharsets.ISO_8859_1).equals("\u0003err\n")), Attach.describe(p));
                }
                Json.SyncMessage st = r.readSync(T);
                assertEquals("{\"data\": 7}\n", st.raw().replace(":  ", ": "), "exit status on the sync pipe");
                assertNull(r.readSyncRaw(T), "nothing after the status");
                assertEquals("7", r.awaitExitFile(T), "EXECDIR/exit/CTRID");
                assertEquals("7", ConmonRun.awaitFile(r.persistDir.resolve("exit"), T));
                assertEquals(0, r.waitLauncher(T), "launcher exit status");
                assertTrue(ConmonRun.alive(pidFromFile(ctr.dir.resolve("pidfile"))), "the container itself keeps running");
            }
        }
    }

    static long pidFromFile(Path p) {
        String s = ConmonRun.read(p).strip();
        return s.isEmpty() ? -1 : Long.parseLong(s);
    }

    // ---------------------------------------------------------------- conmon-behaviour.md §14a case 11

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void case11_execTerminalResizeBeforeStart(MonitorUnderTest m) {
        m.requirePresent();
        try (ConmonRun ctr = target()) {
            Path ed = execDir(ctr);
            // runc starts the process without waiting for the monitor to take the pty, so a process that runs
            // stty at its first instruction races with any monitor (the C conmon nearly always wins by being
            // faster; conmon-j applies the size in the callback that receives the pty). The process waits for a
            // size like a shell would; that the size set before start byte #2 is the one applied is checked.
            String script = Fixtures.WAIT_FOR_SIZE + "; echo err >&2; exit 3";
            try (ConmonRun r = execRun(m, ctr, ed, spec(ed, true, script), "-t")) {
                r.spawn().sendStart();
                assertEquals(0, r.readAttachPipe(T).value());
                try (Attach a = r.attach()) {
                    r.ctl("1 33 77\n"); // Podman's initial exec tty size, before start byte #2
                    r.sendStart();
                    assertTrue(r.readSync(T).value() > 1);
                    List<byte[]> p = a.readAll(T);
                    assertTrue(p.stream().allMatch(x -> x[0] == 2), "terminal: only stream 2: " + Attach.describe(p));
                    assertEquals("33 77\r\nerr\r\n", Attach.payload(p, 2), Attach.describe(p));
                }
                assertEquals("{\"data\": 3}\n", r.readSync(T).raw().replace(":  ", ": "));
                assertEquals("3", r.awaitExitFile(T));
            }
        }
    }

    /**
     * Exec with -t -i: input sent before start byte #2 (no pty yet: the runtime has not run) is held and flushed
     * into the pty once it arrives (conmon-behaviour.md §5.4); the pty echoes it (no raw mode), then the shell's answer follows.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void execTerminalInputHeldUntilPtyExists(MonitorUnderTest m) {
        m.requirePresent();
        try (ConmonRun ctr = target()) {
            Path ed = execDir(ctr);
            try (ConmonRun r = execRun(m, ctr, ed, spec(ed, true, "read l; echo got-$l"), "-t", "-i")) {
                r.spawn().sendStart();
                assertEquals(0, r.readAttachPipe(T).value());
                try (Attach a = r.attach()) {
                    a.send("abc\n");
                    // the scenario's order, input before the process exists; the case holds either way
                    ConmonRun.sleep(100);
                    r.sendStart();
                    assertTrue(r.readSync(T).value() > 1);
                    List<byte[]> p = a.readAll(T);
                    assertEquals("abc\r\ngot-abc\r\n", Attach.payload(p, 2), Attach.describe(p));
                }
                assertEquals("{\"data\": 0}\n", r.readSync(T).raw().replace(":  ", ": "));
                assertEquals("0", r.awaitExitFile(T));
            }
        }
    }

    // ---------------------------------------------------------------- conmon-behaviour.md §14a case 12: legacy exec

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void case12_legacyExecSingleExitCode(MonitorUnderTest m) throws IOException {
        m.requirePresent();
        try (ConmonRun ctr = target()) {
            Path ed = execDir(ctr);
            Path spec = spec(ed, false, "echo legacy; exit 4");
            try (ConmonRun r = new ConmonRun(m, new Fixtures.Bundle(ctr.cid, ed)).keepContainer()) {
                r.args("-c", ctr.cid, "-u", "legacy" + ctr.cid, "-r", Fixtures.RUNC, "-p", ed.resolve("exec_pid").toString(),
                        "--exit-dir", r.exitDir.toString(), "-l", "none", "--runtime-arg", "--root", "--runtime-arg",
                        Fixtures.get().runcRoot.toString(), "-e", "--exec-process-spec", spec.toString());
                r.spawn().sendStart();
                List<String> msgs = syncUntilEof(r);
                System.out.println("[" + m + "] legacy exec sync messages: " + msgs);
                assertEquals(List.of("{\"exit_code\": 4}\n"), msgs.stream().map(x -> x.replace(":  ", ": ")).toList(),
                        "a single exit_code message, no pid");
                assertEquals("4", r.awaitExitFile(T));
                for (String f : List.of("attach", "ctl", "winsz"))
                    assertFalse(Files.exists(ed.resolve(f)), "legacy exec without -b: no " + f);
                assertEquals(0, r.waitLauncher(T));
            }
        }
    }

    // ---------------------------------------------------------------- conmon-behaviour.md §14a case 13: --sync exec

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void case13_syncExecExitStatusAndNoPidfile(MonitorUnderTest m) {
        m.requirePresent();
        try (ConmonRun ctr = target()) {
            Path ed = execDir(ctr);
            try (ConmonRun r = execRun(m, ctr, ed, spec(ed, false, "sleep 0.3; exit 9"), "--sync", "--conmon-pidfile",
                    ed.resolve("conmon.pid").toString())) {
                r.spawn().sendStart();
                assertEquals(0, r.readAttachPipe(T).value());
                r.sendStart();
                assertTrue(r.readSync(T).value() > 1);
                assertFalse(r.launcherExited(), "--sync: the launcher is the monitor");
                assertEquals(9, r.waitLauncher(T), "--sync: monitor exit status = exec status");
                assertEquals("9", r.awaitExitFile(Duration.ofSeconds(5)));
                assertFalse(Files.exists(ed.resolve("conmon.pid")), "--sync does not write -P");
            }
        }
    }

    // ---------------------------------------------------------------- exec timeout (conmon-behaviour.md §10.6)

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void execTimeoutKillsProcessAndReportsMinusOne(MonitorUnderTest m) {
        m.requirePresent();
        try (ConmonRun ctr = target()) {
            Path ed = execDir(ctr);
            try (ConmonRun r = execRun(m, ctr, ed, spec(ed, false, "echo started; sleep 10"), "-T", "1")) {
                r.spawn().sendStart();
                assertEquals(0, r.readAttachPipe(T).value());
                long t0;
                long pid;
                try (Attach a = r.attach()) {
                    r.sendStart();
                    t0 = System.nanoTime();
                    pid = r.readSync(T).value();
                    assertTrue(pid > 1);
                    List<byte[]> p = a.readAll(T);
                    System.out.println("[" + m + "] exec -T 1 attach packets: " + Attach.describe(p));
                }
                List<String> msgs = syncUntilEof(r);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                String exit = r.awaitExitFile(T);
                System.out.println("[" + m + "] exec -T 1: sync after pid " + msgs + ", exit file " + exit + ", after " + ms
                        + " ms, launcher " + r.waitLauncher(T));
                assertEquals(List.of("{\"data\": -1, \"message\": \"command timed out\"}\n"),
                        msgs.stream().map(x -> x.replace(":  ", ": ")).toList());
                assertEquals("-1", exit);
                assertTrue(ms < 8000, "timed out after " + ms + " ms");
                Await.until("the exec'd process killed", Duration.ofSeconds(5), () -> !ConmonRun.alive(pid));
            }
        }
    }

    // ---------------------------------------------------------------- exec without --exec-attach (podman exec -d)

    /**
     * API 1 exec without {@code --exec-attach} (Podman's detached exec; the attach pipe is still passed): one
     * start byte runs the process, sync gets the PID then the status, exit file written; nothing on the attach pipe.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void execWithoutExecAttachSingleStartByte(MonitorUnderTest m) throws IOException {
        m.requirePresent();
        try (ConmonRun ctr = target()) {
            Path ed = execDir(ctr);
            try (ConmonRun r = execRun(m, ctr, ed, spec(ed, false, "echo detached-out; exit 5"), false)) {
                r.spawn().sendStart();
                Json.SyncMessage pid = r.readSync(T);
                assertEquals("data", pid.key(), pid.raw());
                assertTrue(pid.value() > 1, pid.raw());
                assertEquals("{\"data\": 5}\n", r.readSync(T).raw().replace(":  ", ": "));
                assertNull(r.readSyncRaw(T));
                assertEquals("5", r.awaitExitFile(T));
                assertTrue(r.awaitMonitorGone(T));
                System.out.println("[" + m + "] exec without --exec-attach: EXECDIR " + Fixtures.list(ed));
            }
        }
    }
}
