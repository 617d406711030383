package io.conmonj.drivers.builtin.journald;

import io.conmonj.drivers.common.UnixDatagramSocket;

import io.conmonj.drivers.common.UnixDatagramSocket.Errno;

import java.io.IOException;

/**
 * journald's native socket ({@code /run/systemd/journal/socket}): entries go as datagrams on a
 * {@link UnixDatagramSocket}; an entry too large for a datagram ({@code EMSGSIZE}/{@code ENOBUFS}) goes, as with
 * {@code sd_journal_sendv}, in a sealed memfd whose descriptor is passed with {@code SCM_RIGHTS}.
 *
 * <p>Needs native access: the monitor's jar grants it to the unnamed module ({@code Enable-Native-Access}).
 */
final class JournalSocket implements JournaldLog.Sink {
    static final String DEFAULT_PATH = "/run/systemd/journal/socket";

    /** Loads the classes (makes the downcall handles); false if this JVM cannot (no native access). */
    static boolean prepare() {
        return UnixDatagramSocket.prepare();
    }

    private final UnixDatagramSocket socket;

    JournalSocket(String path) throws IOException {
        socket = new UnixDatagramSocket(path);
    }

    @Override
    public synchronized void send(byte[] datagram, int length) throws IOException {
        try {
            socket.send(datagram, 0, length);
        } catch (UnixDatagramSocket.Failure f) {
            if (f.errno() != Errno.EMSGSIZE && f.errno() != Errno.ENOBUFS) {
                throw f;
            }
            // as sd_journal_sendv: an entry too large for a datagram goes in a sealed memfd
            socket.sendInSealedMemfd(datagram, length);
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
