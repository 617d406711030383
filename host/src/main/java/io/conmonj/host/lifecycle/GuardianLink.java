package io.conmonj.host.lifecycle;

import io.conmonj.host.Diagnostics;
import io.conmonj.host.loop.EventLoop;
import io.conmonj.host.sys.Epoll;
import io.conmonj.host.sys.NativeCallException;
import io.conmonj.host.sys.Sys;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The monitor's side of the channel to its guardian (src/main/c/guardian.c),
 * the C process that is our parent and finishes the container's exit path if
 * this JVM dies first. The launcher passes, in CONMONJ_GUARDIAN ("FD;PID"),
 * our end of a SOCK_SEQPACKET socketpair and the guardian's pid (the pid
 * Podman must watch: it is written to -P).
 *
 * Each call sends one record (one packet: a tag byte and text), as soon as the
 * monitor knows the fact. Records are small and the guardian reads them at
 * once; a send that fails means the guardian is gone, which is only logged:
 * the monitor itself is still doing the work.
 */
public final class GuardianLink {
    public static final String ENV = "CONMONJ_GUARDIAN";
    /** The guardian ignores longer records (RECORD_MAX in guardian.c). */
    static final int RECORD_MAX = 65536;
    /** The guardian takes at most this much of a failure's account (REASON_MAX in guardian.c). */
    static final int REASON_MAX = 512;

    /** How long a hibernating monitor waits for the guardian to take its descriptors before it stays awake. */
    static final int HAND_OFF_ANSWER_MILLIS = 1000;

    /** Receives the container's status from the guardian, which reaped it (a resumed monitor's container is not its child). */
    @FunctionalInterface
    public interface StatusListener {
        void containerExited(int status);
    }

    private static final GuardianLink ABSENT = new GuardianLink(-1, -1);

    private final int fd;
    private final int guardianPid;
    private boolean broken;
    private boolean finished;
    private StatusListener statusListener;

    /** Package-private for tests, which read the records from a pipe. */
    GuardianLink(int fd, int guardianPid) {
        this.fd = fd;
        this.guardianPid = guardianPid;
    }

    /** From CONMONJ_GUARDIAN; absent (every call a no-op) when the JVM was started without the launcher. */
    public static GuardianLink fromEnvironment() {
        String value = System.getenv(ENV);
        if (value == null) {
            return ABSENT;
        }
        String[] parts = value.split(";", -1);
        try {
            int fd = Integer.parseInt(parts[0]);
            int pid = parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
            Sys.setCloseOnExec(fd, true); // never inherited by the runtime or the exit command
            return new GuardianLink(fd, pid);
        } catch (NumberFormatException | NativeCallException e) {
            Diagnostics.warn("ignoring a bad " + ENV + ": " + value);
            return ABSENT;
        }
    }

    /** No guardian: every record is dropped (the JVM was started by hand, or by a test). */
    public static GuardianLink absent() {
        return ABSENT;
    }

    public boolean present() {
        return fd >= 0;
    }

    /** The pid that stays until the container's exit is recorded: the one -P names. */
    public int guardianPid() {
        return guardianPid;
    }

    /** True once a send failed: the guardian is gone and nothing more is sent. */
    boolean broken() {
        return broken;
    }

    /** The fd itself, so the monitor does not pass it on as an inherited fd. */
    public int fd() {
        return fd;
    }

    public void containerId(String id) {
        if (id != null) {
            send('I', text(id));
        }
    }

    /** An exit file the guardian writes if we cannot: persist file first, then the exit-dir file (conmon-behaviour.md §10.4). */
    public void exitFile(Path path) {
        if (path != null) {
            send('E', text(path.toAbsolutePath().toString()));
        }
    }

    /** The k8s-file log, where the guardian appends the reason and the output it drains. */
    public void k8sLog(Path path) {
        if (path != null) {
            send('L', text(path.toAbsolutePath().toString()));
        }
    }

