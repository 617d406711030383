package io.conmonj.drivers.contrib.net;

import io.conmonj.drivers.contrib.net.Endpoint.Transport;
import io.conmonj.plugin.LogDriverException;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.EnumSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EndpointTest {
    private static final Set<Transport> ALL = EnumSet.allOf(Transport.class);

    @Test
    void parsesEveryTransport() throws Exception {
        assertEquals(new Endpoint("a", Transport.UDP, "127.0.0.1", 514, null),
                Endpoint.parse("a", "udp://127.0.0.1:514", 0, ALL, null));
        assertEquals(new Endpoint("a", Transport.TCP, "logs.example", 601, null),
                Endpoint.parse("a", "TCP://logs.example", 601, ALL, null));
        assertEquals(new Endpoint("a", Transport.TCP, "::1", 12201, null),
                Endpoint.parse("a", "tcp://[::1]:12201", 0, ALL, null));
        assertEquals(new Endpoint("a", Transport.UNIX, null, 0, "/run/x.sock"),
                Endpoint.parse("a", "unix:///run/x.sock", 0, ALL, null));
        assertEquals(new Endpoint("a", Transport.UNIXGRAM, null, 0, "/dev/log"),
                Endpoint.parse("a", "unixgram:///dev/log", 0, ALL, null));
        assertEquals(new Endpoint("a", Transport.TCP, "localhost", 24224, null),
                Endpoint.parse("a", "localhost", 24224, ALL, Transport.TCP));
        assertEquals("tcp://[::1]:12201", Endpoint.parse("a", "tcp://[::1]:12201", 0, ALL, null).toString());
    }

    @Test
    void rejectsWithTheOptionNameAndValue() {
        assertMessage("option syslog-address: 'http://x:1': unsupported scheme 'http' (use udp, tcp, unix, unixgram)",
                "http://x:1", ALL);
        assertMessage("option syslog-address: 'udp://x': missing port", "udp://x", ALL);
        assertMessage("option syslog-address: 'udp://x:99999': invalid port '99999'", "udp://x:99999", ALL);
        assertMessage("option syslog-address: 'udp://:1': missing host", "udp://:1", ALL);
        assertMessage("option syslog-address: 'unix://rel': a unix socket needs an absolute path", "unix://rel", ALL);
        assertMessage("option syslog-address: 'unix:///x': unix is not supported here (use udp, tcp)", "unix:///x",
                EnumSet.of(Transport.UDP, Transport.TCP));
        assertMessage("option syslog-address: 'x:1': expected udp, tcp, unix, unixgram://ADDRESS", "x:1", ALL);
        assertMessage("option syslog-address: 'tcp://a b:5': spaces and control characters are not allowed in an"
                + " address", "tcp://a b:5", ALL);
        assertMessage("option syslog-address: 'tcp://::1:5': write an IPv6 address in brackets, [ADDR]:PORT", "tcp://::1:5", ALL);
    }

    private static void assertMessage(String expected, String value, Set<Transport> allowed) {
        LogDriverException e = assertThrows(LogDriverException.class,
                () -> Endpoint.parse("syslog-address", value, 0, allowed, null));
        assertEquals(expected, e.getMessage());
    }

    @Test
    void resolvesNowAndSaysWhichHostFailed() throws Exception {
        InetSocketAddress a = (InetSocketAddress) Endpoint.parse("o", "udp://127.0.0.1:9", 0, ALL, null).resolve();
        assertEquals(9, a.getPort());
        assertTrue(a.getAddress().isLoopbackAddress());
        assertEquals(UnixDomainSocketAddress.of("/dev/log"),
                Endpoint.parse("o", "unixgram:///dev/log", 0, ALL, null).resolve());
        LogDriverException e = assertThrows(LogDriverException.class,
                () -> Endpoint.parse("gelf-address", "udp://no-such-host.invalid:12201", 0, ALL, null).resolve());
        assertEquals("option gelf-address: 'udp://no-such-host.invalid:12201': cannot resolve host 'no-such-host.invalid'",
                e.getMessage());
    }
}
