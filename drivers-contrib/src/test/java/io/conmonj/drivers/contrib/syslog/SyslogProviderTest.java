package io.conmonj.drivers.contrib.syslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogDriverException;
import io.conmonj.plugin.LogRecord;
import io.conmonj.plugin.LogStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Options and their messages; framing on the wire, read by in-process receivers (RFC 6587 section 3.4, RFC 5426). */
class SyslogProviderTest {
    static final String ID = "0123456789abcdef0123456789abcdef";
    static final long T = SyslogEncoderTest.T;
    static final SyslogProvider.Host HOST = new SyslogProvider.Host("host-1", 4242, ZoneOffset.UTC, List.of());

    static ContainerMetadata meta(String tag) {
        return new ContainerMetadata(ID, "c1", tag, Map.of("app", "x]y"), Map.of(), null);
    }

    static LogDriver open(Map<String, String> options, List<String> warnings) throws LogDriverException {
        return SyslogProvider.open(meta(null), options, warnings::add, HOST);
    }

    static String fails(Map<String, String> options) {
        return assertThrows(LogDriverException.class, () -> open(options, new ArrayList<>()).close()).getMessage();
    }

    static LogRecord rec(LogStream s, String data, boolean partial) {
        byte[] b = data.getBytes(StandardCharsets.ISO_8859_1);
        return new LogRecord(s, T, b, 0, b.length, partial);
    }

    @Test
    void foundByServiceLoader() {
        assertTrue(ServiceLoader.load(io.conmonj.plugin.LogDriverProvider.class).stream()
                .anyMatch(p -> p.get().name().equals("syslog")));
    }

    @Test
    void optionMessages() {
        assertEquals("option syslog-adress: unknown (known: syslog-address, syslog-facility, syslog-format, "
                + "syslog-framing, syslog-tls-ca-cert, syslog-tls-cert, syslog-tls-key, syslog-tls-skip-verify)",
                fails(Map.of("syslog-adress", "udp://x")));
        assertEquals("option syslog-facility: 'locl0' is not a syslog facility (use a number 0..23 or one of kern, "
                + "user, mail, daemon, auth, syslog, lpr, news, uucp, cron, authpriv, ftp, local0, local1, local2, "
                + "local3, local4, local5, local6, local7)", fails(Map.of("syslog-facility", "locl0")));
        assertTrue(fails(Map.of("syslog-facility", "24")).startsWith("option syslog-facility: '24' is not a syslog facility"));
        assertTrue(fails(Map.of("syslog-facility", "0000000000003")).startsWith("option syslog-facility: '0000000000003' is"
                + " not a syslog facility"));
        assertEquals("option syslog-format: 'rfc5425' is not a syslog format (use rfc3164, rfc5424, rfc5424micro, or "
                + "leave it empty for Docker's default)", fails(Map.of("syslog-format", "rfc5425")));
        assertEquals("option syslog-framing: 'lf' is not one of octet-counted, newline",
                fails(Map.of("syslog-framing", "lf")));
        assertEquals("option syslog-framing: 'newline': only tcp:// and unix:// addresses have a framing "
                + "(udp://127.0.0.1:514 sends one message per datagram)", fails(Map.of("syslog-framing", "newline",
                "syslog-address", "udp://127.0.0.1")));
        assertEquals("option syslog-address: 'http://x': unsupported scheme 'http' (use udp, tcp, unix, unixgram)",
                fails(Map.of("syslog-address", "http://x")));
        assertEquals("option syslog-address: '127.0.0.1:514': expected udp, tcp, unix, unixgram://ADDRESS",
                fails(Map.of("syslog-address", "127.0.0.1:514")));
        for (String tls : SyslogProvider.TLS_OPTIONS) {
            assertEquals("option " + tls + ": TLS is not supported by conmon-j's syslog driver; send to a local "
                    + "rsyslog or syslog-ng that forwards over TLS", fails(Map.of(tls, "x")));
        }
        assertEquals("option syslog-address: 'tcp+tls://h:6514': TLS is not supported by conmon-j's syslog driver; "
                + "send to a local rsyslog or syslog-ng that forwards over TLS",
                fails(Map.of("syslog-address", "tcp+tls://h:6514")));
        assertEquals("option syslog-address: 'udp://no-such-host.invalid:514': cannot resolve host "
                + "'no-such-host.invalid'", fails(Map.of("syslog-address", "udp://no-such-host.invalid")));
    }

