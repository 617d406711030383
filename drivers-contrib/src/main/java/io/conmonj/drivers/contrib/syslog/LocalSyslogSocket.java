package io.conmonj.drivers.contrib.syslog;

import io.conmonj.drivers.contrib.net.Endpoint;
import io.conmonj.plugin.LogDriverException;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The local syslog socket used without {@code syslog-address}, found as Docker's srslog finds it: the first of
 * {@code /dev/log}, {@code /var/run/syslog}, {@code /var/run/log} that accepts a client, as a datagram socket if it is
 * one (the usual case: journald's or rsyslog's {@code /dev/log}), else as a stream socket.
 *
 * <p>The type is learnt by connecting a stream socket: a datagram socket refuses it with EPROTOTYPE.
 */
final class LocalSyslogSocket {
    static final List<String> PATHS = List.of("/dev/log", "/var/run/syslog", "/var/run/log");

    private LocalSyslogSocket() {
    }

    static Endpoint find(List<String> paths) throws LogDriverException {
        StringBuilder tried = new StringBuilder();
        for (String path : paths) {
            Path p = Path.of(path);
            if (!Files.exists(p)) {
                tried.append(tried.isEmpty() ? "" : "; ").append(path).append(": No such file or directory");
                continue;
            }
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.connect(UnixDomainSocketAddress.of(p));
                return new Endpoint(SyslogProvider.ADDRESS, Endpoint.Transport.UNIX, null, 0, path);
            } catch (IOException e) {
                String m = String.valueOf(e.getMessage());
                if (m.contains("Protocol wrong type")) {
                    return new Endpoint(SyslogProvider.ADDRESS, Endpoint.Transport.UNIXGRAM, null, 0, path);
                }
                tried.append(tried.isEmpty() ? "" : "; ").append(path).append(": ").append(m);
            }
        }
        throw new LogDriverException("no local syslog socket to send to (" + tried
                + "); set " + SyslogProvider.ADDRESS);
    }
}
