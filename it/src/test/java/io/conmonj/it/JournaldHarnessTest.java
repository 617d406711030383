package io.conmonj.it;

import static io.conmonj.it.JournalctlJson.parse;
import static io.conmonj.it.JournaldNamespace.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code -l journald} end to end (conmon-behaviour.md §7.2) against a real systemd-journald: each case starts one in a private
 * mount namespace ({@code unshare -m}: tmpfs on /run/systemd and /run/log, a temp dir bound on /var/log/journal, so
 * the host's journal is untouched), runs a container there through the conmon binary ({@link JournaldScenario}, the
 * harness's Podman role in a child JVM inside the namespace), then reads the entries back with
 * {@code journalctl -o json CONTAINER_ID_FULL=<id>}. journald and the namespace end with the script.
 */
class JournaldHarnessTest {
    static final String MONITORS = "io.conmonj.it.MonitorUnderTest#monitors";

    /** The journal's entries of one container, in journal order: field name to value (bytes as ISO-8859-1 text). */
    record Run(String cid, List<Map<String, String>> entries, String stderr, String exit) {
        List<String> messages() {
            return entries.stream().map(e -> e.get("MESSAGE")).toList();
        }

        Map<String, String> entry(String message) {
            return entries.stream().filter(e -> message.equals(e.get("MESSAGE"))).findFirst()
                    .orElseThrow(() -> new AssertionError("no entry with MESSAGE " + message + " in " + messages()));
        }
    }

    static Run run(MonitorUnderTest m, String script, String... conmonArgs) throws IOException {
        m.requirePresent();
        Required.orSkip(Files.isExecutable(Path.of(JournaldNamespace.JOURNALD)), "no " + JournaldNamespace.JOURNALD);
        Path t = Files.createTempDirectory("conmonj-journald-");
        try {
            Files.createDirectories(t.resolve("journal"));
            Files.createDirectories(t.resolve("out"));
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String ns = JournaldNamespace.startJournald("") + """
                    "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$CP" io.conmonj.it.JournaldScenario "$@" >"$T/scenario.out" 2>&1
                    st=$?
                    journalctl --sync
                    journalctl -o json --all --no-pager CONTAINER_ID_FULL="$(cat "$T/out/cid")" >"$T/journal.json" 2>"$T/journalctl.err"
                    exit $st
                    """;
            Files.writeString(t.resolve("ns.sh"), ns);
            List<String> cmd = new ArrayList<>(List.of("env", "T=" + t, "JAVA=" + java,
                    "CP=" + System.getProperty("java.class.path"), "unshare", "-m", "--propagation", "private",
                    "sh", t.resolve("ns.sh").toString(), m.name(), m.binary().toString(), t.resolve("out").toString(),
                    script));
            cmd.addAll(List.of(conmonArgs));
            Fixtures.Proc p = Fixtures.run(cmd, 120);
            String scenario = read(t.resolve("scenario.out"));
            assertEquals(0, p.status(), "namespace script: " + p.err() + "\nscenario: " + scenario
                    + "\njournald: " + read(t.resolve("journald.out")));
            byte[] json = Files.readAllBytes(t.resolve("journal.json"));
            Files.writeString(Path.of("target", "journald-" + m.name() + "-last.json"), new String(json, StandardCharsets.ISO_8859_1),
                    StandardCharsets.ISO_8859_1);
            return new Run(read(t.resolve("out/cid")), parse(json), read(t.resolve("out/stderr")), read(t.resolve("out/exit")));
        } finally {
            Fixtures.rmrf(t);
        }
    }

    static final String SCRIPT = "echo out1; echo err1 >&2; printf par; sleep 0.3; printf 'tial\\n'; sleep 0.1; "
            + "echo '<3>prio3'; sleep 0.1; head -c 9000 /dev/zero | tr '\\0' x; sleep 0.3; echo end; sleep 0.1; "
            + "printf dangling; exit 4";

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void linesPartialsPriorityAndFieldsNextToK8sFile(MonitorUnderTest m) throws IOException {
        Path k8s = Files.createTempFile("conmonj-journald-k8s", ".log");
        try {
            Run r = run(m, SCRIPT, "-l", "journald", "-l", "k8s-file:" + k8s, "--log-tag", "tg");
            assertEquals("4", r.exit(), r.stderr());
            String shortId = r.cid().substring(0, 12);
            for (Map<String, String> e : r.entries()) {
                assertEquals(r.cid(), e.get("CONTAINER_ID_FULL"), e.toString());
                assertEquals(shortId, e.get("CONTAINER_ID"), e.toString());
                assertEquals("tg", e.get("CONTAINER_TAG"), e.toString());
                assertEquals("name-" + r.cid(), e.get("CONTAINER_NAME"), e.toString());
                assertEquals("tg", e.get("SYSLOG_IDENTIFIER"), e.toString());
            }
            List<String> messages = r.messages();
            assertEquals("out1\n", messages.get(0), messages.toString());
            assertEquals("6", r.entry("out1\n").get("PRIORITY"));
            assertNull(r.entry("out1\n").get("CONTAINER_PARTIAL_MESSAGE"));
            assertEquals("3", r.entry("err1\n").get("PRIORITY"));
            // "par" was buffered and sent with the rest of its line: one complete entry
            assertEquals("6", r.entry("partial\n").get("PRIORITY"));
            assertNull(r.entry("partial\n").get("CONTAINER_PARTIAL_MESSAGE"));
            assertFalse(messages.contains("par"), messages.toString());
            // 9000 bytes without a newline: buffered up to 8191 bytes, the rest of the line joined to "end\n"
            int first = -1;
            for (int i = 0; i < messages.size(); i++) {
                if (messages.get(i).startsWith("xxx")) {
                    first = i;
                    break;
                }
            }
            assertTrue(first >= 0, messages.toString());
            StringBuilder joined = new StringBuilder();
            int i = first;
            for (; !messages.get(i).endsWith("end\n"); i++) {
                assertEquals("true", r.entries().get(i).get("CONTAINER_PARTIAL_MESSAGE"), "piece " + i);
                assertTrue(messages.get(i).length() <= 8191 + 8192, "piece " + i);
                joined.append(messages.get(i));
            }
            joined.append(messages.get(i));
            assertNull(r.entries().get(i).get("CONTAINER_PARTIAL_MESSAGE"));
            assertTrue(i > first, "at least one partial entry");
            assertEquals("x".repeat(9000) + "end\n", joined.toString());
            // k8s-file got the same output next to journald
            String k8sText = Files.readString(k8s, StandardCharsets.ISO_8859_1);
            assertTrue(k8sText.contains(" stdout F out1\n") && k8sText.contains(" stderr F err1\n"), k8sText);
            // at exit the buffered remainder is sent as a partial entry
            Map<String, String> last = r.entries().get(r.entries().size() - 1);
            assertEquals("dangling", last.get("MESSAGE"));
            assertEquals("true", last.get("CONTAINER_PARTIAL_MESSAGE"));
            assertEquals("6", last.get("PRIORITY"));
            if (m.isConmonJ()) {
                // 2.2.0+: the <N> prefix of a line that arrived complete sets PRIORITY and is removed
                assertEquals("3", r.entry("prio3\n").get("PRIORITY"));
            } else {
                // the reference 2.1.6 predates the priority prefix (2.2.0)
                assertEquals("6", r.entry("<3>prio3\n").get("PRIORITY"));
            }
        } finally {
            Files.deleteIfExists(k8s);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void labelsNoPartialFlagAndNameAsIdentifier(MonitorUnderTest m) throws IOException {
        m.onlyConmonJ("--log-label and --no-container-partial-message are 2.2.x options; the reference 2.1.6 has neither");
        Run r = run(m, "echo one; echo two >&2; printf three", "-l", "journald", "--log-label", "A=1",
                "--log-label", "B_2=two words", "--no-container-partial-message");
        assertEquals("0", r.exit(), r.stderr());
        assertEquals(List.of("one\n", "three", "two\n"), r.messages().stream().sorted().toList());
        for (Map<String, String> e : r.entries()) {
            assertEquals("name-" + r.cid(), e.get("SYSLOG_IDENTIFIER"), e.toString());
            assertEquals("name-" + r.cid(), e.get("CONTAINER_NAME"), e.toString());
            assertNull(e.get("CONTAINER_TAG"), e.toString());
            assertEquals("1", e.get("A"), e.toString());
            assertEquals("two words", e.get("B_2"), e.toString());
            assertNull(e.get("CONTAINER_PARTIAL_MESSAGE"), e.toString());
        }
        assertEquals("3", r.entry("two\n").get("PRIORITY"));
        assertEquals("6", r.entry("three").get("PRIORITY"));
    }

    /** Entries larger than a datagram (212992 bytes here) travel in a sealed memfd, as with sd_journal_sendv. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void entryLargerThanADatagram(MonitorUnderTest m) throws IOException {
        m.onlyConmonJ("needs --log-label (2.2.x) to make an entry that large");
        String big1 = "a".repeat(120_000);
        String big2 = "b".repeat(120_000);
        Run r = run(m, "echo big", "-l", "journald", "--log-label", "BIG1=" + big1, "--log-label", "BIG2=" + big2);
        assertEquals("0", r.exit(), r.stderr());
        assertEquals(List.of("big\n"), r.messages());
        assertEquals(big1, r.entries().get(0).get("BIG1"));
        assertEquals(big2, r.entries().get(0).get("BIG2"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void selectedByTheEnvironmentNextToK8sFile(MonitorUnderTest m) throws IOException {
        m.onlyConmonJ("driver selection (CONMONJ_LOG_DRIVER, io.conmon-j.log-driver) is conmon-j's");
        Path k8s = Files.createTempFile("conmonj-journald-k8s", ".log");
        try {
            Run r = run(m, "echo sel; printf tail", "-l", "k8s-file:" + k8s, "ENV:CONMONJ_LOG_DRIVER=journald",
                    "ENV:CONMONJ_LOG_OPTS=journald.partial-message=false;journald.tag=seltag");
            assertEquals("0", r.exit(), r.stderr());
            assertEquals(List.of("sel\n", "tail"), r.messages());
            for (Map<String, String> e : r.entries()) {
                assertEquals("seltag", e.get("SYSLOG_IDENTIFIER"), e.toString());
                assertEquals("seltag", e.get("CONTAINER_TAG"), e.toString());
                assertEquals("name-" + r.cid(), e.get("CONTAINER_NAME"), e.toString());
                assertEquals(r.cid().substring(0, 12), e.get("CONTAINER_ID"), e.toString());
                assertEquals("6", e.get("PRIORITY"), e.toString());
                assertNull(e.get("CONTAINER_PARTIAL_MESSAGE"), e.toString());
            }
            assertTrue(Files.readString(k8s).contains(" stdout F sel\n"));
        } finally {
            Files.deleteIfExists(k8s);
        }
    }

    /**
     * Podman's own {@code --log-driver journald}: {@code podman run} then {@code podman logs}, which reads the journal
     * through sd-journal, all inside the namespace with journald (private store, the fixtures' busybox rootfs).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void podmanRunAndLogs(MonitorUnderTest m) throws IOException {
        m.requirePresent();
        String body = """
                P="podman $G --conmon $CONMON"
                $P run --name jd --log-driver journald --log-opt tag=jtag %s \\
                    sh -c 'echo hello; echo err >&2; printf par; sleep 0.3; echo tial; printf dangling' \\
                    >"$T/out/run.out" 2>"$T/out/run.err" || exit 95
                $P logs jd >"$T/out/logs.out" 2>"$T/out/logs.err" || exit 96
                $P inspect -f '{{.Id}}' jd >"$T/out/id" || exit 97
                journalctl --sync
                journalctl -o json --all --no-pager CONTAINER_ID_FULL="$(cat "$T/out/id")" >"$T/out/journal.json"
                $P rm -f jd >/dev/null 2>&1
                exit 0
                """.formatted(JournaldNamespace.IMG);
        Path t = JournaldNamespace.withPodman(JournaldNamespace.IMG, body, List.of("CONMON=" + m.binary()));
        try {
            Path out = t.resolve("out");
            assertEquals("hello\npartial\ndangling", read(out.resolve("logs.out")), "podman logs stdout");
            assertEquals("err\n", read(out.resolve("logs.err")), "podman logs stderr");
            List<Map<String, String>> entries = parse(Files.readAllBytes(out.resolve("journal.json")));
            String id = read(out.resolve("id")).strip();
            assertEquals(4, entries.size(), entries.toString());
            for (Map<String, String> e : entries) {
                assertEquals(id, e.get("CONTAINER_ID_FULL"));
                assertEquals("jd", e.get("CONTAINER_NAME"));
                assertEquals("jtag", e.get("CONTAINER_TAG"));
                assertEquals("jtag", e.get("SYSLOG_IDENTIFIER"));
            }
        } finally {
            Fixtures.rmrf(t);
        }
    }
}
