package io.conmonj.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Container stdin under back-pressure at harness level (Podman's role played by the test, as in
 * {@link AttachHarnessTest}): several attach clients feed one slow container stdin, in pipe and in terminal mode.
 * Every byte arrives and each client's bytes stay in order; input waits in the clients, never in an unbounded
 * buffer of the monitor and never dropped.
 */
class StdinHarnessTest {
    static final Duration T = Duration.ofSeconds(120);
    static final int RECORDS = 300_000; // ≈ 2 MB per client, twice the old 1 MiB buffer plus a pipe
    static final int PACKET = 32_000; // at most one attach packet (32 KiB)

    /**
     * One client's input: its sequence numbers written in an alphabet of its own (A: digits as {@code a-j} and
     * {@code ,} after each number; B: {@code k-t} and {@code ;}), so that the container can pick each client's
     * bytes out of what it read, however the two were interleaved, and check them byte for byte.
     */
    record Client(char zero, char separator) {
        static final Client A = new Client('a', ','), B = new Client('k', ';');

        byte[] input() {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < RECORDS; i++) {
                for (char d : Integer.toString(i).toCharArray()) {
                    b.append((char) (zero + (d - '0')));
                }
                b.append(separator);
            }
            return b.toString().getBytes(StandardCharsets.US_ASCII);
        }

        /** {@code tr -cd} set of this client's bytes. */
        String alphabet() {
            return zero + "-" + (char) (zero + 9) + separator;
        }
    }

    /**
     * Says it is ready (in terminal mode: raw and without echo by now), sleeps, then reads exactly the bytes of both
     * clients and prints the sha256 of each client's part (the root file system is read-only: the copy goes to /dev, a tmpfs).
     */
    static String reader(int total) {
        return "echo ready; sleep 2; head -c " + total + " > /dev/stdin-copy; "
                + "tr -cd '" + Client.A.alphabet() + "' < /dev/stdin-copy | sha256sum | cut -d' ' -f1; "
                + "tr -cd '" + Client.B.alphabet() + "' < /dev/stdin-copy | sha256sum | cut -d' ' -f1";
    }

    static List<byte[]> packets(byte[] input) {
        List<byte[]> packets = new ArrayList<>();
        for (int off = 0; off < input.length; off += PACKET) {
            packets.add(Arrays.copyOfRange(input, off, Math.min(input.length, off + PACKET)));
        }
        return packets;
    }

    /** Sends every packet (blocking: the monitor reads them only as the container's stdin takes them). */
    static CompletableFuture<Void> sendAll(Attach client, List<byte[]> packets) {
        return CompletableFuture.runAsync(() -> packets.forEach(client::send));
    }

    static void await(CompletableFuture<Void> sender) {
        try {
            sender.get(T.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("sending stdin did not complete", e);
        }
    }

    private static void twoClientsAtOnce(MonitorUnderTest m, boolean terminal) {
        byte[] inputA = Client.A.input(), inputB = Client.B.input();
        String script = reader(inputA.length + inputB.length);
        Fixtures.Bundle bundle = terminal ? Fixtures.get().shTerminal("stty raw -echo; " + script) : Fixtures.get().sh(script);
        String expected = Fixtures.sha256(inputA) + "\n" + Fixtures.sha256(inputB) + "\n";
        try (ConmonRun r = HarnessSteps.run(m, bundle).k8sLog().args(terminal ? new String[] {"-t", "-i"} : new String[] {"-i"})) {
            HarnessSteps.create(r);
            try (Attach a = r.attach(); Attach b = r.attach()) {
                HarnessSteps.start(r);
                a.readUntil(2, "ready", T);
                CompletableFuture<Void> sendA = sendAll(a, packets(inputA));
                CompletableFuture<Void> sendB = sendAll(b, packets(inputB));
                List<byte[]> out = a.readAll(T);
                await(sendA);
                await(sendB);
                String text = Attach.payload(out, 2).replace("\r\n", "\n"); // terminal: the output side is cooked
                assertEquals(expected, text, Attach.describe(out)); // "ready" was read before
            }
            assertEquals("0", r.awaitExitFile(T));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.conmonj.it.MonitorUnderTest#monitors")
    void twoClientsFeedingOneSlowStdinLoseNothing(MonitorUnderTest m) {
        twoClientsAtOnce(m, false);
    }

    /**
     * The same through a pty ({@code -t}): raw mode without echo first (so the line discipline neither echoes nor
     * edits), then the two clients; the pty's small input buffer is where the back-pressure starts.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.conmonj.it.MonitorUnderTest#monitors")
    void twoClientsFeedingOneSlowTerminalLoseNothing(MonitorUnderTest m) {
        twoClientsAtOnce(m, true);
    }
}
