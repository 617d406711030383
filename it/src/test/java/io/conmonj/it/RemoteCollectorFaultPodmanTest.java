package io.conmonj.it;

import static io.conmonj.it.PrivatePodman.IMG;
import static io.conmonj.it.PrivatePodman.name;
import static io.conmonj.it.PrivatePodman.ok;
import static io.conmonj.it.PrivatePodman.podman;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The remote-collector rows of the fault matrix (docs/reliability.md), in real containers: a collector that accepts
 * connections and never reads, and a fluentd collector that answers every chunk with garbage instead of its ack.
 * Neither may cost the container's exit status: {@code podman wait} and {@code podman stop} return the real status
 * within {@link #BOUND_MILLIS}, {@code podman ps} stops showing it, the k8s-file log holds every byte, and the fault is
 * reported. Drivers are set the administrator's way ({@code CONMONJ_LOG_DRIVER} in {@code conmon_env_vars}).
 * conmon-j only: the C conmon has no remote drivers.
 */
@ExtendWith(PodmanEnvironment.class)
class RemoteCollectorFaultPodmanTest {
    static final String MONITORS = "io.conmonj.it.MonitorUnderTest#monitors";
    static final String WHY = "the C conmon has no remote drivers";
    /** The exit grace (2 s), Podman's own polling and a loaded machine; far below any collector's patience. */
    static final long BOUND_MILLIS = 20_000;
    /** More than loopback TCP's socket buffers on both sides take, so a collector that never reads blocks the sender. */
    static final int FLOOD_BYTES = 30_000_000;
    /** What {@code yes flood-line} writes, over and over. */
    static final byte[] FLOOD_LINE = "flood-line\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** Accepts every connection and keeps it open without reading, or answers what it reads with random bytes. */
    static final class BadCollector implements AutoCloseable {
        final ServerSocket server;
        final List<Socket> accepted = new CopyOnWriteArrayList<>();
        final AtomicInteger connections = new AtomicInteger();
        final AtomicLong bytesRead = new AtomicLong();
        final Thread acceptor;

        BadCollector(boolean answerWithGarbage) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            acceptor = Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        connections.incrementAndGet();
                        accepted.add(s);
                        if (answerWithGarbage) {
                            Thread.ofVirtual().start(() -> garbage(s));
                        }
                    } catch (IOException e) {
                        return; // closed
                    }
                }
            });
        }

        private void garbage(Socket s) {
            Random random = new Random(s.getPort());
            byte[] buf = new byte[65536];
            try (InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    bytesRead.addAndGet(n);
                    byte[] reply = new byte[1 + random.nextInt(64)];
                    random.nextBytes(reply);
                    out.write(reply);
                }
            } catch (IOException e) {
                // the driver closed the connection after the bad ack: expected
            }
        }

        String address() {
            return "tcp://127.0.0.1:" + server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    /** {@code podman wait} or {@code podman stop}, and how long it took. */
    record Waited(Fixtures.Proc proc, long millis) {
    }

    private static Waited waitFor(MonitorUnderTest m, String n) {
        long start = System.nanoTime();
        Fixtures.Proc p = podman(m, "wait", n);
        return new Waited(p, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    /**
     * Runs {@code body} with the drivers set in {@code conmon_env_vars}. Podman commands about the container (wait,
     * stop) run inside it too: Podman's clean-up after the exit reads the same containers.conf.
     */
    private static Waited withDriver(Path diagnostics, String driver, String opts, java.util.function.Supplier<Waited> body) {
        try {
            return PrivatePodman.withConmonEnv(List.of("CONMONJ_LOG_DRIVER=" + driver, "CONMONJ_LOG_OPTS=" + opts,
                    "CONMONJ_DIAGNOSTICS_FILE=" + diagnostics), body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Bytes of stdout in {@code podman logs} (streamed to a file: up to 30 MB), checked to be a prefix of
     * {@code line} repeated.
     */
    private static long loggedPrefixOf(MonitorUnderTest m, String n, byte[] line) throws IOException {
        Path out = PrivatePodman.base.resolve(n + ".logs");
        try {
            Process p = new ProcessBuilder(PrivatePodman.cmd(m, "logs", n)).redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "podman logs timed out");
            long i = 0;
            try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(out))) {
                int b;
                while ((b = in.read()) >= 0) {
                    if (b != line[(int) (i % line.length)]) {
                        throw new AssertionError("byte " + i + " of the log is not the container's output");
                    }
                    i++;
                }
            }
            return i;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static void assertNotUp(MonitorUnderTest m, String n) {
        String status = ok(podman(m, "ps", "-a", "--filter", "name=^" + n + "$", "--format", "{{.Status}}"), "ps").out();
        assertTrue(status.startsWith("Exited"), "podman ps: " + status);
    }

    /**
     * A blocking syslog driver (octet-counted TCP) whose collector accepts and never reads: the container's output
     * waits for it, as it would for a full disk (blocking is the mode's promise), but {@code podman stop} ends the
     * container and its real status is recorded within the bound; what was written before is in the k8s-file log.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void aCollectorThatNeverReadsHoldsOutputButNotTheStatus(MonitorUnderTest m) throws Exception {
        m.onlyConmonJ(WHY);
        String n = name(m, "collector-silent-blocking");
        Path diag = PrivatePodman.fresh("silent-blocking.diag");
        try (BadCollector collector = new BadCollector(false)) {
            Waited stop = withDriver(diag, "syslog", "syslog.syslog-address=" + collector.address()
                    + ";syslog.syslog-format=rfc5424", () -> {
                ok(podman(m, "run", "-d", "--name", n, "--network", "none", IMG, "sh", "-c",
                        "yes flood-line | head -c " + FLOOD_BYTES + "; echo done; sleep 600"), "run -d");
                // the output backs up behind the collector: the driver is connected and the container's k8s-file log
                // stops growing short of the whole flood (unchanged over 10 polls, 0.5 s)
                Path log = Path.of(ok(podman(m, "inspect", "-f", "{{.HostConfig.LogConfig.Path}}", n), "inspect").out().strip());
                long[] last = {-1, 0};
                Await.until("the driver connected and the log stalled behind the collector", Duration.ofSeconds(60), () -> {
                    long size = Files.exists(log) ? Files.size(log) : 0;
                    last[1] = size > 0 && size == last[0] ? last[1] + 1 : 0;
                    last[0] = size;
                    return collector.connections.get() > 0 && last[1] >= 10;
                });
                long start = System.nanoTime();
                Fixtures.Proc p = podman(m, "stop", "-t", "2", n);
                return new Waited(p, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            });
            long took = stop.millis();
            System.out.println("[" + m + "] podman stop returned after " + took + " ms: " + stop.proc().err().strip());
            assertEquals(1, collector.connections.get(), "the driver connected once");
            assertEquals(0, stop.proc().status(), stop.proc().err());
            assertTrue(took <= BOUND_MILLIS, "podman stop took " + took + " ms");
            // the shell is blocked in the pipeline's write, so podman stop ends it with SIGKILL after 2 s: 137 is the
            // real status (the status of a container whose monitor lost it would be -1 or none)
            assertEquals("137", ok(podman(m, "inspect", "-f", "{{.State.ExitCode}}", n), "inspect").out().strip());
            assertNotUp(m, n);
            // what was read before the kill: a prefix of the output (its last line may be partial)
            long logged = loggedPrefixOf(m, n, FLOOD_LINE);
            assertTrue(logged > 0, "output before the stop is in the log");
        } finally {
            podman(m, "rm", "-f", "-t", "0", n);
        }
    }

    /**
     * The same silent collector with {@code mode=non-blocking}: the container is never held; it writes 30 MB and exits
     * 6; {@code podman wait} has the status within the bound, the k8s-file log every byte, and the drops are reported.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void aCollectorThatNeverReadsNeverHoldsANonBlockingContainer(MonitorUnderTest m) throws Exception {
        m.onlyConmonJ(WHY);
        String n = name(m, "collector-silent-nonblocking");
        Path diag = PrivatePodman.fresh("silent-nonblocking.diag");
        try (BadCollector collector = new BadCollector(false)) {
            Waited w = withDriver(diag, "syslog", "syslog.syslog-address=" + collector.address()
                    + ";syslog.syslog-format=rfc5424;syslog.mode=non-blocking", () -> {
                ok(podman(m, "run", "-d", "--name", n, "--network", "none", IMG, "sh", "-c",
                        "yes flood-line | head -c " + FLOOD_BYTES + "; exit 6"), "run -d");
                return waitFor(m, n);
            });
            long took = w.millis();
            System.out.println("[" + m + "] podman wait returned after " + took + " ms");
            assertEquals("6", w.proc().out().strip(), w.proc().err());
            assertTrue(took <= BOUND_MILLIS + 30_000, "podman wait took " + took + " ms (30 MB to log first)");
            assertNotUp(m, n);
            assertEquals(FLOOD_BYTES, loggedPrefixOf(m, n, FLOOD_LINE),
                    "the k8s-file log holds every byte");
            String text = Files.readString(diag);
            assertTrue(text.contains("records dropped"), "the drops are reported: " + text);
        } finally {
            podman(m, "rm", "-f", "-t", "0", n);
        }
    }

    /**
     * fluentd with acks, the collector answering every chunk with garbage: the driver reports the bad ack, backs off
     * and resends; the container's status and its k8s-file log are unaffected, and the number of connections stays
     * small (back-off, not a reconnect storm).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void garbageAcksCostNeitherTheStatusNorTheLog(MonitorUnderTest m) throws Exception {
        m.onlyConmonJ(WHY);
        String n = name(m, "collector-garbage-acks");
        Path diag = PrivatePodman.fresh("garbage-acks.diag");
        try (BadCollector collector = new BadCollector(true)) {
            Waited w = withDriver(diag, "fluentd", "fluentd.fluentd-address=" + collector.address().substring("tcp://".length())
                    + ";fluentd.fluentd-request-ack=true", () -> {
                ok(podman(m, "run", "-d", "--name", n, "--network", "none", IMG, "sh", "-c",
                        "i=0; while [ $i -lt 20 ]; do echo line $i; i=$((i+1)); usleep 100000; done; exit 5"), "run -d");
                return waitFor(m, n);
            });
            long took = w.millis();
            System.out.println("[" + m + "] podman wait returned after " + took + " ms, " + collector.connections.get()
                    + " connections, " + collector.bytesRead.get() + " bytes read by the collector");
            assertEquals("5", w.proc().out().strip(), w.proc().err());
            assertTrue(took <= BOUND_MILLIS, "podman wait took " + took + " ms");
            assertNotUp(m, n);
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < 20; i++) {
                expected.append("line ").append(i).append('\n');
            }
            assertEquals(expected.toString(), ok(podman(m, "logs", n), "logs").out());
            assertTrue(collector.bytesRead.get() > 0, "the driver sent chunks");
            assertTrue(collector.connections.get() <= 20, "back-off, not a storm: " + collector.connections.get());
            String text = Files.readString(diag);
            assertTrue(text.contains("fluentd"), "the bad acks are reported: " + text);
        } finally {
            podman(m, "rm", "-f", "-t", "0", n);
        }
    }
}
