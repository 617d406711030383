package io.conmonj.host.attach;

/**
 * Where attach clients' input goes: container stdin (the stdin pipe with
 * {@code -i}, the pty master with {@code -t}), provided by the monitor.
 * Implementations handle their own errors (conmon warns and carries on) and
 * must not block: the monitor is single-threaded.
 */
public interface StdinSink {
    /** Bytes of one packet a client sent, unframed (contract §5.4). */
    void write(byte[] buf, int off, int len);

    /** Closes container stdin so the container sees EOF (contract §5.5). */
    void closeStdin();

    /** Without {@code -i} and {@code -t} input is dropped (contract §5.4). */
    StdinSink DISCARD = new StdinSink() {
        @Override
        public void write(byte[] buf, int off, int len) {
        }

        @Override
        public void closeStdin() {
        }
    };
}
