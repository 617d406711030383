package io.conmonj.it;

import static io.conmonj.it.PrivatePodman.ok;
import static io.conmonj.it.PrivatePodman.podman;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A container command that writes every kind of record a log driver must pass on, what it writes to each stream, and
 * the checks shared by the driver cases.
 */
final class RecordScript {
    private RecordScript() {}

    /**
     * Writes to both streams: whole lines, a line written in two parts (a partial record, then its rest), binary bytes
     * (NUL, 0xff) through printf's octal escapes, a 20000-byte line (longer than one 8192-byte read) and an
     * unterminated last line.
     */
    static final String SCRIPT = "printf 'out1\\n'; printf 'err1\\n' >&2; printf 'part'; sleep 0.5; printf 'ial\\n';"
            + " printf 'e-part' >&2; sleep 0.5; printf 'e-rest\\n' >&2; printf '\\001\\002\\377\\000bin\\n';"
            + " head -c 20000 /dev/zero | tr '\\000' x; echo; printf 'tail-no-newline'";
    static final String SCRIPT_OUT = "out1\npartial\n\u0001\u0002\u00ff\u0000bin\n" + "x".repeat(20000) + "\ntail-no-newline";
    static final String SCRIPT_ERR = "err1\ne-parte-rest\n";

    /** The wall clock in nanoseconds since the epoch, the unit of records' timestamps. */
    static long nowNs() {
        java.time.Instant i = java.time.Instant.now();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    /** {@code podman logs} still has everything (dual logging with the k8s-file log Podman asked for). */
    static void checkPodmanLogs(MonitorUnderTest m, String n) {
        Fixtures.Proc logs = ok(podman(m, "logs", n), "logs");
        assertEquals(SCRIPT_OUT, logs.out(), "podman logs stdout");
        assertEquals(SCRIPT_ERR, logs.err(), "podman logs stderr");
    }
}
