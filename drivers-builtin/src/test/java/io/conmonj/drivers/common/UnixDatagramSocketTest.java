package io.conmonj.drivers.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The errors a datagram send can meet, each with its errno (the JDK cannot bind a datagram receiver to test delivery). */
class UnixDatagramSocketTest {

    @Test
    void missingSocketIsEnoentAndTheSocketStaysUsable(@TempDir Path dir) throws IOException {
        try (UnixDatagramSocket s = new UnixDatagramSocket(dir.resolve("none.sock").toString())) {
            for (int i = 0; i < 2; i++) {
                UnixDatagramSocket.Failure f = assertThrows(UnixDatagramSocket.Failure.class,
                        () -> s.send(new byte[] {'x'}, 0, 1));
                assertEquals(UnixDatagramSocket.Errno.ENOENT, f.errno());
                assertEquals("No such file or directory", f.getMessage());
            }
        }
    }

    @Test
    void streamSocketAtThePathIsAProtocolTypeError(@TempDir Path dir) throws IOException {
        Path p = dir.resolve("stream.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)
                .bind(UnixDomainSocketAddress.of(p));
             UnixDatagramSocket s = new UnixDatagramSocket(p.toString())) {
            UnixDatagramSocket.Failure f = assertThrows(UnixDatagramSocket.Failure.class,
                    () -> s.send(new byte[] {'x'}, 0, 1));
            assertEquals(UnixDatagramSocket.Errno.EPROTOTYPE, f.errno(), f.getMessage());
        }
    }

    @Test
    void pathLongerThanSunPathIsRefused() {
        IOException e = assertThrows(IOException.class, () -> new UnixDatagramSocket("/" + "x".repeat(107)));
        assertEquals("unix socket path too long: /" + "x".repeat(107), e.getMessage());
    }

    @Test
    void sendAfterCloseFails(@TempDir Path dir) throws IOException {
        UnixDatagramSocket s = new UnixDatagramSocket(dir.resolve("x.sock").toString());
        s.close();
        s.close();
        assertThrows(IOException.class, () -> s.send(new byte[1], 0, 1));
    }
}
