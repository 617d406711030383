package io.conmonj.it;

import static io.conmonj.it.Fixtures.sha256;
import static io.conmonj.it.PrivatePodman.IMG;
import static io.conmonj.it.PrivatePodman.cmd;
import static io.conmonj.it.PrivatePodman.name;
import static io.conmonj.it.PrivatePodman.ok;
import static io.conmonj.it.PrivatePodman.podman;
import static io.conmonj.it.PrivatePodman.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Container stdin under back-pressure, through the real Podman: a container that reads its stdin late and slowly
 * gets every byte, in order, with {@code run -i} and {@code exec -i}, while its output keeps reaching the log and an
 * attached client. Both monitors stop reading the attach client while the container's stdin is full (conmon-j
 * used to buffer 1 MiB and drop the rest).
 */
@ExtendWith(PodmanEnvironment.class)
class PodmanStdinTest {
    /**
     * Sleeps 2 s, then reads its stdin one read(2) of at most 64 KiB at a time with a pause after each, keeps it in
     * /tmp/all, and prints its size and sha256 at EOF. {@code dd count=1} does exactly one read, so nothing is
     * read ahead and lost.
     */
    static final String SLOW_READER = "sleep 2; : > /tmp/all; "
            + "while :; do dd bs=65536 count=1 of=/tmp/c 2>/dev/null; n=$(wc -c < /tmp/c); "
            + "[ \"$n\" -eq 0 ] && break; cat /tmp/c >> /tmp/all; usleep 1000; done; "
            + "wc -c < /tmp/all; sha256sum < /tmp/all | cut -d' ' -f1";

    static Stream<Arguments> monitorsAndSizes() {
        return MonitorUnderTest.monitors().flatMap(m -> Stream.of(Arguments.of(m, 5_000_000), Arguments.of(m, 50_000_000)));
    }

    static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** What {@link #SLOW_READER} prints for {@code data}. */
    static String countAndHash(byte[] data) {
        return data.length + "\n" + sha256(data) + "\n";
    }

    @ParameterizedTest(name = "{0}, {1} bytes")
    @MethodSource("monitorsAndSizes")
    void runInteractiveDeliversEveryByteToASlowReader(MonitorUnderTest m, int size) {
        m.requirePresent();
        byte[] input = random(size, size);
        Fixtures.Proc p = start(cmd(m, "run", "--rm", "-i", "--network", "none", IMG, "sh", "-c", SLOW_READER), input)
                .await(300);
        assertEquals(0, p.status(), p.err());
        assertEquals(countAndHash(input), p.out());
    }

    @ParameterizedTest(name = "{0}, {1} bytes")
    @MethodSource("monitorsAndSizes")
    void execInteractiveDeliversEveryByteToASlowReader(MonitorUnderTest m, int size) {
        String n = name(m, "stdin-exec-" + size);
        try {
            ok(podman(m, "run", "-d", "--name", n, "--network", "none", IMG, "sleep", "600"), "run -d");
            byte[] input = random(size, size + 1);
            Fixtures.Proc p = start(cmd(m, "exec", "-i", n, "sh", "-c", SLOW_READER), input).await(300);
            assertEquals(0, p.status(), p.err());
            assertEquals(countAndHash(input), p.out());
        } finally {
            podman(m, "rm", "-f", "-t", "0", n);
        }
    }

    /**
     * The container writes ticks but does not read its stdin until the test lets it: while 5 MB of input wait, the
     * ticks reach both the k8s-file log ({@code podman logs}) and the attached client ({@code podman attach}'s
     * stdout, read while it runs); afterwards every input byte arrives.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.conmonj.it.MonitorUnderTest#monitors")
    void waitingInputDoesNotHoldOutput(MonitorUnderTest m) throws IOException {
        String n = name(m, "stdin-ticks");
        byte[] input = random(5_000_000, 42);
        try {
            ok(podman(m, "run", "-d", "-i", "--name", n, "--network", "none", IMG, "sh", "-c",
                    "sleep 1; i=0; while [ $i -lt 10 ]; do echo tick $i; i=$((i+1)); usleep 200000; done; "
                            + "while [ ! -e /tmp/go ]; do usleep 100000; done; "
                            + "cat > /tmp/all; wc -c < /tmp/all; sha256sum < /tmp/all | cut -d' ' -f1"), "run -d -i");
            PrivatePodman.Running attach = start(cmd(m, "attach", n), input);
            long deadline = System.nanoTime() + 60_000_000_000L;
            String attached = "", logs = "";
            while (!(attached.contains("tick 9\n") && logs.contains("tick 9\n"))) {
                assertTrue(System.nanoTime() < deadline, "ticks while input waits: attach " + Json.quote(attached)
                        + ", logs " + Json.quote(logs));
                assertTrue(attach.process().isAlive(), "podman attach ended before the container read its stdin");
                ConmonRun.sleep(200);
                attached = Files.readString(attach.out());
                logs = podman(m, "logs", n).out();
            }
            ok(podman(m, "exec", n, "touch", "/tmp/go"), "exec touch");
            Fixtures.Proc a = attach.await(120);
            assertEquals(0, a.status(), a.err());
            assertTrue(a.out().endsWith("tick 9\n" + countAndHash(input) + "\n"), Json.quote(a.out()));
            assertEquals("0\n", ok(podman(m, "wait", n), "wait").out());
            String log = ok(podman(m, "logs", n), "logs").out();
            assertTrue(log.startsWith("tick 0\n") && log.endsWith("tick 9\n" + countAndHash(input)), Json.quote(log));
        } catch (UncheckedIOException e) {
            throw new AssertionError(e);
        } finally {
            podman(m, "rm", "-f", "-t", "0", n);
        }
    }
}
