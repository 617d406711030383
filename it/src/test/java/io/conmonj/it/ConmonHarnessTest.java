package io.conmonj.it;

import static io.conmonj.it.ConmonRun.without;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Harness-level cases: conmon driven directly the way Podman drives it (conmon-behaviour.md §1–§4, §7.1, §10, §14a), each run
 * against the reference C conmon and against conmon-j.
 */
class ConmonHarnessTest {
    static final Duration T = Duration.ofSeconds(30);
    static final String MONITORS = "io.conmonj.it.MonitorUnderTest#monitors";

    static ConmonRun run(MonitorUnderTest m, Fixtures.Bundle b) {
        return new ConmonRun(m, b).podmanArgs();
    }

    static ConmonRun shRun(MonitorUnderTest m, String script) {
        return run(m, Fixtures.get().sh(script));
    }

    static void awaitLog(ConmonRun r, String needle) {
        long deadline = System.nanoTime() + T.toNanos();
        while (!new String(r.logBytesIfAny(), StandardCharsets.ISO_8859_1).contains(needle)) {
            if (System.nanoTime() > deadline) throw new AssertionError("log never contained " + needle);
            ConmonRun.sleep(20);
        }
    }

    // ---------------------------------------------------------------- conmon-behaviour.md §1.5 version

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void versionFormat(MonitorUnderTest m) {
        try (ConmonRun r = new ConmonRun(m, Fixtures.get().sh("true")).args("--version").noStartPipe()) {
            r.spawn();
            assertEquals(0, r.waitLauncher(Duration.ofSeconds(10)));
            String out = r.stdout();
            assertTrue(Pattern.compile("conmon version (\\d+)\\.(\\d+)\\.(\\d+)\ncommit: \\S[^\n]*\n").matcher(out).matches(),
                    "version output: " + out);
            int major = Integer.parseInt(out.substring("conmon version ".length(), out.indexOf('.')));
            assertTrue(major >= 2, out);
            assertEquals("", r.stderr());
        }
    }

    // ---------------------------------------------------------------- conmon-behaviour.md §1.4 validation

    record Invalid(String label, List<String> drop, List<String> add, String message, String onlyConmonJ) {
        @Override public String toString() { return label; }
    }

    static Invalid inv(String label, List<String> drop, List<String> add, String message) {
        return new Invalid(label, drop, add, message, null);
    }

