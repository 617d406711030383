package io.conmonj.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A systemd-journald of its own in a private mount namespace ({@code unshare -m}: tmpfs on /run/systemd and /run/log,
 * a temp dir bound on /var/log/journal, so the host's journal is untouched), for the journald tests; journald ends
 * with the namespace's script.
 */
final class JournaldNamespace {
    static final String JOURNALD = "/lib/systemd/systemd-journald";
    /** The image {@link #withPodman} imports for the journald cases that run Podman. */
    static final String IMG = "localhost/conmonj-journald:latest";

    private JournaldNamespace() {
    }

    /**
     * sh that starts journald (its output in {@code $T/journald.out}) and waits for its socket; on exit the script
     * runs {@code onExit} (sh, may be empty), then stops journald. {@code $T} is the test's temp dir.
     */
    static String startJournald(String onExit) {
        return """
                mount -t tmpfs tmpfs /run/systemd || exit 90
                mkdir -p /run/systemd/journal
                mount -t tmpfs tmpfs /run/log || exit 91
                mount --bind "$T/journal" /var/log/journal || exit 92
                %s >"$T/journald.out" 2>&1 &
                JPID=$!
                trap '%skill $JPID 2>/dev/null; wait $JPID 2>/dev/null' EXIT
                i=0
                while [ ! -S /run/systemd/journal/socket ]; do i=$((i+1)); [ $i -gt 100 ] && exit 93; sleep 0.1; done
                """.formatted(JOURNALD, onExit);
    }

    /**
     * Runs {@code body} (sh) in a namespace with journald and a private Podman store: {@code $G} holds Podman's global
     * options for that store, and the fixtures' busybox rootfs is imported as {@code image}. {@code body} writes what
     * the test reads to {@code $T/out}; the script must end with status 0 (the message shows each {@code out/*.err}).
     *
     * @return the temp dir {@code $T}, for the caller to read and remove
     */
    static Path withPodman(String image, String body, List<String> env) throws IOException {
        Required.orSkip(Files.isExecutable(Path.of(JOURNALD)), "no " + JOURNALD);
        Path t = Files.createTempDirectory(Path.of("/tmp"), "cjjn"); // podman: runroot at most 50 characters
        boolean ok = false;
        try {
            for (String d : List.of("journal", "root", "runroot", "tmp", "out")) Files.createDirectories(t.resolve(d));
            Files.writeString(t.resolve("containers.conf"), """
                    [containers]
                    default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]
                    [engine]
                    cgroup_manager = "cgroupfs"
                    runtime = "runc"
                    events_logger = "file"
                    """);
            String ns = "G=\"--root $T/root --runroot $T/runroot --tmpdir $T/tmp --cgroup-manager cgroupfs\"\n"
                    + startJournald("podman $G rm -af -t 0 >/dev/null 2>&1; ")
                    + "tar -C \"$ROOTFS\" -c . | podman $G import - " + image + " >/dev/null 2>\"$T/import.err\" || exit 94\n"
                    + body;
            Files.writeString(t.resolve("ns.sh"), ns);
            List<String> cmd = new ArrayList<>(List.of("env", "T=" + t, "ROOTFS=" + Fixtures.get().rootfs,
                    "CONTAINERS_CONF=" + t.resolve("containers.conf")));
            cmd.addAll(env);
            cmd.addAll(List.of("unshare", "-m", "--propagation", "private", "sh", t.resolve("ns.sh").toString()));
            Fixtures.Proc p = Fixtures.run(cmd, 180);
            assertEquals(0, p.status(), "namespace script: " + p.err() + "\nimport: " + read(t.resolve("import.err"))
                    + "\njournald: " + read(t.resolve("journald.out")) + errs(t.resolve("out")));
            ok = true;
            return t;
        } finally {
            if (!ok) Fixtures.rmrf(t);
        }
    }

    /** The body's error output, for the failure message. */
    private static String errs(Path out) throws IOException {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> files = Files.list(out)) {
            files.filter(f -> f.toString().endsWith(".err")).sorted()
                    .forEach(f -> b.append('\n').append(f.getFileName()).append(": ").append(read(f)));
        }
        return b.toString();
    }

    /** A file of the namespace script's output as text; empty when it is missing or unreadable. */
    static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
