package io.conmonj.it;

import static io.conmonj.it.PrivatePodman.IMG;
import static io.conmonj.it.PrivatePodman.name;
import static io.conmonj.it.PrivatePodman.podman;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Native;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hibernation (issue 12, docs/reliability.md): a conmon-j monitor idle for {@code CONMONJ_HIBERNATE} seconds hands the
 * fds it watches to the guardian and its JVM exits; the guardian starts a new JVM at the first event (output, an attach
 * connection, the container's exit). Every case runs under {@code CONMONJ_HIBERNATE=2} ({@code conmon_env_vars}), so
 * a case waits seconds, not the default 10.
 *
 * <p>What Podman sees must not change: where a case makes sense for the C conmon (idle then output, {@code podman
 * stop}, an exit while idle, attach, a burst) it runs against both monitors with the same assertions, and only the
 * process-level ones (the JVM gone, only the guardian left, a JVM again after the event) are conmon-j's. The setting
 * itself and who is eligible are conmon-j only.
 *
 * <p>The container is idle by construction: it waits for a trigger file in a bind-mounted directory of the test
 * ({@code until [ -e /t/go ]; do sleep 0.1; done}), which writes nothing the monitor would see.
 */
@ExtendWith(PodmanEnvironment.class)
class HibernationPodmanTest {
    static final String MONITORS = "io.conmonj.it.MonitorUnderTest#monitors";
    static final String WHY = "hibernation is conmon-j's: the C conmon has no JVM to hand its container over";
    static final String ENV = "CONMONJ_HIBERNATE=";
    /** The idle period every case runs with (seconds). */
    static final int PERIOD_S = 2;
    /** From the last event to the JVM's exit: up to two periods, plus a loaded shared machine's margin. */
    static final Duration HIBERNATE_BOUND = Duration.ofSeconds(20);
    /** From the event to a running JVM (the guardian forks and execs a JVM). */
    static final Duration WAKE_BOUND = Duration.ofSeconds(20);
    /** From the container's exit to `podman wait` returning (as MonitorKillPodmanTest). */
    static final int EXIT_BOUND_S = 10;
    /** Waits for the trigger file {@code /t/NAME}, silently. */
    static final String AWAIT_TRIGGER = "until [ -e /t/%s ]; do sleep 0.1; done; ";

    // ---------------------------------------------------------------- 1. idle, then output

    /**
     * An idle container's monitor JVM exits, the guardian (still Podman's ConmonPid) alone holds the container, which
     * `podman ps` shows Up; output written later reaches the k8s-file log complete and in order, and a JVM runs again.
     * The resumed JVM hibernates again and wakes again for the next output.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void idleMonitorHibernatesAndWakesForLaterOutput(MonitorUnderTest m) throws Exception {
        hibernating(m, "idle", List.of(), "echo first; " + trigger("go1")
                + "echo second; echo err-second >&2; seq 1 100 | sed 's/^/line/'; "
                + trigger("go2") + "echo third; sleep 600", (c, t) -> {
            byte[] before = c.awaitLog("first", 20_000);
            long guardian = c.conmonPid();
            idle(c);
            assertTrue(c.psStatus().startsWith("Up"), "podman ps while idle: " + c.psStatus());
            // `podman exec` has a monitor of its own: it works, and the container's monitor sleeps on
            assertEquals("via-exec\n", podman(m, "exec", c.name, "echo", "via-exec").out(), "podman exec while idle");
            if (m.isConmonJ()) {
                assertEquals(List.of(Long.parseLong(c.inspect("{{.State.Pid}}"))), MonitorProcesses.children(guardian),
                        "still only the container below the guardian: the exec did not wake the monitor");
            }

            touch(t, "go1");
            awaitPodmanLogs(c, "line100\n");
            woken(c, guardian);
            c.assertLogKeeps(before);

            idle(c); // the resumed JVM hibernates in turn
            assertTrue(c.psStatus().startsWith("Up"), "podman ps while idle again: " + c.psStatus());
            touch(t, "go2");
            awaitPodmanLogs(c, "third\n");
            woken(c, guardian);

            StringBuilder out = new StringBuilder("first\nsecond\n");
            for (int i = 1; i <= 100; i++) out.append("line").append(i).append('\n');
            out.append("third\n");
            List<K8sLog.Rec> recs = K8sLog.parse(Files.readAllBytes(c.logPath()));
            assertEquals(out.toString(), K8sLog.text(recs, "stdout"), "stdout in the k8s-file log, in order");
            assertEquals("err-second\n", K8sLog.text(recs, "stderr"), "stderr in the k8s-file log");
            Fixtures.Proc logs = podman(m, "logs", c.name);
            assertEquals(out.toString(), logs.out(), "podman logs stdout");
            assertEquals("err-second\n", logs.err(), "podman logs stderr");
            assertEquals(guardian, c.conmonPid(), "Podman's ConmonPid is still the guardian");
        });
    }

    // ---------------------------------------------------------------- 2. podman stop

    /**
     * `podman stop` of a hibernated container: its trap's status (5) is recorded, `podman ps -a` shows it, the exit
     * command ran (Podman's cleanup: the container is `exited`, not left `stopping`; observed with both monitors:
     * two cleanup events, `podman stop`'s own and the exit command's), all within a bound.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void podmanStopOfAHibernatedContainerRecordsItsStatus(MonitorUnderTest m) throws Exception {
        hibernating(m, "stop", List.of(), "trap 'echo got-term; exit 5' TERM; echo ready; while :; do sleep 0.1; done",
                (c, t) -> {
            c.awaitLog("ready", 20_000);
            long guardian = c.conmonPid();
            idle(c);
            long started = System.nanoTime();
            // -t 30: a TERM that is not delivered would show as 30 s and status 137, not 5
            Fixtures.Proc stop = PrivatePodman.exec(PrivatePodman.cmd(m, "stop", "-t", "30", c.name), 60);
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            assertEquals(0, stop.status(), "podman stop: " + stop.err());
            assertTrue(tookMs < EXIT_BOUND_S * 1000L, "podman stop took " + tookMs + " ms");
            assertEquals("5", c.waitBounded(EXIT_BOUND_S), "podman wait");
            assertTrue(c.psStatus().startsWith("Exited (5)"), "podman ps -a: " + c.psStatus());
            assertEquals("exited 5", c.inspect("{{.State.Status}} {{.State.ExitCode}}"), "podman inspect");
            assertEquals("ready\ngot-term\n", podman(m, "logs", c.name).out(), "podman logs");
            awaitCleanupEvents(c, 2);
            if (m.isConmonJ()) {
                Await.until("the guardian " + guardian + " exited", Duration.ofSeconds(EXIT_BOUND_S),
                        () -> !ConmonRun.alive(guardian));
            }
        });
    }

    // ---------------------------------------------------------------- 3. the container exits while hibernated

    /**
     * A container that exits by itself while its monitor hibernates: `podman wait` returns its status, the log is
     * complete, and the exit command ran: one cleanup event (nothing else cleans up a container that exited by itself),
     * and a `--rm` container next to it is removed (only the exit command, `podman container cleanup --rm`, removes it).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void aContainerExitingWhileHibernatedKeepsItsStatusAndLog(MonitorUnderTest m) throws Exception {
        Path t = PrivatePodman.freshDir(name(m, "hib-exit-trigger"));
        hibernating(m, "exit", t, List.of(), "echo first; " + trigger("go") + "exit 7", c -> {
            try (FaultContainer rm = FaultContainer.run(m, "hib-exit-rm", List.of("--rm", "-v", t + ":/t"),
                    "echo first; " + trigger("go") + "echo last; exit 7")) {
                c.awaitLog("first", 20_000);
                rm.awaitLog("first", 20_000);
                idle(c, rm);
                touch(t, "go");

                assertEquals("7", c.waitBounded(EXIT_BOUND_S), "podman wait");
                assertTrue(c.psStatus().startsWith("Exited (7)"), "podman ps -a: " + c.psStatus());
                List<K8sLog.Rec> recs = K8sLog.parse(Files.readAllBytes(c.logPath()));
                assertEquals("first\n", K8sLog.text(recs, "stdout"), "the k8s-file log");
                assertEquals("first\n", podman(m, "logs", c.name).out(), "podman logs");
                awaitCleanupEvents(c, 1);

                Await.until("the --rm container removed by its exit command", Duration.ofSeconds(EXIT_BOUND_S),
                        () -> podman(m, "container", "exists", rm.name).status() == 1);
            }
        });
    }

    // ---------------------------------------------------------------- 4. attach

    /**
     * An attach client connecting to a hibernated container (its connection waits in the listen backlog; for conmon-j
     * it wakes the monitor) receives what the container writes afterwards. Once it has left, the monitor hibernates
     * again (a connected client keeps it awake), and a second client connecting then gets what follows, then EOF at the
     * container's exit. The container writes a line every 0.1 s until told to stop, so a client accepted a little
     * after the wake misses nothing the case asserts.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void anAttachClientOfAHibernatedContainerGetsLaterOutput(MonitorUnderTest m) throws Exception {
        hibernating(m, "attach", List.of(), "echo first; " + trigger("go")
                + "until [ -e /t/stop ]; do echo tick; sleep 0.1; done; " + trigger("end")
                + "until [ -e /t/fin ]; do echo tock; sleep 0.1; done; exit 3", (c, t) -> {
            c.awaitLog("first", 20_000);
            long guardian = c.conmonPid();
            Path socket = Path.of(c.inspect("{{.StaticDir}}"), "attach");
            idle(c);
            try (Attach a = Attach.connect(socket)) {
                woken(c, guardian); // the connection alone woke the monitor
                touch(t, "go");
                String stdout = Attach.payload(a.readUntil(2, "tick\n", Duration.ofSeconds(20)), 2);
                assertTrue(Pattern.matches("(tick\n)+", stdout),
                        "attach stdout: what was written after attaching, nothing before: " + Json.quote(stdout));
                touch(t, "stop");
            }
            idle(c); // the client left: nothing keeps the monitor awake
            try (Attach second = Attach.connect(socket)) {
                woken(c, guardian);
                touch(t, "end");
                List<byte[]> got = new ArrayList<>(second.readUntil(2, "tock\n", Duration.ofSeconds(20)));
                touch(t, "fin");
                got.addAll(second.readAll(Duration.ofSeconds(EXIT_BOUND_S + 10)));
                String stdout = Attach.payload(got, 2);
                assertTrue(Pattern.matches("(tock\n)+", stdout), "the second client's stdout, then EOF: " + Json.quote(stdout));
                assertEquals("", Attach.payload(got, 3), "attach stderr");
            }
            assertEquals("3", c.waitBounded(EXIT_BOUND_S), "podman wait");
            String logs = podman(m, "logs", c.name).out();
            assertTrue(Pattern.matches("first\n(tick\n)+(tock\n)+", logs), "podman logs: " + Json.quote(logs));
        });
    }

    // ---------------------------------------------------------------- podman rm -f

    /**
     * `podman rm -f` of a hibernated container (the runtime kills it; for conmon-j the guardian reaps it and a
     * resumed JVM ends the monitor): the container is gone and no process of its monitor is left.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void podmanRmOfAHibernatedContainerLeavesNoProcess(MonitorUnderTest m) throws Exception {
        hibernating(m, "rm", List.of(), "echo first; sleep 600", (c, t) -> {
            c.awaitLog("first", 20_000);
            String id = c.inspect("{{.Id}}");
            long conmon = c.conmonPid();
            idle(c);
            Fixtures.Proc rm = PrivatePodman.exec(PrivatePodman.cmd(m, "rm", "-f", "-t", "0", c.name), 60);
            assertEquals(0, rm.status(), "podman rm -f: " + rm.err());
            assertEquals(1, podman(m, "container", "exists", c.name).status(), "the container is gone");
            Await.value("no process of the container's monitor left", Duration.ofSeconds(EXIT_BOUND_S),
                    () -> PrivatePodman.processesUsingStore().stream().map(PrivatePodman::cmdline)
                            .filter(cmd -> cmd.contains(id)).toList(), List::isEmpty);
            assertFalse(ConmonRun.alive(conmon), "ConmonPid " + conmon + " exited");
        });
    }

    // ---------------------------------------------------------------- signals to the guardian

    /**
     * SIGTERM to Podman's ConmonPid (what a service manager sends) while the monitor hibernates reaches the container,
     * as conmon forwards it: the trap's status and output are recorded.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void aSigtermToTheHibernatedMonitorReachesTheContainer(MonitorUnderTest m) throws Exception {
        hibernating(m, "sigterm", List.of(), "trap 'echo got-term; exit 5' TERM; echo ready; while :; do sleep 0.1; done",
                (c, t) -> {
            c.awaitLog("ready", 20_000);
            int conmon = c.conmonPid();
            idle(c);
            assertEquals(0, Libc.C.kill(conmon, 15), "kill -TERM " + conmon);
            assertEquals("5", c.waitBounded(EXIT_BOUND_S), "podman wait");
            assertTrue(c.psStatus().startsWith("Exited (5)"), "podman ps -a: " + c.psStatus());
            assertEquals("ready\ngot-term\n", podman(m, "logs", c.name).out(), "podman logs");
        });
    }

    // ---------------------------------------------------------------- the resumed monitor killed

    /**
     * The resumed JVM is "the monitor" like the first: SIGKILLed, the guardian takes the container over as
     * MonitorKillPodmanTest shows for the first JVM (the status, every line, the reason in the log). conmon-j only:
     * the C conmon has no resumed monitor (and loses the status when killed, MonitorKillPodmanTest).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void aResumedMonitorKilledIsTakenOverByTheGuardian(MonitorUnderTest m) throws Exception {
        m.onlyConmonJ(WHY);
        hibernating(m, "kill-resumed", List.of(), "echo first; " + trigger("go1") + "echo second; " + trigger("go2")
                + "echo third; exit 7", (c, t) -> {
            c.awaitLog("first", 20_000);
            long guardian = c.conmonPid();
            idle(c);
            touch(t, "go1");
            awaitPodmanLogs(c, "second\n");
            woken(c, guardian);
            long resumed = jvmOf(c);
            assertEquals(0, Libc.C.kill((int) resumed, Libc.SIGKILL), "kill -KILL " + resumed);
            touch(t, "go2");
            assertEquals("7", c.waitBounded(EXIT_BOUND_S), "podman wait");
            assertTrue(c.psStatus().startsWith("Exited (7)"), "podman ps -a: " + c.psStatus());
            String logs = c.podmanLogs();
            assertTrue(logs.startsWith("first\nsecond\n") && logs.contains("third\n"), "every line: " + logs);
            assertTrue(logs.contains("killed by signal 9"), "the reason is visible in podman logs: " + logs);
        });
    }

    // ---------------------------------------------------------------- the log's directory gone while hibernated

    /**
     * The log's directory deleted while the monitor hibernates: the resumed JVM cannot reopen the log and says why
     * (conmon-j: "cannot resume the hibernated monitor: ..."), the guardian keeps the container, and its real status
     * reaches Podman, as with the C conmon, which keeps writing into the unlinked file (LogStorageFaultPodmanTest).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void theLogDirectoryDeletedWhileHibernatedKeepsTheStatus(MonitorUnderTest m) throws Exception {
        Path dir = PrivatePodman.freshDir(name(m, "hib-logdir"));
        Path diagnostics = PrivatePodman.fresh(name(m, "hib-logdir.diag"));
        hibernating(m, "logdir", List.of("CONMONJ_DIAGNOSTICS_FILE=" + diagnostics), List.of("--log-opt", "path=" + dir.resolve("ctr.log")),
                "echo first; " + trigger("go") + "echo second; " + trigger("end") + "exit 5", (c, t) -> {
            c.awaitLog("first", 20_000);
            idle(c);
            Fixtures.rmrf(dir);
            touch(t, "go");
            if (m.isConmonJ()) {
                String diag = Await.value("the resumed monitor's reason in " + diagnostics, WAKE_BOUND,
                        () -> Files.exists(diagnostics) ? Files.readString(diagnostics) : "",
                        d -> d.contains("cannot resume the hibernated monitor"));
                assertTrue(diag.contains("cannot resume the hibernated monitor: Failed to open log file"), "the reason: " + diag);
                assertTrue(diag.contains("the guardian keeps container process"), "the guardian's take-over: " + diag);
            }
            touch(t, "end");
            assertEquals("5", c.waitBounded(EXIT_BOUND_S), "podman wait");
            assertTrue(c.psStatus().startsWith("Exited (5)"), "podman ps -a: " + c.psStatus());
        });
    }

    // ---------------------------------------------------------------- 5. a burst after hibernation

    /**
     * 5 MB written at once into a hibernated monitor's pipe (64 KiB: the container blocks until the resumed JVM
     * reads): every byte reaches the k8s-file log, in order, the long line as partial records.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void aBurstAfterHibernationArrivesByteForByte(MonitorUnderTest m) throws Exception {
        int lines = 5000, pad = 993, longLine = 300_000;
        hibernating(m, "burst", List.of(), "echo first; pad=$(head -c " + pad + " /dev/zero | tr '\\0' x); " + trigger("go")
                + "seq 100001 " + (100000 + lines) + " | sed \"s/\\$/ $pad/\"; head -c " + longLine
                + " /dev/zero | tr '\\0' y; echo; echo err-end >&2; echo end; " + trigger("done") + "exit 0", (c, t) -> {
            byte[] before = c.awaitLog("first", 20_000);
            long guardian = c.conmonPid();
            idle(c);
            touch(t, "go");
            woken(c, guardian);
            c.awaitLog("stdout F end\n", 60_000); // the burst is in; the container exits at "done"
            touch(t, "done");
            assertEquals("0", c.waitBounded(EXIT_BOUND_S), "podman wait");

            StringBuilder out = new StringBuilder("first\n");
            String padding = "x".repeat(pad);
            for (int i = 100001; i <= 100000 + lines; i++) out.append(i).append(' ').append(padding).append('\n');
            out.append("y".repeat(longLine)).append('\n').append("end\n");
            c.assertLogKeeps(before);
            List<K8sLog.Rec> recs = K8sLog.parse(Files.readAllBytes(c.logPath()));
            String stdout = K8sLog.text(recs, "stdout");
            assertEquals(out.length(), stdout.length(), "stdout bytes in the k8s-file log");
            assertTrue(out.toString().equals(stdout), "stdout in the k8s-file log differs at byte " + firstDifference(out.toString(), stdout));
            assertEquals("err-end\n", K8sLog.text(recs, "stderr"), "stderr in the k8s-file log");
            assertTrue(recs.stream().anyMatch(r -> r.tag() == 'P'), "the long line as partial records");
        });
    }

    // ---------------------------------------------------------------- the log's size limit across a hibernation

    /**
     * {@code --log-opt max-size} (conmon's {@code --log-size-max}: the file is truncated when the next record would
     * pass it): a monitor resumed after hibernating counts the bytes already in the file, so the limit falls where it
     * falls for a monitor that never slept: 6 KB before, 6 KB after a 10 KiB limit truncate once, losing the first part.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void theLogSizeLimitCountsWhatWasWrittenBeforeHibernating(MonitorUnderTest m) throws Exception {
        String line = "echo $(head -c 1000 /dev/zero | tr '\\0' %s); ";
        hibernating(m, "maxsize", List.of("--log-opt", "max-size=10k"), "echo first; " + String.format(line, "a").repeat(6)
                + trigger("go") + String.format(line, "b").repeat(6) + "echo last; sleep 600", (c, t) -> {
            c.awaitLog("first", 20_000);
            Await.until("six lines in the log", Duration.ofSeconds(20),
                    () -> Files.readString(c.logPath()).split("stdout F a", -1).length == 7);
            assertTrue(Files.size(c.logPath()) > 6000, "6 KB before the idle period: " + Files.size(c.logPath()));
            idle(c);
            touch(t, "go");
            awaitPodmanLogs(c, "last\n");
            long size = Files.size(c.logPath());
            assertTrue(size <= 10 * 1024, "the file stays within the limit: " + size);
            String logs = c.podmanLogs();
            assertFalse(logs.contains("first\n"), "truncated once the limit was reached: " + logs.length() + " bytes");
            assertTrue(logs.endsWith("b".repeat(1000) + "\nlast\n"), "the lines after the truncation are kept");
        });
    }

    // ---------------------------------------------------------------- a restart policy

    /**
     * {@code --restart on-failure:1}: a container failing while its monitor hibernates is restarted by Podman's exit
     * command ({@code podman container cleanup} applies the policy), once; the restarted run fails at once (its trigger
     * exists) and stays exited.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void aRestartPolicyAppliesToAContainerFailingWhileHibernated(MonitorUnderTest m) throws Exception {
        hibernating(m, "restart", List.of("--restart", "on-failure:1"), "echo run; " + trigger("go") + "exit 3", (c, t) -> {
            c.awaitLog("run", 20_000);
            idle(c);
            touch(t, "go");
            Await.value("the restart count of " + c.name, Duration.ofSeconds(EXIT_BOUND_S + 10),
                    () -> c.inspect("{{.RestartCount}} {{.State.Status}}"), v -> v.equals("1 exited"));
            assertTrue(c.psStatus().startsWith("Exited (3)"), "podman ps -a: " + c.psStatus());
            assertEquals("run\nrun\n", podman(m, "logs", c.name).out(), "podman logs: both runs");
        });
    }

    // ---------------------------------------------------------------- a symbolic link planted at the log path

    /**
     * An attack while the monitor hibernates: the k8s-file log replaced by a symbolic link to a file elsewhere (root's,
     * mode 0600), by someone who may write to the log's directory but not to that file. The C conmon never reopens
     * its log by name on its own: it keeps writing into its open, now unlinked file. Hibernation must not add such a
     * reopen through the link: the target keeps its bytes and mode, and the container's real status reaches Podman.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void aSymlinkPlantedAtTheLogPathWhileHibernatedIsNotFollowed(MonitorUnderTest m) throws Exception {
        Path dir = PrivatePodman.freshDir(name(m, "hib-logsymlink"));
        Path target = PrivatePodman.fresh(name(m, "hib-symlink-target"));
        Files.writeString(target, "untouched\n");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
        Path log = dir.resolve("ctr.log");
        hibernating(m, "logsymlink", List.of(), List.of("--log-opt", "path=" + log),
                "echo first; " + trigger("go") + "echo second; sleep 1; exit 5", (c, t) -> {
            c.awaitLog("first", 20_000);
            idle(c);
            Files.delete(log);
            Files.createSymbolicLink(log, target);
            touch(t, "go");
            assertEquals("5", c.waitBounded(EXIT_BOUND_S), "podman wait");
            assertTrue(c.psStatus().startsWith("Exited (5)"), "podman ps -a: " + c.psStatus());
            assertEquals("untouched\n", Files.readString(target), "the link's target keeps its bytes");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)), "and its mode");
            assertTrue(Files.isSymbolicLink(log), "the planted link is left as it was");
        });
    }

    // ---------------------------------------------------------------- a ctl message while hibernated

    /**
     * A message on the ctl FIFO (a resize, which a container without a terminal ignores) wakes a hibernated conmon-j
     * monitor; it handles it and hibernates again, and the container's later output is logged as before.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void aCtlMessageWakesTheMonitorWhichSleepsAgain(MonitorUnderTest m) throws Exception {
        m.onlyConmonJ(WHY);
        hibernating(m, "ctl", List.of(), "echo first; " + trigger("go") + "echo second; sleep 600", (c, t) -> {
            c.awaitLog("first", 20_000);
            long guardian = c.conmonPid();
            idle(c);
            Path ctl = Path.of(c.inspect("{{.StaticDir}}"), "ctl");
            // as Podman opens it: O_WRONLY|O_NONBLOCK, which fails with ENXIO if nobody holds the read end
            int fd = Libc.C.open(ctl.toString(), Libc.O_WRONLY | Libc.O_NONBLOCK | Libc.O_CLOEXEC, 0);
            assertTrue(fd >= 0, "open " + ctl + " while hibernated: errno " + Native.getLastError());
            try {
                byte[] line = "1 40 100\n".getBytes(StandardCharsets.US_ASCII);
                assertEquals(line.length, Libc.C.write(fd, line, line.length), "ctl write");
            } finally {
                Libc.C.close(fd);
            }
            woken(c, guardian);
            idle(c);
            touch(t, "go");
            awaitPodmanLogs(c, "second\n");
            assertEquals("first\nsecond\n", podman(m, "logs", c.name).out(), "podman logs");
        });
    }

    // ---------------------------------------------------------------- OOM while hibernated

    /**
     * The memory cgroup's OOM killer ends a hibernated container (cgroup v1 here, as PodmanTest's OOM case): status
     * 137 for both monitors; conmon-j also reports it ({@code OOMKilled}, from the OOM watch it handed to the guardian
     * with its counters); the reference 2.1.6 does not on this host (PodmanTest#oomKillExit137AndOomKilledForConmonJ).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void anOomKillWhileHibernatedIsReported(MonitorUnderTest m) throws Exception {
        hibernating(m, "oom", List.of("--memory", "8m", "--memory-swap", "8m"), "echo first; " + trigger("go") + "tail /dev/zero",
                (c, t) -> {
            c.awaitLog("first", 20_000);
            idle(c);
            touch(t, "go");
            assertEquals("137", c.waitBounded(EXIT_BOUND_S), "podman wait");
            assertTrue(c.psStatus().startsWith("Exited (137)"), "podman ps -a: " + c.psStatus());
            if (m.isConmonJ()) {
                assertEquals("true", c.inspect("{{.State.OOMKilled}}"), "podman inspect OOMKilled");
            }
        });
        Files.deleteIfExists(PrivatePodman.base.resolve("cwd/oom")); // the reference's stray file (PodmanTest)
    }

    /**
     * A burst written just before the container exits while hibernated: the container ends while the resumed JVM is
     * still reading (conmon-j: the guardian reaps it and tells that JVM), and still every byte and the status arrive.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void aBurstThenAnExitWhileHibernatedKeepsEveryByteAndTheStatus(MonitorUnderTest m) throws Exception {
        int lines = 2000, pad = 993;
        hibernating(m, "burst-exit", List.of(), "echo first; pad=$(head -c " + pad + " /dev/zero | tr '\\0' x); "
                + trigger("go") + "seq 100001 " + (100000 + lines) + " | sed \"s/\\$/ $pad/\"; exit 9", (c, t) -> {
            c.awaitLog("first", 20_000);
            idle(c);
            touch(t, "go");
            assertEquals("9", c.waitBounded(EXIT_BOUND_S), "podman wait");
            assertTrue(c.psStatus().startsWith("Exited (9)"), "podman ps -a: " + c.psStatus());
            StringBuilder out = new StringBuilder("first\n");
            String padding = "x".repeat(pad);
            for (int i = 100001; i <= 100000 + lines; i++) out.append(i).append(' ').append(padding).append('\n');
            String stdout = K8sLog.text(K8sLog.parse(Files.readAllBytes(c.logPath())), "stdout");
            assertEquals(out.length(), stdout.length(), "stdout bytes in the k8s-file log");
            assertTrue(out.toString().equals(stdout), "stdout differs at byte " + firstDifference(out.toString(), stdout));
        });
    }

    // ---------------------------------------------------------------- 6. the setting

    /** {@code off}: the monitor JVM stays, while a container started next to it with a period hibernates. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void offKeepsTheJvm(MonitorUnderTest m) throws Exception {
        m.onlyConmonJ(WHY);
        try (FaultContainer off = startUnder(m, "off", ENV + "off", List.of())) {
            long jvm = jvmOf(off);
            assertKeptWhileAnotherHibernates(m, List.of(off), List.of(jvm));
        }
    }

    /**
     * A value other than {@code off} or a number of seconds from 1 to a day (86400; more is a mistyped unit) fails
     * `podman run` with the setting and what it accepts.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void aBadValueFailsTheStartNamingTheSetting(MonitorUnderTest m) throws IOException {
        m.onlyConmonJ(WHY);
        for (String bad : List.of("abc", "0", "-1", "86401")) {
            String n = name(m, "hib-bad");
            PrivatePodman.withConmonEnv(List.of(ENV + bad), () -> {
                try {
                    Fixtures.Proc p = podman(m, "run", "--name", n, "--network", "none", IMG, "echo", "must-not-run");
                    assertNotEquals(0, p.status(), "podman run with " + ENV + bad + " must fail: " + p);
                    assertTrue(p.err().contains(ENV + bad + ": expected \"off\" or a number of idle seconds from 1 to 86400"),
                            "the reason reaches podman's stderr: " + p.err());
                    assertFalse(p.out().contains("must-not-run"), "the container did not run: " + p.out());
                } finally {
                    podman(m, "rm", "-f", "-t", "0", n);
                }
                return null;
            });
        }
    }

    // ---------------------------------------------------------------- 7. not eligible

    /**
     * A container with stdin ({@code -i}) or a terminal ({@code -t}), and one whose `podman run` is attached (an attach
     * client connected), keep their monitor JVMs, while a plain container started after them under the same setting
     * hibernates.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void stdinTerminalOrAnAttachedClientKeepsTheJvm(MonitorUnderTest m) throws Exception {
        m.onlyConmonJ(WHY);
        String attachedName = name(m, "hib-attached");
        podman(m, "rm", "-f", "-t", "0", attachedName);
        try (FaultContainer in = startUnder(m, "stdin", ENV + PERIOD_S, List.of("-i"));
             FaultContainer tty = startUnder(m, "tty", ENV + PERIOD_S, List.of("-t"));
             FaultContainer attached = FaultContainer.attach(m, attachedName)) {
            // the private containers.conf must stay until Podman has started the monitor: awaited inside
            PrivatePodman.Running run = PrivatePodman.withConmonEnv(List.of(ENV + PERIOD_S), () -> {
                PrivatePodman.Running r = PrivatePodman.start(PrivatePodman.cmd(m, "run", "--name", attachedName,
                        "--network", "none", "--log-driver", "k8s-file", IMG, "sh", "-c", "echo up; sleep 600"));
                Await.until("the attached container running", Duration.ofSeconds(20), () -> podman(m, "ps",
                        "--filter", "name=^" + attachedName + "$", "--format", "{{.Status}}").out().startsWith("Up"));
                return r;
            });
            try {
                attached.awaitLog("up", 20_000);
                assertKeptWhileAnotherHibernates(m, List.of(in, tty, attached), List.of(jvmOf(in), jvmOf(tty), jvmOf(attached)));
            } finally {
                attached.close();
                run.await(60);
            }
        }
    }

    /**
     * An exec session's monitor ({@code podman exec -d}: conmon with {@code -e}) never hibernates, while the
     * container's own monitor, idle as long, does.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void anExecSessionsMonitorKeepsItsJvm(MonitorUnderTest m) throws Exception {
        m.onlyConmonJ(WHY);
        hibernating(m, "exec-session", List.of(), "echo first; sleep 600", (c, t) -> {
            c.awaitLog("first", 20_000);
            String id = c.inspect("{{.Id}}");
            long containerMonitor = c.conmonPid();
            Fixtures.Proc exec = podman(m, "exec", "-d", c.name, "sh", "-c", "sleep 600");
            assertEquals(0, exec.status(), "podman exec -d: " + exec.err());
            // the exec session's guardian: a monitor process of this container other than the container's own
            long execGuardian = Await.value("the exec session's monitor", Duration.ofSeconds(20), () -> PrivatePodman
                    .processesUsingStore().stream().filter(pid -> pid != containerMonitor)
                    .filter(pid -> PrivatePodman.cmdline(pid).startsWith(m.binary() + " ")
                            && PrivatePodman.cmdline(pid).contains(id) && PrivatePodman.cmdline(pid).contains(" -e "))
                    .findFirst().orElse(-1L), pid -> pid > 0);
            List<Long> execJvm = MonitorProcesses.childrenRunning(execGuardian, "java");
            assertEquals(1, execJvm.size(), "one JVM below the exec session's guardian " + execGuardian);
            awaitHibernated(c); // the container's monitor: idle since "first"
            assertEquals(execJvm, MonitorProcesses.childrenRunning(execGuardian, "java"),
                    "the exec session's monitor keeps its JVM");
        });
    }

    // ---------------------------------------------------------------- several at once

    /**
     * Four containers hibernate and are woken by the same trigger at once: each log complete and in order; for
     * conmon-j each monitor hibernated and each runs a JVM again.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void severalHibernatedMonitorsWakeAtOnce(MonitorUnderTest m) throws Exception {
        Path t = PrivatePodman.freshDir(name(m, "hib-many-trigger"));
        String script = "echo first; " + trigger("go") + "seq 1 2000; sleep 600";
        hibernating(m, "many-0", t, List.of(), script, c0 -> {
            List<FaultContainer> all = new ArrayList<>(List.of(c0));
            try {
                for (int i = 1; i < 4; i++) all.add(FaultContainer.run(m, "hib-many-" + i, List.of("--log-driver", "k8s-file",
                        "-v", t + ":/t"), script));
                List<Long> guardians = new ArrayList<>();
                for (FaultContainer c : all) {
                    c.awaitLog("first", 20_000);
                    guardians.add((long) c.conmonPid());
                }
                idle(all.toArray(FaultContainer[]::new));
                touch(t, "go");
                if (m.isConmonJ()) {
                    // each guardian seen with a JVM again at least once (a woken JVM sleeps again after its period)
                    Set<Long> seen = new HashSet<>();
                    Await.value("a JVM again below each guardian " + guardians, WAKE_BOUND, () -> {
                        for (long g : guardians) if (!MonitorProcesses.childrenRunning(g, "java").isEmpty()) seen.add(g);
                        return seen;
                    }, x -> x.size() == guardians.size());
                }
                StringBuilder expected = new StringBuilder("first\n");
                for (int i = 1; i <= 2000; i++) expected.append(i).append('\n');
                for (FaultContainer c : all) {
                    awaitPodmanLogs(c, "\n2000\n");
                    assertEquals(expected.toString(), podman(m, "logs", c.name).out(), "podman logs of " + c.name);
                }
            } finally {
                for (FaultContainer c : all.subList(1, all.size())) c.close();
            }
        });
    }

    // ---------------------------------------------------------------- helpers

    interface Body {
        void run(FaultContainer c, Path trigger) throws Exception;
    }

    interface ContainerBody {
        void run(FaultContainer c) throws Exception;
    }

    static String trigger(String file) {
        return String.format(AWAIT_TRIGGER, file);
    }

    /** A detached container running {@code script} under {@code CONMONJ_HIBERNATE=2}, its trigger dir at /t; removed after. */
    private static void hibernating(MonitorUnderTest m, String what, List<String> runOptions, String script, Body body)
            throws Exception {
        hibernating(m, what, List.of(), runOptions, script, body);
    }

    /** The same, with more monitor environment ({@code conmon_env_vars}). */
    private static void hibernating(MonitorUnderTest m, String what, List<String> env, List<String> runOptions, String script,
            Body body) throws Exception {
        Path t = PrivatePodman.freshDir(name(m, "hib-" + what + "-trigger"));
        hibernating(m, what, t, env, runOptions, script, c -> body.run(c, t));
    }

    private static void hibernating(MonitorUnderTest m, String what, Path t, List<String> runOptions, String script,
            ContainerBody body) throws Exception {
        hibernating(m, what, t, List.of(), runOptions, script, body);
    }

    private static void hibernating(MonitorUnderTest m, String what, Path t, List<String> env, List<String> runOptions,
            String script, ContainerBody body) throws Exception {
        List<String> options = new ArrayList<>(List.of("--log-driver", "k8s-file", "-v", t + ":/t"));
        options.addAll(runOptions);
        Exception[] failure = new Exception[1];
        List<String> vars = new ArrayList<>(List.of(ENV + PERIOD_S));
        vars.addAll(env);
        PrivatePodman.withConmonEnv(vars, () -> {
            try (FaultContainer c = FaultContainer.run(m, "hib-" + what, options, script)) {
                body.run(c);
            } catch (Exception e) {
                failure[0] = e;
            }
            return null;
        });
        if (failure[0] != null) throw failure[0];
    }

    /** A detached, silent container ({@code echo up; sleep 600}) started under {@code env}. */
    private static FaultContainer startUnder(MonitorUnderTest m, String what, String env, List<String> runOptions)
            throws IOException {
        return PrivatePodman.withConmonEnv(List.of(env), () -> {
            List<String> options = new ArrayList<>(List.of("--log-driver", "k8s-file"));
            options.addAll(runOptions);
            FaultContainer c = FaultContainer.run(m, "hib-" + what, options, "echo up; sleep 600");
            try {
                c.awaitLog("up", 20_000);
            } catch (IOException e) {
                c.close();
                throw new UncheckedIOException(e);
            } catch (InterruptedException | RuntimeException | Error e) {
                c.close();
                throw new AssertionError("container " + c.name + " did not start", e);
            }
            return c;
        });
    }

    /**
     * The absence of hibernation, shown against a positive control: a plain container started after {@code kept}
     * under {@code CONMONJ_HIBERNATE=2} hibernates, and meanwhile every one of {@code kept} still runs the same JVM.
     */
    private static void assertKeptWhileAnotherHibernates(MonitorUnderTest m, List<FaultContainer> kept, List<Long> jvms)
            throws Exception {
        try (FaultContainer control = startUnder(m, "control", ENV + PERIOD_S, List.of())) {
            awaitHibernated(control);
            for (int i = 0; i < kept.size(); i++) {
                FaultContainer c = kept.get(i);
                assertEquals(List.of(jvms.get(i)), MonitorProcesses.childrenRunning(c.conmonPid(), "java"),
                        c.name + " keeps its monitor JVM (the control hibernated meanwhile)");
                assertTrue(c.psStatus().startsWith("Up"), c.name + ": " + c.psStatus());
            }
        }
    }

    /** The only monitor JVM below the container's guardian. */
    private static long jvmOf(FaultContainer c) {
        List<Long> jvms = MonitorProcesses.childrenRunning(c.conmonPid(), "java");
        assertEquals(1, jvms.size(), "one monitor JVM below the guardian of " + c.name + ": " + jvms);
        return jvms.get(0);
    }

    /**
     * The containers have been idle for a while: for conmon-j, each monitor has hibernated ({@link #awaitHibernated});
     * the reference has no hibernation, so it simply stays idle as long as conmon-j needs at least.
     */
    private static void idle(FaultContainer... containers) throws InterruptedException {
        if (!containers[0].monitor.isConmonJ()) {
            Thread.sleep(PERIOD_S * 1000L + 500); // the idleness is the behaviour under test
            return;
        }
        for (FaultContainer c : containers) awaitHibernated(c);
    }

    /**
     * Awaits the monitor JVM's exit: the guardian, still Podman's ConmonPid (-P), is left alone with the container's
     * first process as its only child (the container was reparented to it, a subreaper); `podman ps` shows Up.
     */
    private static void awaitHibernated(FaultContainer c) {
        long guardian = c.conmonPid();
        long container = Long.parseLong(c.inspect("{{.State.Pid}}"));
        Await.value("the monitor JVM of " + c.name + " gone, only the container (" + container + ") below the guardian "
                + guardian, HIBERNATE_BOUND, () -> MonitorProcesses.children(guardian), ch -> ch.equals(List.of(container)));
        assertTrue(ConmonRun.alive(guardian), "the guardian " + guardian + " stays");
        assertEquals(guardian, c.conmonPid(), "Podman's ConmonPid is still the guardian");
        assertTrue(c.psStatus().startsWith("Up"), "podman ps while hibernated: " + c.psStatus());
    }

    /** conmon-j: a monitor JVM runs below the same guardian again (a resumed one). */
    private static void woken(FaultContainer c, long guardian) {
        if (!c.monitor.isConmonJ()) return;
        Await.value("a monitor JVM below the guardian " + guardian + " again", WAKE_BOUND,
                () -> MonitorProcesses.childrenRunning(guardian, "java"), jvms -> jvms.size() == 1);
    }

    private static void touch(Path dir, String file) throws IOException {
        Files.createFile(dir.resolve(file));
    }

    private static void awaitPodmanLogs(FaultContainer c, String text) {
        Await.value("\"" + text.strip() + "\" in podman logs of " + c.name, WAKE_BOUND, c::podmanLogs, l -> l.contains(text));
    }

    /** Awaits {@code count} cleanup events of the container (Podman's file events log). */
    private static void awaitCleanupEvents(FaultContainer c, int count) {
        String id = c.inspect("{{.Id}}");
        Await.value(count + " cleanup events of " + c.name, Duration.ofSeconds(EXIT_BOUND_S), () -> {
            Fixtures.Proc p = podman(c.monitor, "events", "--stream=false", "--filter", "container=" + id, "--format", "{{.Status}}");
            assertEquals(0, p.status(), "podman events: " + p.err());
            return p.out().lines().filter(l -> l.equals("cleanup")).count();
        }, n -> n >= count);
    }

    private static int firstDifference(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) if (a.charAt(i) != b.charAt(i)) return i;
        return n;
    }
}