    static Stream<Arguments> validationCases() {
        List<Invalid> cases = List.of(
                inv("unknown option", List.of(), List.of("--foo"), "conmon: option parsing failed: Unknown option --foo"),
                inv("missing value", List.of(), List.of("-c"), "conmon: option parsing failed: Missing argument for -c"),
                inv("bad integer", List.of(), List.of("-T", "x"), "conmon: option parsing failed: Cannot parse integer value “x” for -T"),
                inv("integer overflow", List.of(), List.of("-T", "99999999999999999999"),
                        "conmon: option parsing failed: Integer value “99999999999999999999” for -T out of range"),
                new Invalid("negative log-max-files", List.of(), List.of("--log-max-files", "-1"),
                        "conmon: log-max-files must be non-negative, got -1", "--log-max-files is 2.2.0+"),
                new Invalid("log-rotate with 0 files", List.of(), List.of("--log-rotate", "--log-max-files", "0"),
                        "conmon: log-max-files must be at least 1 when log-rotate is enabled, got 0", "--log-rotate is 2.2.0+"),
                inv("no cid", List.of("-c"), List.of(), "conmon: Container ID not provided. Use --cid"),
                inv("bad log level", List.of(), List.of("--log-level", "bogus"), "No such log level bogus"),
                inv("exec and restore", List.of(), List.of("--restore", "/x", "--exec"), "Cannot use 'exec' and 'restore' at the same time"),
                inv("exec-attach without exec", List.of(), List.of("--exec-attach"), "Attach can only be specified with exec"),
                inv("exec-attach legacy", List.of("--api-version"), List.of("--exec", "--exec-attach"),
                        "Attach can only be specified for a non-legacy exec session"),
                inv("no cuuid", List.of("-u"), List.of(), "Container UUID not provided. Use --cuuid"),
                inv("no runtime", List.of("-r"), List.of(), "Runtime path not provided. Use --runtime"),
                inv("runtime not executable", List.of("-r"), List.of("-r", "/nonexistent-runtime"),
                        "Runtime path /nonexistent-runtime is not valid No such file or directory"),
                inv("exec without spec", List.of(), List.of("--exec"), "Exec process spec path not provided. Use --exec-process-spec"),
                inv("negative exit delay", List.of(), List.of("--exit-delay", "-1"),
                        "Delay before invoking exit command must be greater than or equal to 0"),
                inv("no log driver", List.of("-l"), List.of(), "Log driver not provided. Use --log-path"),
                inv("empty log path", List.of("-l"), List.of("-l", ""), "log-path must not be empty"),
                inv("k8s-file without file", List.of("-l"), List.of("-l", "k8s-file"), "k8s-file requires a filename"),
                inv("unknown log driver", List.of("-l"), List.of("-l", "other:x"), "No such log driver other"),
                inv("log file not openable", List.of("-l"), List.of("-l", "k8s-file:/nonexistent-dir/x/ctr.log"),
                        "Failed to open log file No such file or directory"),
                inv("k8s-file with log-tag", List.of(), List.of("--log-tag", "t"), "k8s-file doesn't support --log-tag"),
                inv("log file not openable, with log-tag", List.of("-l"),
                        List.of("-l", "k8s-file:/nonexistent-dir/x/ctr.log", "--log-tag", "t"),
                        "Failed to open log file No such file or directory"),
                inv("log file not openable, journald with short cid", List.of("-l", "-c", "-u"),
                        List.of("-c", "short", "-u", "short", "-l", "k8s-file:/nonexistent-dir/x/ctr.log", "-l", "journald"),
                        "Failed to open log file No such file or directory"),
                new Invalid("k8s-file with log-label", List.of(), List.of("--log-label", "A=b"),
                        "k8s-file doesn't support --log-label", "--log-label is 2.2.0+ (2.1.6: Unknown option)"),
                new Invalid("label without =", List.of("-l", "-c", "-u"),
                        List.of("-c", "0123456789abcdef", "-u", "0123456789abcdef", "-l", "journald", "--log-label", "NOVALUE"),
                        "Container labels must be in format LABEL=VALUE (", "--log-label is 2.2.0+ (2.1.6: Unknown option)"),
                new Invalid("label name lower case", List.of("-l", "-c", "-u"),
                        List.of("-c", "0123456789abcdef", "-u", "0123456789abcdef", "-l", "journald", "--log-label", "lower=v"),
                        "Container label names must contain only uppercase letters, numbers and underscore (",
                        "--log-label is 2.2.0+ (2.1.6: Unknown option)"),
                inv("journald with short cid", List.of("-l", "-c", "-u"), List.of("-c", "short", "-u", "short", "-l", "journald"),
                        "Container ID must be longer than 12 characters"));
        return MonitorUnderTest.monitors().flatMap(m -> cases.stream().map(c -> Arguments.of(m, c)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("validationCases")
    void validationError(MonitorUnderTest m, Invalid c) {
        if (c.onlyConmonJ() != null) m.onlyConmonJ(c.onlyConmonJ());
        Fixtures.Bundle b = Fixtures.get().sh("true");
        ConmonRun base = new ConmonRun(m, b).podmanArgs().k8sLog();
        List<String> argv = new ArrayList<>(without(base.argv(), c.drop()));
        argv.addAll(c.add());
        try (ConmonRun r = new ConmonRun(m, b).args(argv.toArray(String[]::new))) {
            r.spawn().offerStart();
            int st = r.waitLauncher(Duration.ofSeconds(10));
            String err = new String(r.stderr().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            String out = new String(r.stdout().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            assertEquals(1, st, "exit status; stderr: " + err);
            if (c.message().startsWith("conmon: option parsing failed: ")) {
                // Observed: 2.1.6 prints GOption errors on STDOUT (g_print); the 2.2.1 contract says stderr.
                // Either stream is accepted, the other one must be empty.
                assertEquals(c.message() + "\n", out.isEmpty() ? err : out, "message on stdout or stderr");
                assertTrue(out.isEmpty() || err.isEmpty(), "message on one stream only; out=" + out + " err=" + err);
                System.out.println("[" + m + "] " + c + ": message on " + (out.isEmpty() ? "stderr" : "stdout"));
            } else {
                // 2.1.x prints "[conmon:e] " for some and "[conmon:e]: " for others; 2.2.x "[conmon:e]: ". Not contractual.
                String normalized = err.replaceFirst("^\\[conmon:e\\]:? ", "");
                if (c.message().endsWith("(")) // the parenthesised detail is not pinned by the contract
                    assertTrue(normalized.startsWith(c.message()) && normalized.endsWith(")\n") && normalized.indexOf('\n') == normalized.length() - 1,
                            "stderr: " + normalized);
                else
                    assertEquals(c.message() + "\n", normalized, "stderr");
                assertEquals("", out);
            }
            assertFalse(Files.exists(r.conmonPidfile), "no fork: -P must not be written");
            assertNull(r.readSyncRaw(Duration.ofSeconds(5)), "sync pipe gets EOF, no message");
        }
    }

    /** conmon creates its k8s-file log before it checks --log-tag: the refused command line leaves the empty file. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void logFileCreatedBeforeLogTagIsRefused(MonitorUnderTest m) throws IOException {
        Fixtures.Bundle b = Fixtures.get().sh("true");
        try (ConmonRun r = new ConmonRun(m, b).podmanArgs().k8sLog().args("--log-tag", "t")) {
            assertFalse(Files.exists(r.log));
            r.spawn().offerStart();
            assertEquals(1, r.waitLauncher(Duration.ofSeconds(10)), "exit status; stderr: " + r.stderr());
            assertTrue(r.stderr().contains("k8s-file doesn't support --log-tag"), r.stderr());
            assertTrue(Files.exists(r.log), "the log file exists");
            assertEquals(0, Files.size(r.log));
        }
    }

    // ---------------------------------------------------------------- conmon-behaviour.md §14a case 4

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void case4_outputPartialStderrExit3(MonitorUnderTest m) throws IOException {
        try (ConmonRun r = shRun(m, "echo hello; printf partial; sleep 0.5; printf ' more\\n'; sleep 0.1; echo err >&2; exit 3").k8sLog()) {
            r.spawn();
            // what is checked is an absence: a launcher that did not wait for the start byte has exited by now
            ConmonRun.sleep(300);
            assertFalse(r.launcherExited(), "launcher must block until the start byte");
            r.sendStart();
            assertEquals(0, r.waitLauncher(Duration.ofSeconds(10)));
            Json.SyncMessage msg = r.readSync(T);
            assertEquals("data", msg.key());
            assertTrue(msg.value() > 1, msg.raw());
            assertNull(msg.message(), msg.raw());
            assertEquals("{\"data\": " + msg.value() + "}\n", msg.raw().replace(":  ", ": "), "sync line shape");
            assertEquals(0, Fixtures.runc("start", r.cid).status());
            assertEquals("3", r.awaitExitFile(T));
            assertEquals("3", ConmonRun.awaitFile(r.persistDir.resolve("exit"), T));
            assertTrue(r.awaitMonitorGone(T), "monitor exits after the container");
            List<K8sLog.Rec> recs = K8sLog.parse(r.logBytes());
            assertEquals(List.of("stdout F hello", "stdout P partial", "stdout F  more"),
                    K8sLog.stripped(recs.stream().filter(x -> x.stream().equals("stdout")).toList()));
            assertEquals(List.of("stderr F err"),
                    K8sLog.stripped(recs.stream().filter(x -> x.stream().equals("stderr")).toList()));
            assertFalse(Files.exists(r.dir.resolve("attach")), "attach socket removed at exit");
            assertTrue(Files.exists(r.dir.resolve("ctl")), "ctl FIFO kept");
            assertTrue(Files.exists(r.dir.resolve("winsz")), "winsz FIFO kept");
            assertEquals(List.of(r.cid), list(r.exitDir), "exit dir holds only the exit file (atomic write, no temp left)");
            assertEquals("rw-r--r--", mode(r.exitDir.resolve(r.cid)), "exit file mode 0644");
            assertEquals("rw-r--r--", mode(r.persistDir.resolve("exit")), "persist exit file mode 0644");
            assertEquals("rw-r--r--", mode(r.conmonPidfile), "-P mode 0644");
            // Deliberate difference: k8s-file is created 0640 by 2.2.x (what conmon-j implements), 0600 by 2.1.x.
            assertEquals(m.isConmonJ() ? "rw-r-----" : "rw-------", mode(r.log), "k8s-file mode (2.2.x: 0640, 2.1.x: 0600)");
            System.out.println("[" + m + "] modes: log " + mode(r.log) + ", exit file " + mode(r.exitDir.resolve(r.cid))
                    + ", persist exit " + mode(r.persistDir.resolve("exit")) + ", -P " + mode(r.conmonPidfile));
        }
    }

    static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    // ---------------------------------------------------------------- conmon-behaviour.md §14a case 5: runtime create failure

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void case5_badProcessArgs(MonitorUnderTest m) {
        try (ConmonRun r = run(m, Fixtures.get().bundle(List.of("/nonexistent"))).k8sLog()) {
            r.spawn().sendStart();
            assertEquals(0, r.waitLauncher(Duration.ofSeconds(10)));
            Json.SyncMessage msg = r.readSync(T);
            assertEquals("data", msg.key());
            assertEquals(-1, msg.value(), msg.raw());
            assertTrue(msg.message() != null && msg.message().contains("runc create failed")
                            && msg.message().contains("stat /nonexistent: no such file or directory"),
                    "runc's error text: " + msg.raw());
            assertTrue(msg.raw().endsWith("\\n\"}\n"), "runc's trailing newline escaped inside message: " + msg.raw());
            assertTrue(r.awaitMonitorGone(T), "monitor exits after a create failure");
            assertFalse(Files.exists(r.exitDir.resolve(r.cid)), "no exit file after a create failure");
            assertFalse(Files.exists(r.persistDir.resolve("exit")), "no persist exit file after a create failure");
        }
    }

    /** The bundle dir exists (so the monitor can make attach/ctl there) but has no config.json: runc fails. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void runtimeCreateFailure_bundleWithoutConfig(MonitorUnderTest m) throws IOException {
        Fixtures.Bundle b = Fixtures.get().sh("true");
        Files.delete(b.dir().resolve("config.json"));
        try (ConmonRun r = run(m, b).k8sLog()) {
            r.spawn().sendStart();
            assertEquals(0, r.waitLauncher(Duration.ofSeconds(10)));
            Json.SyncMessage msg = r.readSync(T);
            assertEquals(-1, msg.value(), msg.raw());
            assertTrue(msg.message() != null && msg.message().contains("runc create failed: JSON specification file config.json not found"),
                    "runc's error text: " + msg.raw());
            assertTrue(r.awaitMonitorGone(T));
            assertFalse(Files.exists(r.exitDir.resolve(r.cid)), "no exit file after a create failure");
        }
    }

    /**
     * The bundle dir does not exist at all. Observed with 2.1.6: the monitor dies creating the attach socket in
     * BUNDLE before running runc, so the sync pipe just reaches EOF (conmon-behaviour.md §3.4 last row). A monitor that
     * reports -1 with a message instead is accepted too; nothing else (no PID, no exit file, no hang).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void runtimeCreateFailure_missingBundleDir(MonitorUnderTest m) {
        Fixtures.Bundle b = Fixtures.get().sh("true");
        ConmonRun base = run(m, b).k8sLog();
        List<String> argv = new ArrayList<>(without(base.argv(), List.of("-b")));
        Path missing = b.dir().resolve("no-such-bundle");
        argv.addAll(List.of("-b", missing.toString()));
        try (ConmonRun r = new ConmonRun(m, b).args(argv.toArray(String[]::new))) {
            r.spawn().sendStart();
            assertEquals(0, r.waitLauncher(Duration.ofSeconds(10)));
            String raw = r.readSyncRaw(T);
            System.out.println("[" + m + "] missing bundle dir -> sync: " + (raw == null ? "EOF" : raw));
            if (raw != null) {
                Json.SyncMessage msg = Json.SyncMessage.parse(raw);
                assertEquals(-1, msg.value(), raw);
                assertTrue(msg.message() != null && !msg.message().isBlank(), raw);
                String eof = r.readSyncRaw(T);
                assertNull(eof, "nothing after the failure message");
            }
            assertTrue(r.awaitMonitorGone(T));
            assertFalse(Files.exists(r.exitDir.resolve(r.cid)));
        }
    }

    /**
     * conmon-behaviour.md §1.1 syntax Podman relies on: {@code --long=value} for every long option, a stray positional after
     * {@code --api-version}, integers with base auto-detection ({@code -T 0x2} = 2 s).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void optionSyntaxEqualsFormAndHexInteger(MonitorUnderTest m) {
        Fixtures.Bundle b = Fixtures.get().sh("sleep 30");
        List<String> in = run(m, b).k8sLog().argv();
        List<String> argv = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            String a = in.get(i);
            if (a.startsWith("--") && !a.equals("--api-version") && !a.equals("--full-attach") && i + 1 < in.size())
                argv.add(a + "=" + in.get(++i));
            else argv.add(a);
        }
        argv.addAll(List.of("-T", "0x2"));
        try (ConmonRun r = new ConmonRun(m, b).args(argv.toArray(String[]::new))) {
            long t0 = System.nanoTime();
            r.startContainer();
            assertEquals("-1", r.awaitExitFile(T), "argv " + argv);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 1800 && ms < 15000, "-T 0x2 fired after " + ms + " ms");
        }
    }

    /**
     * conmon-behaviour.md §14a case 3: boolean flags take {@code =anything} and are still set: {@code --api-version=0} selects the
     * "data" key, {@code --terminal=false} turns terminal mode ON (the runtime gets a console socket; the bundle
     * asks for a terminal, so without one runc create would fail). The pty's ONLCR shows as "\r" in the log.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void case3_booleanFlagsWithValueAreSet(MonitorUnderTest m) {
        Fixtures.Bundle b = Fixtures.get().shTerminal("echo hi; [ -t 1 ] && echo tty");
        List<String> argv = new ArrayList<>(without(run(m, b).k8sLog().argv(), List.of("--api-version")));
        argv.addAll(List.of("--api-version=0", "--terminal=false"));
        try (ConmonRun r = new ConmonRun(m, b).args(argv.toArray(String[]::new))) {
            r.spawn().sendStart();
            assertEquals(0, r.waitLauncher(Duration.ofSeconds(10)));
            Json.SyncMessage msg = r.readSync(T);
            assertEquals("data", msg.key(), msg.raw());
            assertTrue(msg.value() > 1, "terminal set up: " + msg.raw());
            assertEquals(0, Fixtures.runc("start", r.cid).status());
            assertEquals("0", r.awaitExitFile(T));
            assertTrue(r.awaitMonitorGone(T));
            List<K8sLog.Rec> recs = K8sLog.parse(r.logBytes());
            assertEquals("hi\r\ntty\r\n", K8sLog.text(recs, "stdout"));
            assertTrue(recs.stream().allMatch(x -> x.stream().equals("stdout")), "terminal mode: everything is stdout");
        }
    }

    /** Without --api-version the sync key is "pid" (conmon-behaviour.md §3.3). */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void legacySyncKeyIsPid(MonitorUnderTest m) {
        Fixtures.Bundle b = Fixtures.get().sh("exit 0");
        List<String> argv = without(run(m, b).k8sLog().argv(), List.of("--api-version"));
        try (ConmonRun r = new ConmonRun(m, b).args(argv.toArray(String[]::new))) {
            r.spawn().sendStart();
            assertEquals(0, r.waitLauncher(Duration.ofSeconds(10)));
            Json.SyncMessage msg = r.readSync(T);
            assertEquals("pid", msg.key(), msg.raw());
            assertTrue(msg.value() > 1, msg.raw());
            assertEquals(0, Fixtures.runc("start", r.cid).status());
            assertEquals("0", r.awaitExitFile(T));
        }
    }

    /**
     * Podman's --preserve-fds layout: one extra fd at 3, sync/start at 4/5, {@code --runtime-opt --preserve-fds 1}.
     * The container writes to its fd 3 and we read it on our end; the monitor must close its inherited copy
     * before the exit file is written (conmon-behaviour.md §11.9), so our end reads EOF once the exit file exists.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void preservedFdReachesContainerAndIsReleasedBeforeExitFile(MonitorUnderTest m) {
        try (ConmonRun r = shRun(m, "echo via-fd3 >&3; exec 3>&-; sleep 0.3").k8sLog().preserveFds(1)
                .args("--runtime-opt", "--preserve-fds", "--runtime-opt", "1")) {
            r.startContainer();
            int fd = r.preservedFd(0);
            assertTrue(Libc.pollIn(fd, 10_000), "container output on the preserved fd");
            byte[] buf = new byte[256];
            long n = Libc.C.read(fd, buf, buf.length);
            assertEquals("via-fd3\n", new String(buf, 0, (int) Math.max(n, 0), StandardCharsets.ISO_8859_1));
            assertEquals("0", r.awaitExitFile(T));
            // a compliant monitor closed its inherited copy before renaming the exit file into place: EOF is already pending
            assertTrue(Libc.pollIn(fd, 0), "preserved fd released (EOF) by the time the exit file exists");
            assertEquals(0, Libc.C.read(fd, buf, buf.length), "EOF: no holder of the preserved fd is left");
        }
    }

    // ---------------------------------------------------------------- conmon-behaviour.md §14a case 6, 8, SIGTERM

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void case6_timeoutWritesMinusOne(MonitorUnderTest m) {
        try (ConmonRun r = shRun(m, "sleep 30").k8sLog().args("-T", "2")) {
            long t0 = System.nanoTime();
            r.startContainer();
            assertEquals("-1", r.awaitExitFile(T));
            assertEquals("-1", ConmonRun.awaitFile(r.persistDir.resolve("exit"), T));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 1800 && ms < 15000, "timeout fired after " + ms + " ms");
            assertTrue(r.awaitMonitorGone(T));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void case8_sigkilledContainerIs137(MonitorUnderTest m) {
        try (ConmonRun r = shRun(m, "sleep 30").k8sLog()) {
            r.startContainer();
            assertEquals(0, Fixtures.runc("kill", r.cid, "KILL").status());
            assertEquals("137", r.awaitExitFile(T));
            assertEquals("137", ConmonRun.awaitFile(r.persistDir.resolve("exit"), T));
        }
    }

    // ---------------------------------------------------------------- conmon-behaviour.md §14a case 7: --log-size-max

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void case7_logSizeMaxTruncates(MonitorUnderTest m) throws IOException {
        try (ConmonRun r = shRun(m, "seq 1 30").k8sLog().args("--log-size-max", "200")) {
            r.startContainer();
            assertEquals("0", r.awaitExitFile(T));
            assertTrue(r.awaitMonitorGone(T));
            byte[] bytes = r.logBytes();
            List<K8sLog.Rec> recs = K8sLog.parse(bytes);
            assertTrue(bytes.length <= 200, "file size " + bytes.length + " > max");
            assertTrue(recs.size() >= 1 && recs.size() < 30, "records kept: " + recs);
            List<String> expected = IntStream.rangeClosed(31 - recs.size(), 30).mapToObj(i -> "stdout F " + i).toList();
            assertEquals(expected, K8sLog.stripped(recs), "only the last complete records remain");
            System.out.println("[" + m + "] --log-size-max 200 kept " + recs.size() + " records");
        }
    }

    // ---------------------------------------------------------------- --log-global-size-max

    /**
     * conmon-behaviour.md §7.1.4: before each record, output stops for good once the bytes written reach the budget; a record that
     * starts below it is written whole. "1\n".."9\n" make 46-byte records: 6 of them (276) are under 300, the
     * 7th takes the total to 322, nothing after it is logged.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void logGlobalSizeMaxStopsLoggingForGood(MonitorUnderTest m) throws IOException {
        try (ConmonRun r = shRun(m, "seq 1 30; sleep 0.2; echo after").k8sLog().args("--log-global-size-max", "300")) {
            r.startContainer();
            assertEquals("0", r.awaitExitFile(T));
            assertTrue(r.awaitMonitorGone(T));
            List<K8sLog.Rec> recs = K8sLog.parse(r.logBytes());
            List<String> expected = IntStream.rangeClosed(1, 7).mapToObj(i -> "stdout F " + i).toList();
            assertEquals(expected, K8sLog.stripped(recs), "the first records up to the budget, none later");
        }
    }

    // ---------------------------------------------------------------- conmon-behaviour.md §14a case 16: exit command

    static Path exitCommandScript(ConmonRun r, String outName) throws IOException {
        Path out = r.dir.resolve(outName);
        Path script = r.dir.resolve(outName + ".sh");
        Files.writeString(script, """
                #!/bin/sh
                f0=$(readlink /proc/$$/fd/0); f1=$(readlink /proc/$$/fd/1); f2=$(readlink /proc/$$/fd/2)
                t=$(date +%%s%%N)
                { echo "argc=$#"; for a in "$@"; do echo "arg=[$a]"; done
                  echo "fds=$f0 $f1 $f2"; echo "exitfile=$(cat %s 2>&1)"; echo "t=$t"; } > %s.tmp
                mv %s.tmp %s
                """.formatted(r.exitDir.resolve(r.cid), out, out, out));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void case16_exitCommandWithEmptyArgAndDelay(MonitorUnderTest m) throws IOException {
        try (ConmonRun r = shRun(m, "exit 5").k8sLog()) {
            Path script = exitCommandScript(r, "exitcmd");
            r.args("--exit-command", script.toString(), "--exit-command-arg", "a1", "--exit-command-arg", "",
                    "--exit-command-arg", "--a3", "--exit-delay", "1");
            r.startContainer();
            assertEquals("5", r.awaitExitFile(T));
            long exitFileMs = Files.getLastModifiedTime(r.exitDir.resolve(r.cid)).toMillis();
            String out = ConmonRun.awaitFile(r.dir.resolve("exitcmd"), T);
            List<String> lines = out.lines().toList();
            assertEquals(List.of("argc=3", "arg=[a1]", "arg=[]", "arg=[--a3]", "fds=/dev/null /dev/null /dev/null", "exitfile=5"),
                    lines.subList(0, 6), out);
            long ranMs = Long.parseLong(lines.get(6).substring(2)) / 1_000_000;
            long delay = ranMs - exitFileMs;
            assertTrue(delay >= 900 && delay < 10000, "exit command ran " + delay + " ms after the exit file");
            assertTrue(r.awaitMonitorGone(T));
        }
    }

    // ---------------------------------------------------------------- conmon-behaviour.md §14a case 17: SIGTERM to the monitor

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void case17_sigtermToMonitorStopsContainer(MonitorUnderTest m) throws IOException {
        try (ConmonRun r = shRun(m, "trap 'echo got-term; exit 7' TERM; echo ready; while :; do sleep 0.1; done").k8sLog()) {
            Path script = exitCommandScript(r, "exitcmd");
            r.args("--exit-command", script.toString(), "--exit-command-arg", "done");
            r.startContainer();
            awaitLog(r, "ready");
            int mon = r.monitorPid();
            assertTrue(mon > 0 && ConmonRun.alive(mon));
            assertEquals(0, Libc.C.kill(mon, Libc.SIGTERM));
            assertEquals("7", r.awaitExitFile(T), "SIGTERM forwarded to the container, which exits 7");
            String out = ConmonRun.awaitFile(r.dir.resolve("exitcmd"), T);
            assertTrue(out.startsWith("argc=1\narg=[done]\n"), out);
            assertTrue(out.contains("exitfile=7\n"), out);
            assertTrue(r.awaitMonitorGone(T));
            assertTrue(K8sLog.text(K8sLog.parse(r.logBytes()), "stdout").contains("got-term\n"));
        }
    }

    // ---------------------------------------------------------------- daemonizing, -P, --sync

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void conmonPidfileIsLiveSessionLeaderOnDevNull(MonitorUnderTest m) throws IOException {
        try (ConmonRun r = shRun(m, "sleep 30").k8sLog()) {
            r.spawn();
            // what is checked is an absence: a launcher that did not wait for the start byte has exited by now
            ConmonRun.sleep(200);
            assertFalse(r.launcherExited(), "launcher blocks until the start byte");
            r.sendStart();
            assertEquals(0, r.waitLauncher(Duration.ofSeconds(10)));
            long launcherMs = (System.nanoTime() - r.startByteNanos()) / 1_000_000;
            assertTrue(Files.exists(r.conmonPidfile), "-P written before the launcher exits");
            String pidText = Files.readString(r.conmonPidfile);
            assertTrue(pidText.matches("[1-9][0-9]*"), "-P content is a bare decimal, no newline: [" + pidText + "]");
            int pid = Integer.parseInt(pidText);
            assertNotEquals(r.launcherPid(), pid, "-P names the daemonized monitor, not the launcher");
            long ctr = r.readSync(T).value();
            assertTrue(ctr > 0);
            assertEquals(0, Fixtures.runc("start", r.cid).status());
            assertTrue(ConmonRun.alive(pid), "monitor alive while the container runs");
            assertTrue(ConmonRun.alive(ctr), "container alive after the launcher exited");
            assertEquals(pid, Libc.C.getsid(pid), "monitor is a session leader");
            for (int fd = 0; fd <= 2; fd++)
                assertEquals("/dev/null", Files.readSymbolicLink(Path.of("/proc/" + pid + "/fd/" + fd)).toString(), "monitor fd " + fd);
            assertTrue(launcherMs < 2000, "launcher exited " + launcherMs + " ms after the start byte");
            System.out.println("[" + m + "] launcher exit " + launcherMs + " ms after start byte");
            assertEquals(0, Fixtures.runc("kill", r.cid, "KILL").status());
            assertEquals("137", r.awaitExitFile(T));
            assertTrue(r.awaitMonitorGone(T));
        }
    }

    /**
     * conmon-behaviour.md §2: the monitor must not keep the caller's stdout/stderr open after daemonizing (Podman's cmd.Wait()
     * would block until the container exits). Launcher stdio is one socket here; it must reach EOF right after
     * the launcher exits while the container still runs.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void callerStdioReleasedAfterDaemonizing(MonitorUnderTest m) {
        try (ConmonRun r = shRun(m, "sleep 30").k8sLog().stdioPipe()) {
            long ctr = r.startContainer();
            long deadline = System.nanoTime() + 5_000_000_000L;
            StringBuilder seen = new StringBuilder();
            byte[] buf = new byte[4096];
            while (true) {
                assertTrue(System.nanoTime() < deadline, "caller's stdio still held 5 s after the launcher exited; got: " + seen);
                if (!Libc.pollIn(r.stdioFd(), 200)) continue;
                long n = Libc.C.read(r.stdioFd(), buf, buf.length);
                if (n <= 0) break;
                seen.append(new String(buf, 0, (int) n, StandardCharsets.ISO_8859_1));
            }
            assertTrue(ConmonRun.alive(ctr), "container still running");
            assertTrue(ConmonRun.alive(r.monitorPid()), "monitor still running");
            // --log-level debug output before the fork is allowed (2.1.6 prints e.g.
            // "[conmon:d]: failed to write to /proc/self/oom_score_adj: Permission denied" here).
            System.out.println("[" + m + "] launcher stdio: " + seen.toString().strip());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void syncModeExitStatusIsContainerStatus(MonitorUnderTest m) {
        try (ConmonRun r = shRun(m, "exit 9").k8sLog().args("--sync")) {
            r.spawn().sendStart();
            Json.SyncMessage msg = r.readSync(T);
            assertTrue(msg.value() > 0, msg.raw());
            assertFalse(r.launcherExited(), "--sync: the launcher itself is the monitor");
            assertEquals(0, Fixtures.runc("start", r.cid).status());
            assertEquals(9, r.waitLauncher(T), "--sync exit status = container status");
            assertEquals("9", r.awaitExitFile(Duration.ofSeconds(5)));
            assertFalse(Files.exists(r.conmonPidfile), "--sync does not write -P");
        }
    }

    // ---------------------------------------------------------------- logging

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void logNoneWritesNoLog(MonitorUnderTest m) throws IOException {
        try (ConmonRun r = shRun(m, "echo hidden").args("-l", "none")) {
            r.startContainer();
            assertEquals("0", r.awaitExitFile(T));
            assertTrue(r.awaitMonitorGone(T));
            assertFalse(Files.exists(r.log));
            assertTrue(list(r.dir).stream().noneMatch(n -> n.endsWith(".log") || n.equals("none")), "files: " + list(r.dir));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void stderrKeptApart(MonitorUnderTest m) {
        try (ConmonRun r = shRun(m, "echo o1; echo e1 >&2; echo o2; echo e2 >&2; printf 'o3'; printf 'e3' >&2").k8sLog()) {
            r.startContainer();
            assertEquals("0", r.awaitExitFile(T));
            assertTrue(r.awaitMonitorGone(T));
            List<K8sLog.Rec> recs = K8sLog.parse(r.logBytes());
            assertEquals("o1\no2\no3", K8sLog.text(recs, "stdout"));
            assertEquals("e1\ne2\ne3", K8sLog.text(recs, "stderr"));
            assertEquals('P', recs.stream().filter(x -> x.stream().equals("stdout")).reduce((a, b) -> b).orElseThrow().tag(),
                    "a dangling partial stays a P record, no closing F");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void line200KiB(MonitorUnderTest m) {
        try (ConmonRun r = shRun(m, "head -c 204800 /dev/zero | tr '\\0' a; echo").k8sLog()) {
            r.startContainer();
            assertEquals("0", r.awaitExitFile(T));
            assertTrue(r.awaitMonitorGone(T));
            List<K8sLog.Rec> recs = K8sLog.parse(r.logBytes());
            assertEquals("a".repeat(204800) + "\n", K8sLog.text(recs, "stdout"));
            assertTrue(recs.stream().allMatch(x -> x.content().length <= 8192), "records of at most 8192 bytes");
            assertTrue(recs.size() >= 25, "long line split into P records: " + recs.size());
            assertEquals('F', recs.getLast().tag());
            assertTrue(recs.subList(0, recs.size() - 1).stream().allMatch(x -> x.tag() == 'P'));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void twentyThousandLinesInOrder(MonitorUnderTest m) {
        try (ConmonRun r = shRun(m, "seq 1 20000").k8sLog()) {
            r.startContainer();
            assertEquals("0", r.awaitExitFile(T));
            assertTrue(r.awaitMonitorGone(T));
            String expected = IntStream.rangeClosed(1, 20000).mapToObj(Integer::toString).collect(Collectors.joining("\n", "", "\n"));
            assertEquals(expected, K8sLog.text(K8sLog.parse(r.logBytes()), "stdout"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void allByteValuesLoggedExactly(MonitorUnderTest m) {
        try (ConmonRun r = shRun(m, "cat /testdata/all-bytes.bin").k8sLog()) {
            r.startContainer();
            assertEquals("0", r.awaitExitFile(T));
            assertTrue(r.awaitMonitorGone(T));
            assertArrayEquals(Fixtures.get().allBytes, K8sLog.reassemble(K8sLog.parse(r.logBytes()), "stdout"));
        }
    }

    // ---------------------------------------------------------------- rotation (2.2.0+)

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void logRotateKeepsBackups(MonitorUnderTest m) throws IOException {
        m.onlyConmonJ("--log-rotate/--log-max-files are 2.2.0+; the reference 2.1.6 rejects them as unknown options");
        try (ConmonRun r = shRun(m, "seq 1 300").k8sLog().args("--log-size-max", "500", "--log-rotate", "--log-max-files", "3")) {
            r.startContainer();
            assertEquals("0", r.awaitExitFile(T));
            assertTrue(r.awaitMonitorGone(T));
            for (int i = 1; i <= 3; i++) assertTrue(Files.exists(Path.of(r.log + "." + i)), "backup ." + i);
            assertFalse(Files.exists(Path.of(r.log + ".4")), "at most --log-max-files backups");
            StringBuilder all = new StringBuilder();
            for (String suffix : List.of(".3", ".2", ".1", "")) {
                byte[] b = Files.readAllBytes(Path.of(r.log + suffix));
                assertTrue(b.length <= 500, suffix + " size " + b.length);
                all.append(K8sLog.text(K8sLog.parse(b), "stdout"));
            }
            String s = all.toString();
            String full = IntStream.rangeClosed(1, 300).mapToObj(Integer::toString).collect(Collectors.joining("\n", "", "\n"));
            assertTrue(full.endsWith(s), "backups + current file hold a contiguous tail of the output: " + s);
            long records = s.chars().filter(ch -> ch == '\n').count();
            // ~49 bytes a record ("1"..."300" after a 45-byte prefix): 4 files of <= 500 bytes hold >= 5 each
            assertTrue(records >= 4 * 5, "backups hold data: " + records + " records");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void logMaxFilesOneKeepsTwoBackups(MonitorUnderTest m) {
        m.onlyConmonJ("--log-rotate is 2.2.0+; 2.2.x quirk (conmon-behaviour.md §16.8): --log-max-files 1 keeps .1 and .2");
        try (ConmonRun r = shRun(m, "seq 1 300").k8sLog().args("--log-size-max", "500", "--log-rotate", "--log-max-files", "1")) {
            r.startContainer();
            assertEquals("0", r.awaitExitFile(T));
            assertTrue(r.awaitMonitorGone(T));
            assertTrue(Files.exists(Path.of(r.log + ".1")));
            assertTrue(Files.exists(Path.of(r.log + ".2")));
            assertFalse(Files.exists(Path.of(r.log + ".3")));
        }
    }
}
