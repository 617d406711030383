package io.conmonj.host.attach;

/**
 * Where attach clients' input goes: container stdin (the stdin pipe with
 * {@code -i}, the pty master with {@code -t}), provided by the monitor.
 * Implementations handle their own errors (conmon warns and carries on) and
 * must not block: the monitor is single-threaded.
 *
 * <p>Back-pressure, as in conmon: a source reads its next packet only while
 * {@link #accepting()} is true. When the container does not take a packet at
 * once, the sink keeps it and stops accepting; the sources stop reading (their
 * data waits in their own socket buffers, and their writers block) until the
 * sink has written what it keeps and runs the {@link #onAccepting} callback.
 * Input is never dropped for lack of room, and what the sink keeps is bounded
 * by one packet.
 */
public interface StdinSink {
    /** Bytes of one packet a client sent, unframed (conmon-behaviour.md §5.4). */
    void write(byte[] buf, int off, int len);

    /** Closes container stdin so the container sees EOF (conmon-behaviour.md §5.5). */
    void closeStdin();

    /** True when a source may read and {@link #write} its next packet. */
    boolean accepting();

    /** Runs each time the sink goes back from not accepting to accepting. */
    void onAccepting(Runnable resume);

    /** Without {@code -i} and {@code -t} input is dropped (conmon-behaviour.md §5.4). */
    StdinSink DISCARD = new StdinSink() {
        @Override
        public void write(byte[] buf, int off, int len) {
        }

        @Override
        public void closeStdin() {
        }

        @Override
        public boolean accepting() {
            return true;
        }

        @Override
        public void onAccepting(Runnable resume) {
        }
    };
}
