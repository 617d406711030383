package io.conmonj.it;

import static io.conmonj.it.JournalctlJson.parse;
import static io.conmonj.it.JournaldNamespace.IMG;
import static io.conmonj.it.JournaldNamespace.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Podman's {@code --log-driver journald} through the C conmon and through conmon-j, read back from a real
 * systemd-journald in a private mount namespace ({@link JournaldNamespace#withPodman}), compared entry by
 * entry and field by field; and journald selected by annotation with a tag template (conmon-j only).
 */
class JournaldComparisonTest {

    /**
     * Writes both streams with pauses between them (so both monitors read the same chunks and the journal order is
     * the same): whole lines, a line written in two parts (buffered and sent whole), tab, binary bytes, a line with
     * only spaces, an unterminated last line (a partial entry at exit), exit status 3.
     */
    static final String SCRIPT = "echo out1; sleep 0.1; echo err1 >&2; sleep 0.1; printf par; sleep 0.3; printf 'tial\\n'; sleep 0.1; "
            + "printf 'tab\\there \\001\\377 bin\\n'; sleep 0.1; echo '   '; sleep 0.1; echo err2 >&2; sleep 0.1; printf dangling; exit 3";

    /**
     * Fields that legitimately differ between the two runs, compared as noted; every other field must be present in
     * both entries with the same value.
     */
    static final Set<String> PER_ENTRY = Set.of(
            // journald's own bookkeeping: where and when the entry was stored
            "__CURSOR", "__REALTIME_TIMESTAMP", "__MONOTONIC_TIMESTAMP", "__SEQNUM", "__SEQNUM_ID",
            "_SOURCE_REALTIME_TIMESTAMP",
            // the sending process, which journald takes from the socket's credentials and /proc: the C conmon
            // (/usr/bin/conmon) against conmon-j's JVM (its runtime/bin/java, a java command line, another pid).
            // _COMM is compared: conmon-j's monitor names itself "conmon" too
            "_PID", "_EXE", "_CMDLINE");
    /** Per container: checked to be the id of the run's own container (and its first 12 characters). */
    static final Set<String> CONTAINER_IDS = Set.of("CONTAINER_ID", "CONTAINER_ID_FULL");
    /**
     * Known difference (docs/logging.md, journald, "Differences from conmon"): libsystemd's {@code sd_journal_sendv}
     * macro adds the C source location of conmon's call; conmon-j does not send these fields.
     */
    static final Set<String> C_CONMON_ONLY = Set.of("CODE_FILE", "CODE_LINE", "CODE_FUNC");

    record Case(String key, String podmanArgs) {}

    static final List<Case> CASES = List.of(new Case("plain", ""), new Case("tag", "--log-opt tag=cmptag"));

    /**
     * The same containers (same names, same command) under both monitors, Podman's {@code --log-driver journald}
     * with and without {@code --log-opt tag}: the same number of entries, in the same order per stream, and entry by entry the
     * same field names and values except the commented exclusions above.
     */
    @Test
    void podmanJournaldEntriesMatchTheCConmonFieldByField() throws IOException {
        MonitorUnderTest c = MonitorUnderTest.reference(), j = MonitorUnderTest.conmonJ();
        c.requirePresent();
        j.requirePresent();
        StringBuilder body = new StringBuilder();
        for (String mon : List.of("c", "j")) {
            body.append("P=\"podman $G --conmon $CONMON_").append(mon).append("\"\n");
            for (Case k : CASES) {
                String n = "jdcmp-" + k.key();
                String f = "$T/out/" + mon + "-" + k.key();
                body.append("$P run --name ").append(n).append(" --log-driver journald ").append(k.podmanArgs())
                        .append(" ").append(IMG).append(" sh -c \"$SCRIPT\" >").append(f).append(".out 2>").append(f).append(".err; echo $? >")
                        .append(f).append(".status\n");
                body.append("$P inspect -f '{{.Id}}' ").append(n).append(" >").append(f).append(".id || exit 95\n");
                body.append("$P rm -f -t 0 ").append(n).append(" >/dev/null || exit 96\n");
            }
        }
        body.append("journalctl --sync\n");
        for (String mon : List.of("c", "j"))
            for (Case k : CASES) {
                String f = "$T/out/" + mon + "-" + k.key();
                body.append("journalctl -o json --all --no-pager CONTAINER_ID_FULL=\"$(cat ").append(f).append(".id)\" >").append(f)
                        .append(".json || exit 97\n");
            }
        body.append("exit 0\n");
        Path t = JournaldNamespace.withPodman(IMG, body.toString(), List.of("CONMON_c=" + c.binary(), "CONMON_j=" + j.binary(), "SCRIPT=" + SCRIPT));
        try {
            List<String> failures = new ArrayList<>();
            for (Case k : CASES) {
                Path out = t.resolve("out");
                for (String mon : List.of("c", "j"))
                    assertEquals("3\n", read(out.resolve(mon + "-" + k.key() + ".status")),
                            mon + " " + k.key() + ": podman run: " + read(out.resolve(mon + "-" + k.key() + ".err")));
                String cid = read(out.resolve("c-" + k.key() + ".id")).strip(), jid = read(out.resolve("j-" + k.key() + ".id")).strip();
                // per stream, in journal order (a stable sort by PRIORITY): which stream's pipe a monitor reads first
                // when both have data is not part of the format, and the order within a stream is kept
                List<Map<String, String>> ce = byStream(parse(Files.readAllBytes(out.resolve("c-" + k.key() + ".json"))));
                List<Map<String, String>> je = byStream(parse(Files.readAllBytes(out.resolve("j-" + k.key() + ".json"))));
                Files.copy(out.resolve("c-" + k.key() + ".json"), Path.of("target", "journald-compare-c-" + k.key() + ".json"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.copy(out.resolve("j-" + k.key() + ".json"), Path.of("target", "journald-compare-j-" + k.key() + ".json"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                // the same stdout/stderr as podman logs would show: both attached runs printed the same
                assertEquals(read(out.resolve("c-" + k.key() + ".out")), read(out.resolve("j-" + k.key() + ".out")), k + ": attached stdout");
                assertEquals(messages(ce), messages(je), k + ": entries (MESSAGE, per stream in journal order)");
                assertEquals(7, ce.size(), k + ": entries " + messages(ce));
                for (int i = 0; i < ce.size(); i++) {
                    Map<String, String> a = ce.get(i), b = je.get(i);
                    String where = k.key() + " entry " + i + " " + Json.quote(String.valueOf(a.get("MESSAGE")));
                    assertEquals(cid, a.get("CONTAINER_ID_FULL"), where);
                    assertEquals(cid.substring(0, 12), a.get("CONTAINER_ID"), where);
                    assertEquals(jid, b.get("CONTAINER_ID_FULL"), where);
                    assertEquals(jid.substring(0, 12), b.get("CONTAINER_ID"), where);
                    Set<String> keysC = new TreeSet<>(a.keySet()), keysJ = new TreeSet<>(b.keySet());
                    assertTrue(keysC.containsAll(C_CONMON_ONLY), where + ": the C conmon sends CODE_*: " + keysC);
                    keysC.removeAll(C_CONMON_ONLY);
                    if (!keysC.equals(keysJ)) failures.add(where + ": fields " + keysC + " (C, without CODE_*) vs " + keysJ + " (conmon-j)");
                    for (String f : keysC) {
                        if (PER_ENTRY.contains(f) || CONTAINER_IDS.contains(f) || !keysJ.contains(f)) continue;
                        if (!java.util.Objects.equals(a.get(f), b.get(f)))
                            failures.add(where + ": " + f + " = " + Json.quote(String.valueOf(a.get(f))) + " (C) vs "
                                    + Json.quote(String.valueOf(b.get(f))) + " (conmon-j)");
                    }
                }
                System.out.println("[compare " + k.key() + "] " + ce.size() + " entries; C conmon's fields: " + new TreeMap<>(ce.get(0)).keySet());
            }
            assertEquals(List.of(), failures, "journald fields that differ between the C conmon and conmon-j");
        } finally {
            Fixtures.rmrf(t);
        }
    }

    static List<Map<String, String>> byStream(List<Map<String, String>> entries) {
        return entries.stream().sorted(java.util.Comparator.comparing(e -> String.valueOf(e.get("PRIORITY")))).toList();
    }

    static List<String> messages(List<Map<String, String>> entries) {
        return entries.stream().map(e -> e.get("MESSAGE") + (e.containsKey("CONTAINER_PARTIAL_MESSAGE") ? " [partial]" : "")).toList();
    }

    /**
     * journald selected by annotation next to Podman's k8s-file log, with a {@code tag} template expanded from the
     * real container's name and id, and selected labels and env as fields (docs/logging.md, "Metadata given to
     * drivers"); {@code podman logs} still reads the k8s-file log.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.conmonj.it.MonitorUnderTest#monitors")
    void annotationSelectedJournaldWithTagTemplate(MonitorUnderTest m) throws IOException {
        m.onlyConmonJ("driver selection by io.conmon-j.* annotations and tag templates are conmon-j's; the C conmon ignores them");
        m.requirePresent();
        String body = """
                P="podman $G --conmon $CONMON"
                $P run --name jdtpl --annotation io.conmon-j.log-driver=journald --annotation "io.conmon-j.log-opt.journald.tag=$TAG" \\
                    --annotation "\\"io.conmon-j.log-opt.journald.labels=app,io.k8s.tier\\"" --annotation io.conmon-j.log-opt.journald.env=COLOR \\
                    --annotation app=shop --annotation io.k8s.tier=front --env COLOR=blue %s sh -c 'echo hi; sleep 0.1; echo err >&2' \\
                    >"$T/out/run.out" 2>"$T/out/run.err" || exit 95
                $P logs jdtpl >"$T/out/logs.out" 2>"$T/out/logs.err" || exit 96
                $P inspect -f '{{.Id}}' jdtpl >"$T/out/id" || exit 97
                journalctl --sync
                journalctl -o json --all --no-pager CONTAINER_ID_FULL="$(cat "$T/out/id")" >"$T/out/journal.json" || exit 98
                exit 0
                """.formatted(IMG);
        Path t = JournaldNamespace.withPodman(IMG, body, List.of("CONMON=" + m.binary(), "TAG={{.Name}}/{{ .ID }}"));
        try {
            Path out = t.resolve("out");
            assertEquals("hi\n", read(out.resolve("logs.out")), "podman logs stdout (k8s-file)");
            assertEquals("err\n", read(out.resolve("logs.err")), "podman logs stderr (k8s-file)");
            String id = read(out.resolve("id")).strip();
            List<Map<String, String>> entries = parse(Files.readAllBytes(out.resolve("journal.json")));
            assertEquals(List.of("hi\n", "err\n"), entries.stream().map(e -> e.get("MESSAGE")).toList());
            for (Map<String, String> e : entries) {
                String tag = "jdtpl/" + id.substring(0, 12);
                assertEquals(tag, e.get("CONTAINER_TAG"), e.toString());
                assertEquals(tag, e.get("SYSLOG_IDENTIFIER"), e.toString());
                assertEquals("jdtpl", e.get("CONTAINER_NAME"), e.toString());
                assertEquals(id, e.get("CONTAINER_ID_FULL"), e.toString());
                assertEquals("shop", e.get("APP"), e.toString());
                assertEquals("front", e.get("IO_K8S_TIER"), e.toString());
                assertEquals("blue", e.get("COLOR"), e.toString());
            }
            assertEquals("6", entries.get(0).get("PRIORITY"));
            assertEquals("3", entries.get(1).get("PRIORITY"));
        } finally {
            Fixtures.rmrf(t);
        }
    }
}