    @Test
    void unreachableCollectorsAreStartUpErrors(@TempDir Path dir) throws IOException {
        int port;
        try (ServerSocketChannel s = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            port = ((InetSocketAddress) s.getLocalAddress()).getPort();
        }
        assertEquals("option syslog-address: 'tcp://127.0.0.1:" + port + "': cannot connect: Connection refused",
                fails(Map.of("syslog-address", "tcp://127.0.0.1:" + port)));
        Path none = dir.resolve("none.sock");
        assertEquals("option syslog-address: 'unixgram://" + none + "': No such file or directory",
                fails(Map.of("syslog-address", "unixgram://" + none)));
        assertTrue(fails(Map.of("syslog-address", "unix://" + none)).startsWith("option syslog-address: 'unix://"
                + none + "': cannot connect: "));
        LogDriverException e = assertThrows(LogDriverException.class, () -> SyslogProvider.open(meta(null), Map.of(),
                w -> { }, new SyslogProvider.Host("h", 1, ZoneOffset.UTC, List.of(none.toString()))));
        assertEquals("no local syslog socket to send to (" + none + ": No such file or directory); set syslog-address",
                e.getMessage());
    }

    /** TCP with each framing: RFC 6587 3.4.1 octet counting ("LEN SP MSG") and 3.4.2 LF termination. */
    @Test
    void tcpFramingsOnTheWire() throws Exception {
        String m1 = "<30>1 2024-03-05T07:08:09Z host-1 0123456789ab 4242 - [labels@32473 app=\"x\\]y\"] hello";
        String m2 = "<27>1 2024-03-05T07:08:09Z host-1 0123456789ab 4242 - [labels@32473 app=\"x\\]y\"] partial line";
        assertEquals(m1.length() + " " + m1 + m2.length() + " " + m2, tcp(Map.of("syslog-format", "rfc5424")));
        assertEquals(m1 + "\n" + m2 + "\n", tcp(Map.of("syslog-format", "rfc5424", "syslog-framing", "newline")));
        String u1 = "<30>Mar  5 07:08:09 0123456789ab[4242]: hello";
        String u2 = "<27>Mar  5 07:08:09 0123456789ab[4242]: partial line";
        assertEquals(u1 + "\n" + u2 + "\n", tcp(Map.of()));
        assertEquals(u1.length() + " " + u1 + u2.length() + " " + u2, tcp(Map.of("syslog-framing", "octet-counted")));
    }

    private String tcp(Map<String, String> options) throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Map<String, String> o = new HashMap<>(options);
            o.put("syslog-address", "tcp://127.0.0.1:" + ((InetSocketAddress) server.getLocalAddress()).getPort());
            LogDriver d = open(o, new ArrayList<>());
            try (SocketChannel peer = server.accept()) {
                d.write(rec(LogStream.STDOUT, "hello\n", false));
                d.write(rec(LogStream.STDERR, "partial ", true));
                d.write(rec(LogStream.STDERR, "line\n", false));
                d.close();
                return readAll(peer);
            }
        }
    }

    @Test
    void unixStreamIsNewlineFramedByDefault(@TempDir Path dir) throws Exception {
        Path sock = dir.resolve("s.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(sock))) {
            LogDriver d = open(Map.of("syslog-address", "unix://" + sock, "syslog-format", "rfc5424micro",
                    "syslog-facility", "local0"), new ArrayList<>());
            try (SocketChannel peer = server.accept()) {
                d.write(rec(LogStream.STDOUT, "tail without newline", true));
                d.close(); // the unterminated last line goes out on close
                assertEquals("<134>1 2024-03-05T07:08:09.123456Z host-1 0123456789ab 4242 - [labels@32473 app=\"x\\]y\"] "
                        + "tail without newline\n", readAll(peer));
            }
        }
    }

    /** UDP, RFC 5426 section 3.1: one message per datagram, nothing added. */
    @Test
    void udpOneMessagePerDatagram() throws Exception {
        try (DatagramChannel rx = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int port = ((InetSocketAddress) rx.getLocalAddress()).getPort();
            try (LogDriver d = SyslogProvider.open(meta("my-tag"), Map.of("syslog-address", "udp://127.0.0.1:" + port,
                    "syslog-format", "rfc3164", "syslog-facility", "user"), w -> { }, HOST)) {
                d.write(rec(LogStream.STDOUT, "one\n", false));
                d.write(rec(LogStream.STDERR, "two\n", false));
            }
            ByteBuffer b = ByteBuffer.allocate(65536);
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                b.clear();
                rx.receive(b);
                b.flip();
                got.add(StandardCharsets.ISO_8859_1.decode(b).toString());
            }
            assertEquals(List.of("<14>Mar  5 07:08:09 host-1 my-tag[4242]: one",
                    "<11>Mar  5 07:08:09 host-1 my-tag[4242]: two"), got);
        }
    }

    private static String readAll(SocketChannel peer) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(8192);
        while (peer.read(b) >= 0) {
            all.write(b.array(), 0, b.position());
            b.clear();
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }
}
