package io.conmonj.drivers.contrib.syslog;

import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogStream;
import io.conmonj.plugin.conformance.LogDriverConformance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The conformance suite for syslog, RFC 5424 over TCP with octet counting (RFC 6587 section 3.4.1), against a
 * receiver that parses each frame by the RFCs: the severity gives the stream (6 stdout, 3 stderr), APP-NAME the
 * container (the tag defaults to the short id), MSG the line. The end-to-end tests in module it do the same against
 * real rsyslog and syslog-ng.
 */
class SyslogConformanceTest extends LogDriverConformance {
    private final List<String[]> frames = new CopyOnWriteArrayList<>(); // {severity, app, msg}
    private ServerSocket server;
    private Thread acceptor;

    @BeforeEach
    void collector() throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        acceptor = Thread.ofPlatform().daemon().name("syslog-conformance").start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread.ofPlatform().daemon().start(() -> read(s));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        acceptor.join(5_000);
    }

    private void read(Socket s) {
        try (s; DataInputStream in = new DataInputStream(s.getInputStream())) {
            while (true) {
                int len = 0;
                int c;
                while ((c = in.read()) != ' ') {
                    if (c < '0' || c > '9') {
                        if (c < 0) {
                            return;
                        }
                        throw new IOException("bad octet count byte " + c);
                    }
                    len = len * 10 + (c - '0');
                }
                byte[] frame = new byte[len];
                in.readFully(frame);
                frames.add(parse(new String(frame, StandardCharsets.UTF_8)));
            }
        } catch (EOFException e) {
            // the driver closed
        } catch (IOException e) {
            frames.add(new String[]{"-1", "-", "receiver: " + e.getMessage()});
        }
    }

    /** {@code <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD [SP MSG]} with SD the NILVALUE. */
    private static String[] parse(String m) {
        int close = m.indexOf('>');
        int severity = Integer.parseInt(m.substring(1, close)) % 8;
        String[] f = m.substring(close + 1).split(" ", 8);
        return new String[]{String.valueOf(severity), f[3], f.length > 7 ? f[7] : ""};
    }

    @Override
    protected LogDriver open(ContainerMetadata container, Consumer<String> warnings) throws Exception {
        return new SyslogProvider().open(container, Map.of("syslog-address", "tcp://127.0.0.1:" + server.getLocalPort(),
                "syslog-format", "rfc5424micro"), warnings);
    }

    @Override
    protected List<Line> received(ContainerMetadata container, int atLeast) throws Exception {
        long deadline = System.nanoTime() + RECEIVE_MILLIS * 1_000_000;
        List<Line> lines = lines(container);
        while (lines.size() < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(20);
            lines = lines(container);
        }
        return lines;
    }

    private List<Line> lines(ContainerMetadata container) {
        return frames.stream().filter(f -> f[1].equals(container.shortId()) || f[0].equals("-1"))
                .map(f -> new Line(f[0].equals("3") ? LogStream.STDERR : LogStream.STDOUT, f[2])).toList();
    }
}
