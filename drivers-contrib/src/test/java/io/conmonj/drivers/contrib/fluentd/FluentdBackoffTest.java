package io.conmonj.drivers.contrib.fluentd;

import io.conmonj.drivers.contrib.net.WatchedThread;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogStream;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.conmonj.drivers.contrib.fluentd.FluentdDriverTest.T;
import static io.conmonj.drivers.contrib.fluentd.FluentdDriverTest.container;
import static io.conmonj.drivers.contrib.fluentd.FluentdDriverTest.opts;
import static io.conmonj.drivers.contrib.fluentd.FluentdDriverTest.rec;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 10/11: a collector that answers every chunk with a wrong ack is reconnected to with back-off (it was about
 * 1000 connections a second), and a driver waiting for a collector that is not there (a closed port, a first delay
 * of a minute) releases the container within {@link LogDriver#EXIT_GRACE_MILLIS} of its exit. The bounds asserted
 * are correctness bounds with generous slack (a loaded 2-core machine), not speed.
 */
class FluentdBackoffTest {
    /** Slack on top of the exit grace period for thread scheduling and one refused connect on loopback. */
    static final long SLACK_MILLIS = 1_500;

    private final List<String> warnings = new CopyOnWriteArrayList<>();

    private FluentdDriver open(Map<String, String> options) throws Exception {
        return FluentdProvider.open(container(null, Map.of(), Map.of()), options, warnings::add, 5_000,
                () -> "chunk-1", () -> "pid");
    }

    @Test
    void wrongAcksAreRetriedWithBackoffAndTheExitEndsTheRetries() throws Exception {
        try (WrongAckCollector collector = new WrongAckCollector()) {
            FluentdDriver d = open(opts("fluentd-address", "tcp://127.0.0.1:" + collector.port(),
                    "fluentd-request-ack", "true", "fluentd-retry-wait", "100ms"));
            d.write(rec(LogStream.STDOUT, T, "a\n", false));
            CompletableFuture<Void> flush = CompletableFuture.runAsync(() -> {
                try {
                    d.flush();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(1_600); // the time is what is checked: the connections a back-off schedule makes in it
            // back-off 100, 200, 400, 800 ms: connections at about 0, 0.1, 0.3, 0.7 and 1.5 s
            int seen = collector.connections.get();
            assertTrue(seen >= 2 && seen <= 8, "connections in 1.6 s: " + seen);
            long exited = System.nanoTime();
            d.containerExited();
            Throwable failure = awaitFailure(flush, LogDriver.EXIT_GRACE_MILLIS + SLACK_MILLIS);
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - exited);
            assertTrue(took <= LogDriver.EXIT_GRACE_MILLIS + SLACK_MILLIS, "released " + took + " ms after the exit");
            assertInstanceOf(IOException.class, failure.getCause(), failure.toString());
            assertTrue(failure.getCause().getMessage().contains("records kept"), failure.getCause().getMessage());
            d.close();
            assertTrue(collector.connections.get() <= 12, "connections in all: " + collector.connections.get());
        }
    }

    @Test
    void anAbsentCollectorWithAMinuteOfBackoffReleasesWithinTheExitGrace() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        FluentdDriver d = open(opts("fluentd-address", "tcp://127.0.0.1:" + port, "fluentd-async", "true",
                "fluentd-retry-wait", "1m"));
        d.write(rec(LogStream.STDOUT, T, "a\n", false));
        WatchedThread watched = new WatchedThread();
        CompletableFuture<Void> flush = watched.runAsync(() -> {
            try {
                d.flush();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        watched.awaitTimedWaiting("the flush inside its first one-minute back-off sleep", Duration.ofSeconds(10));
        assertTrue(!flush.isDone(), "blocked while the container runs (mode=blocking waits for the collector)");
        long exited = System.nanoTime();
        d.containerExited();
        Throwable failure = awaitFailure(flush, LogDriver.EXIT_GRACE_MILLIS + SLACK_MILLIS);
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - exited);
        assertTrue(took <= LogDriver.EXIT_GRACE_MILLIS + SLACK_MILLIS, "released " + took + " ms after the exit");
        assertTrue(failure.getCause().getMessage().contains("the container has exited"), failure.getCause().getMessage());
        long closeStart = System.nanoTime();
        d.close(); // the kept record is reported, not waited for again
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closeStart) <= SLACK_MILLIS, "close after the deadline");
        assertTrue(warnings.stream().anyMatch(w -> w.startsWith("1 records not delivered to tcp://127.0.0.1:" + port)),
                warnings.toString());
    }

    private static Throwable awaitFailure(CompletableFuture<Void> f, long millis) throws Exception {
        try {
            f.get(millis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the flush succeeded without a collector");
    }

    /** A real TCP collector that reads whatever comes and answers every message with {"ack": "wrong"}. */
    static final class WrongAckCollector implements AutoCloseable {
        private static final byte[] WRONG = {(byte) 0x81, (byte) 0xa3, 'a', 'c', 'k', (byte) 0xa5, 'w', 'r', 'o', 'n', 'g'};
        final AtomicInteger connections = new AtomicInteger();
        private final ServerSocket server;
        private final Thread acceptor;

        WrongAckCollector() throws IOException {
            server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            acceptor = Thread.ofPlatform().daemon().name("wrong-ack").start(this::serve);
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve() {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    connections.incrementAndGet();
                    s.setSoTimeout(2_000);
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    if (in.read(new byte[65536]) > 0) {
                        out.write(WRONG);
                        out.flush();
                    }
                } catch (IOException e) {
                    // closed, or a client gone: next connection
                }
            }
        }

        @Override
        public void close() throws Exception {
            server.close();
            acceptor.join(5_000);
        }
    }
}
