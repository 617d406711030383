package io.conmonj.drivers.contrib.syslog;

import io.conmonj.drivers.common.UnixDatagramSocket;
import io.conmonj.drivers.contrib.net.DatagramSender;
import io.conmonj.drivers.contrib.net.MessageTransport;
import io.conmonj.drivers.contrib.net.StreamSender;
import io.conmonj.drivers.contrib.net.StreamTransport;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Where encoded syslog messages go. Stronger than {@link MessageTransport#send}: the message at {@code start} of
 * {@code buffer} has at least {@link SyslogEncoder#HEADROOM} free bytes before it and one after it, room for a
 * framing, which {@link Stream} writes there.
 */
interface SyslogTransport extends MessageTransport {

    @Override
    void send(byte[] buffer, int start, int length) throws IOException;

    /** UDP, RFC 5426: one message per datagram, no trailer. */
    final class Udp implements SyslogTransport {
        private final DatagramSender sender;
        private ByteBuffer view;

        Udp(DatagramSender sender) {
            this.sender = sender;
        }

        @Override
        public void send(byte[] buffer, int start, int length) throws IOException {
            if (view == null || view.array() != buffer) {
                view = ByteBuffer.wrap(buffer);
            }
            view.limit(start + length).position(start);
            sender.send(view);
        }

        @Override
        public void close() throws IOException {
            sender.close();
        }
    }

    /**
     * A unix datagram socket ({@code /dev/log}, {@code unixgram://}): one message per datagram, addressed by path, so a
     * restarted receiver gets the next one; while nobody receives, each send fails with the errno (counted by the host)
     * and the next record tries again.
     */
    final class UnixDatagram implements SyslogTransport {
        private final UnixDatagramSocket socket;

        UnixDatagram(UnixDatagramSocket socket) {
            this.socket = socket;
        }

        @Override
        public void send(byte[] buffer, int start, int length) throws IOException {
            try {
                socket.send(buffer, start, length);
            } catch (IOException e) {
                throw new IOException("unixgram://" + socket.path() + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    /**
     * TCP or a unix stream socket, framed; reconnects with back-off and blocks while the collector is away. The
     * framed messages of one read go out with one write at {@link #flush} ({@link StreamTransport}).
     */
    final class Stream extends StreamTransport implements SyslogTransport {
        private final Framing framing;

        Stream(StreamSender sender, Framing framing) {
            super(sender);
            this.framing = framing;
        }

        @Override
        public void send(byte[] buffer, int start, int length) {
            int from = start;
            int to = start + length;
            if (framing == Framing.OCTET_COUNTED) {
                // RFC 6587 section 3.4.1: MSG-LEN SP SYSLOG-MSG, MSG-LEN in decimal without leading zeros
                buffer[--from] = ' ';
                int n = length;
                do {
                    buffer[--from] = (byte) ('0' + n % 10);
                    n /= 10;
                } while (n > 0);
            } else {
                buffer[to++] = '\n';
            }
            batch().append(buffer, from, to - from);
        }
    }
}