    /** The exit command, run by the guardian after {@code delaySeconds} if we die first. */
    public void exitCommand(String command, List<String> args, int delaySeconds) {
        if (command == null) {
            return;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(nulTerminated(Integer.toString(delaySeconds)));
        out.writeBytes(nulTerminated(command));
        for (String arg : args) {
            out.writeBytes(nulTerminated(arg));
        }
        send('C', out.toByteArray());
    }

    public void containerPid(int pid) {
        send('P', text(Integer.toString(pid)));
    }

    /** Our fds that read the container's stdout (or pty) and stderr, -1 for none: the guardian keeps copies. */
    public void outputFds(int stdout, int stderr) {
        send('O', (stdout + "\0" + stderr).getBytes(StandardCharsets.US_ASCII));
    }

    /** The container was reaped by us: the guardian needs its status, we hold the only copy. */
    public void containerStatus(int status) {
        send('S', text(Integer.toString(status)));
    }

    /** We give up (an exception on the loop) and leave the container to the guardian: why, for its report. */
    public void failing(String reason) {
        String text = reason == null || reason.isEmpty() ? "unknown failure" : reason.replace('\n', ' ').replace('\0', ' ');
        send('R', truncate(text, REASON_MAX));
    }

    /** Exit files written and exit command started: from now on our own exit path is complete. */
    public void finished() {
        send('F', new byte[0]);
        finished = true;
    }

    /**
     * After {@link #finished()}: every child is reaped and we only exit now, with {@code status}. The guardian exits
     * at once with it, so Podman, which waits for the guardian's pid (-P), does not wait for this JVM's own exit and
     * the kernel's teardown of its address space (≈ 4-6 ms, docs/design.md "The monitor's own start").
     */
    public void exiting(int status) {
        if (!finished) {
            return; // the guardian still has work to do after us: it must wait for our exit
        }
        send('X', text(Integer.toString(status & 0xff)));
    }

    /**
     * Hibernation: asks the guardian to hold {@code state}'s descriptors and text until the container needs a monitor
     * again ({@code 'H'}), and waits (bounded) for its answer. True when it took them ({@code 'h'}): this JVM may
     * exit now and the guardian starts the next one. False when it refused ({@code 'n'}, the reason is logged), did
     * not answer in time, or is gone: the monitor stays.
     */
    boolean handOff(ResumeState state) {
        if (fd < 0 || broken) {
            return false;
        }
        byte[] fds = state.fdList().getBytes(StandardCharsets.US_ASCII);
        byte[] text = text(state.stateText());
        byte[] payload = new byte[fds.length + 1 + text.length];
        System.arraycopy(fds, 0, payload, 0, fds.length);
        System.arraycopy(text, 0, payload, fds.length + 1, text.length);
        send('H', payload);
        if (broken) {
            return false;
        }
        byte[] answer = new byte[REASON_MAX + 1];
        int n;
        try (Epoll wait = new Epoll()) {
            wait.add(fd, Epoll.IN);
            do { // a resumed monitor may get the container's status first: it is kept, and the answer follows
                if (wait.await(HAND_OFF_ANSWER_MILLIS) == 0) {
                    Diagnostics.warn("the guardian did not answer the hand-off within " + HAND_OFF_ANSWER_MILLIS
                            + " ms; the monitor stays");
                    return false;
                }
                n = Sys.read(fd, answer, answer.length);
            } while (n > 0 && takeStatus(answer, n));
        } catch (NativeCallException e) {
            Diagnostics.warn("hand-off to the guardian: " + e.getMessage());
            return false;
        }
        if (n == 1 && answer[0] == 'h') {
            return true;
        }
        String why = n > 1 && answer[0] == 'n'
                ? new String(answer, 1, n - 1, StandardCharsets.UTF_8) : "an answer of " + Math.max(n, 0) + " bytes";
        Diagnostics.warn("the guardian refused the hand-off: " + why + "; the monitor stays");
        return false;
    }

    /** An {@code 's'} record goes to the status listener; false for any other record. */
    private boolean takeStatus(byte[] record, int n) {
        if (n < 2 || record[0] != 's' || statusListener == null) {
            return false;
        }
        String text = new String(record, 1, n - 1, StandardCharsets.US_ASCII);
        try {
            statusListener.containerExited(Integer.parseInt(text));
        } catch (NumberFormatException e) {
            Diagnostics.warn("ignored a bad status from the guardian: " + text);
        }
        return true;
    }

    /**
     * A resumed monitor: the guardian reaped the container (it became the guardian's child when the first monitor
     * exited) and sends its status as an {@code 's'} record; {@code listener} gets it on the loop.
     */
    void watchContainerStatus(EventLoop loop, StatusListener listener) throws NativeCallException {
        if (fd < 0) {
            return;
        }
        statusListener = listener;
        byte[] record = new byte[64];
        loop.register(fd, Epoll.IN, events -> {
            int n;
            try {
                n = Sys.read(fd, record, record.length);
            } catch (NativeCallException e) {
                n = -1;
            }
            if (n <= 0) { // the guardian is gone: nobody will tell us; the exit path must not wait for it
                loop.unregister(fd);
                broken = true;
                Diagnostics.warn("the guardian is gone; the container's status cannot be learnt");
                listener.containerExited(-1);
            } else if (!takeStatus(record, n)) {
                Diagnostics.warn("ignored a record of " + n + " bytes from the guardian");
            }
        });
    }

    private void send(char tag, byte[] payload) {
        if (fd < 0 || broken) {
            return;
        }
        if (payload.length + 1 > RECORD_MAX) {
            Diagnostics.warn("record for the guardian too long (" + payload.length + " bytes), not sent");
            return;
        }
        byte[] record = new byte[payload.length + 1];
        record[0] = (byte) tag;
        System.arraycopy(payload, 0, record, 1, payload.length);
        try {
            Sys.writeAll(fd, record); // SOCK_SEQPACKET: one write, one record
        } catch (NativeCallException e) {
            broken = true;
            Diagnostics.warn("the guardian is gone: " + e.getMessage());
        }
    }

    /** At most {@code max} bytes of UTF-8, cut at a character boundary. */
    private static byte[] truncate(String value, int max) {
        byte[] bytes = text(value);
        if (bytes.length <= max) {
            return bytes;
        }
        int end = max;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--;
        }
        return java.util.Arrays.copyOf(bytes, end);
    }

    private static byte[] text(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] nulTerminated(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, out, 0, bytes.length);
        return out;
    }
}
