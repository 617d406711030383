package io.conmonj.drivers.contrib.net;

import io.conmonj.plugin.LogDriver;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchedStreamTest {
    private final List<String> warnings = new ArrayList<>();

    private StreamSender sender(int port) throws Exception {
        Endpoint e = Endpoint.parse("o", "tcp://127.0.0.1:" + port, 0, EnumSet.allOf(Endpoint.Transport.class), null);
        return new StreamSender(e, e.resolve(), new Backoff(20, 200), -1, warnings::add);
    }

    private static void append(BatchedStream s, String message) {
        s.batch().append(message.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void theMessagesAppendedGoOutAtFlush() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            StreamSender sender = sender(server.getLocalPort());
            sender.connect();
            BatchedStream s = new BatchedStream(sender);
            try (Socket peer = server.accept(); InputStream in = peer.getInputStream()) {
                append(s, "one\n");
                append(s, "two\n");
                assertEquals(8, s.batch().size(), "collected, not sent");
                s.flush();
                assertEquals(0, s.batch().size());
                s.flush(); // nothing to send
                append(s, "three\n");
                s.flush();
                s.close();
                assertEquals("one\ntwo\nthree\n", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
            }
        }
    }

    @Test
    void aFailedFlushDropsTheBatch() throws Exception {
        BatchedStream s = new BatchedStream(sender(1));
        s.close();
        append(s, "lost\n");
        assertThrows(IOException.class, s::flush);
        assertEquals(0, s.batch().size(), "reported as this read's failure, not sent again with the next read");
        s.flush(); // empty: no send, so no failure
    }

    @Test
    void afterTheContainerExitedAnAbsentCollectorIsWaitedForOnlyTheGracePeriod() throws Exception {
        int port;
        try (ServerSocket gone = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            port = gone.getLocalPort(); // nobody listens there once closed
        }
        BatchedStream s = new BatchedStream(sender(port));
        s.containerExited();
        append(s, "late\n");
        long start = System.nanoTime();
        assertThrows(IOException.class, s::flush);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < LogDriver.EXIT_GRACE_MILLIS + 1_000, "gave up after " + millis + " ms");
        s.close();
    }
}
