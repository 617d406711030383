package io.conmonj.host;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code scripts/rewrite-behaviour-refs.sh}, run for real (bash and GNU sed) on copies of the
 * citation forms the code uses: each becomes a citation of {@code docs/conmon-behaviour.md},
 * RFC sections and other uses of the word "contract" are left alone, Markdown keeps its bare
 * {@code §}, and a second run changes nothing.
 */
class RewriteBehaviourRefsTest {
    @TempDir
    Path dir;

    private static final List<String[]> CODE = List.of(
            new String[] {" * carries on as the monitor (contract §2, §14).", " * carries on as the monitor (conmon-behaviour.md §2, §14)."},
            new String[] {" * before execv (contract §4.2, §4.3, §10.8) and", " * before execv (conmon-behaviour.md §4.2, §4.3, §10.8) and"},
            new String[] {"  * The end of the loop (§10.1-§10.4): drain", "  * The end of the loop (conmon-behaviour.md §10.1-§10.4): drain"},
            new String[] {" * Contract §1.4 steps 3-15: every message", " * conmon-behaviour.md §1.4 steps 3-15: every message"},
            new String[] {" * holds it (contract §2 step 13, §7.4,", " * holds it (conmon-behaviour.md §2 step 13, §7.4,"},
            new String[] {" * of conmon 2.2.x (contract 7.1): CRI records", " * of conmon 2.2.x (conmon-behaviour.md §7.1): CRI records"},
            new String[] {"  * per record (contract 7.1.3, 7.1.4): before", "  * per record (conmon-behaviour.md §7.1.3, §7.1.4): before"},
            new String[] {" * reopen, contract 7.1.5 / pitfall 10); the", " * reopen, conmon-behaviour.md §7.1.5 / §16.10); the"},
            new String[] {" * of the monitor (contract section 7, docs/logging.md)", " * of the monitor (conmon-behaviour.md §7, docs/logging.md)"},
            new String[] {" * contract pitfall 18 for what that does", " * conmon-behaviour.md §16.18 for what that does"},
            new String[] {"        // Pitfall 8: the shift loop", "        // conmon-behaviour.md §16.8: the shift loop"},
            new String[] {"    /** §3.3: \"data\" with --api-version */", "    /** conmon-behaviour.md §3.3: \"data\" with --api-version */"},
            new String[] {" -- §14a case 15: ctl 2 0 0", " -- conmon-behaviour.md §14a case 15: ctl 2 0 0"},
            new String[] {"    <!-- the version Podman parses (contract 1.5) -->", "    <!-- the version Podman parses (conmon-behaviour.md §1.5) -->"},
            new String[] {" appends LF (RFC 6587 §3.4.2), or (RFC 5425 §4.3).", " appends LF (RFC 6587 §3.4.2), or (RFC 5425 §4.3)."},
            new String[] {" * so the order is part of the contract. Not contractual.", " * so the order is part of the contract. Not contractual."});

    private static final List<String[]> MARKDOWN = List.of(
            new String[] {"works exactly as conmon's (contract §7.1); next", "works exactly as conmon's (conmon-behaviour.md §7.1); next"},
            new String[] {"its quirk (contract pitfall 8): `max-file=1`", "its quirk (conmon-behaviour.md §16.8): `max-file=1`"},
            new String[] {"our own section (§3) stays as it is", "our own section (§3) stays as it is"},
            new String[] {"sends `LENGTH SP MESSAGE` (RFC 6587 §3.4.1)", "sends `LENGTH SP MESSAGE` (RFC 6587 §3.4.1)"});

    @Test
    void everyCitationFormIsRewrittenOnceAndOnlyThose() throws Exception {
        Path java = dir.resolve("Sample.java");
        Path md = dir.resolve("sample.md");
        Files.write(java, CODE.stream().map(c -> c[0]).toList(), StandardCharsets.UTF_8);
        Files.write(md, MARKDOWN.stream().map(c -> c[0]).toList(), StandardCharsets.UTF_8);

        run(java, md);
        assertEquals(CODE.stream().map(c -> c[1]).toList(), Files.readAllLines(java, StandardCharsets.UTF_8));
        assertEquals(MARKDOWN.stream().map(c -> c[1]).toList(), Files.readAllLines(md, StandardCharsets.UTF_8));

        byte[] javaOnce = Files.readAllBytes(java);
        byte[] mdOnce = Files.readAllBytes(md);
        run(java, md);
        assertEquals(new String(javaOnce, StandardCharsets.UTF_8), Files.readString(java), "idempotent");
        assertEquals(new String(mdOnce, StandardCharsets.UTF_8), Files.readString(md), "idempotent");
    }

    private static void run(Path... files) throws IOException, InterruptedException {
        Path script = repositoryRoot().resolve("scripts/rewrite-behaviour-refs.sh");
        assertTrue(Files.isExecutable(script), script + " is executable");
        String[] argv = new String[files.length + 1];
        argv[0] = script.toString();
        for (int i = 0; i < files.length; i++) {
            argv[i + 1] = files[i].toString();
        }
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the script ends");
        assertEquals(0, p.exitValue(), out);
    }

    private static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("scripts/rewrite-behaviour-refs.sh")) && Files.isDirectory(p.resolve("host"))) {
                return p;
            }
        }
        throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
    }
}
