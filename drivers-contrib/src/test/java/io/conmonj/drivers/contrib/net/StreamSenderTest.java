package io.conmonj.drivers.contrib.net;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamSenderTest {

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static String readAll(Socket s) throws IOException {
        try (InputStream in = s.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void sendsWholeMessagesAndReconnectsAfterTheCollectorComesBack() throws Exception {
        List<String> warnings = new CopyOnWriteArrayList<>();
        int port;
        Endpoint endpoint;
        StreamSender sender;
        try (ServerSocket first = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            port = first.getLocalPort();
            endpoint = Endpoint.parse("o", "tcp://127.0.0.1:" + port, 0, java.util.EnumSet.allOf(Endpoint.Transport.class), null);
            sender = new StreamSender(endpoint, endpoint.resolve(), new Backoff(20, 200), -1, warnings::add);
            sender.connect();
            try (Socket peer = first.accept()) {
                sender.send(ascii("one "), ascii("two\n"));
                peer.shutdownOutput();
                sender.close(); // only to end readAll; reopened below
                assertEquals("one two\n", readAll(peer));
            }
        }
        // The collector is gone: a send blocks, retrying, until a new one listens on the same port.
        StreamSender again = new StreamSender(endpoint, endpoint.resolve(), new Backoff(20, 200), -1, warnings::add);
        WatchedThread watched = new WatchedThread();
        CompletableFuture<Void> sending = watched.runAsync(() -> {
            try {
                again.send(ascii("three\n"));
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        watched.awaitTimedWaiting("the send in a back-off sleep between connection attempts", Duration.ofSeconds(10));
        assertTrue(!sending.isDone(), "send returned while no collector listened");
        try (ServerSocket second = new ServerSocket()) {
            second.setReuseAddress(true);
            second.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            try (Socket peer = second.accept()) {
                sending.get(10, TimeUnit.SECONDS);
                again.close();
                assertEquals("three\n", readAll(peer));
            }
        }
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("lost connection to tcp://127.0.0.1:" + port + ": "), warnings.get(0));
        assertTrue(warnings.get(1).startsWith("reconnected to tcp://127.0.0.1:" + port + " after "), warnings.get(1));
    }

    @Test
    void givesUpAfterTheRetryLimitWithTheEndpointInTheMessage() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Endpoint endpoint = Endpoint.parse("o", "tcp://127.0.0.1:" + port, 0,
                java.util.EnumSet.allOf(Endpoint.Transport.class), null);
        try (StreamSender sender = new StreamSender(endpoint, endpoint.resolve(), new Backoff(1, 2), 2, w -> { })) {
            assertThrows(IOException.class, sender::connect);
            IOException e = assertThrows(IOException.class, () -> sender.send(ascii("x")));
            assertTrue(e.getMessage().startsWith("tcp://127.0.0.1:" + port + ": "), e.getMessage());
            assertTrue(e.getMessage().endsWith("(gave up after 2 retries)"), e.getMessage());
        }
    }

    @Test
    void afterGiveUpAfterABlockedSendEndsAtTheDeadlineAndLaterSendsFailAtOnce() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Endpoint endpoint = Endpoint.parse("o", "tcp://127.0.0.1:" + port, 0,
                java.util.EnumSet.allOf(Endpoint.Transport.class), null);
        try (StreamSender sender = new StreamSender(endpoint, endpoint.resolve(), new Backoff(10, 50), -1, w -> { })) {
            WatchedThread watched = new WatchedThread();
            CompletableFuture<IOException> blocked = watched.supplyAsync(() -> {
                try {
                    sender.send(ascii("x"));
                    return null;
                } catch (IOException e) {
                    return e;
                }
            });
            watched.awaitTimedWaiting("the send in a back-off sleep between connection attempts", Duration.ofSeconds(10));
            assertTrue(!blocked.isDone(), "without a deadline a send waits for the collector");
            sender.giveUpAfter(100); // as LogDriver.containerExited() does, from another thread
            IOException e = blocked.get(10, TimeUnit.SECONDS);
            assertEquals("tcp://127.0.0.1:" + port + ": not reachable, and the container has exited: giving up",
                    e.getMessage());
            IOException next = assertThrows(IOException.class, () -> sender.send(ascii("y")));
            assertEquals(e.getMessage(), next.getMessage());
            assertEquals(0, sender.millisLeft(1_000));
        }
    }

    @Test
    void aWriteBlockedByACollectorThatStoppedReadingEndsAtTheDeadline() throws Exception {
        try (ServerSocket collector = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Endpoint endpoint = Endpoint.parse("o", "tcp://127.0.0.1:" + collector.getLocalPort(), 0,
                    java.util.EnumSet.allOf(Endpoint.Transport.class), null);
            List<String> warnings = new CopyOnWriteArrayList<>();
            try (StreamSender sender = new StreamSender(endpoint, endpoint.resolve(), new Backoff(10, 50), -1,
                    warnings::add);
                 Socket accepted = connectAndAccept(sender, collector)) {
                // the collector holds the connection open and never reads: the socket buffers fill, a write blocks
                CompletableFuture<IOException> blocked = CompletableFuture.supplyAsync(() -> {
                    ByteBuffer mb = ByteBuffer.allocate(1 << 20);
                    try {
                        for (int i = 0; i < 1000; i++) {
                            sender.send(mb.clear());
                        }
                        return null;
                    } catch (IOException e) {
                        return e;
                    }
                });
                // what is checked is an absence: a write that did not block has returned by now (a thread blocked in
                // a socket write shows no state of its own to await)
                Thread.sleep(300);
                assertTrue(!blocked.isDone(), "the write is blocked by a collector that does not read");
                sender.giveUpAfter(200);
                IOException e = blocked.get(10, TimeUnit.SECONDS);
                assertEquals("tcp://127.0.0.1:" + collector.getLocalPort()
                        + ": not reachable, and the container has exited: giving up", e.getMessage());
                assertTrue(warnings.get(0).startsWith("lost connection to tcp://127.0.0.1:"), warnings.toString());
            }
        }
    }

    private static Socket connectAndAccept(StreamSender sender, ServerSocket collector) throws IOException {
        sender.connect();
        return collector.accept();
    }

    @Test
    void backoffDoublesUpToItsMaximumAndResets() {
        Backoff b = new Backoff(100, 350);
        assertEquals(100, b.nextDelayMillis());
        assertEquals(200, b.nextDelayMillis());
        assertEquals(350, b.nextDelayMillis());
        assertEquals(350, b.nextDelayMillis());
        b.reset();
        assertEquals(100, b.nextDelayMillis());
    }
}
