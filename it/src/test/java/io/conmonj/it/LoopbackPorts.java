package io.conmonj.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Loopback ports for collectors that must be absent. */
final class LoopbackPorts {
    private LoopbackPorts() {}

    /** A loopback port nobody listens on (bound by the OS, then released). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
