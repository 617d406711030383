package io.conmonj.host.lifecycle;

import io.conmonj.host.Diagnostics;
import io.conmonj.host.attach.ControlFifos;
import io.conmonj.host.attach.StdinSink;
import io.conmonj.host.logging.Stream;
import io.conmonj.host.loop.EventLoop;
import io.conmonj.host.loop.OutputPump;
import io.conmonj.host.runtime.RuntimeProcess;
import io.conmonj.host.sys.Descriptors;
import io.conmonj.host.sys.NativeCallException;
import io.conmonj.host.sys.Sys;
import io.conmonj.host.terminal.ConsoleSocket;
import io.conmonj.host.terminal.ContainerStdin;
import io.conmonj.host.terminal.Pty;
import io.conmonj.host.terminal.PtyOutput;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The container's stdio as the monitor holds it (conmon-behaviour.md §2 step 13, §7.4,
 * conmon-behaviour.md §9), in one of three shapes:
 * <ul>
 * <li>pipes (default): stdout and stderr pipes, a stdin pipe with -i; the
 *     child ends become the runtime's fds 0-2, the monitor pumps the others;</li>
 * <li>terminal (-t): a console socket on which the runtime hands over the pty
 *     master; the monitor reads the master (everything is stdout, with
 *     ONLCR) and writes stdin to it; a stderr pipe still carries the
 *     runtime's own messages;</li>
 * <li>passthrough: the caller's own fds 0-2, inherited by the runtime and
 *     never read.</li>
 * </ul>
 */
final class ContainerIo {
    private static final int RUNTIME_ERROR_MAX = 8191;

    /** Runs once the pty exists (terminal mode), so the monitor can start applying window sizes. */
    interface PtyListener {
        void ptyReady(ContainerIo io) throws IOException;
    }

    private final boolean passthrough;
    private int stdinRead = -1;
    private int stdoutRead = -1, stdoutWrite = -1;
    private int stderrRead = -1, stderrWrite = -1;
    private OutputPump out, err;
    private StdinSink stdin = StdinSink.DISCARD;
    private ContainerStdin containerStdin;
    private ConsoleSocket console;
    private PtyOutput ptyOut;
    private int ptyFd = -1;
    /** Made up front: nothing on the path from the console socket to TIOCSWINSZ may load or bind code. */
    private final ControlFifos.ResizeListener resizer = this::resize;

    private ContainerIo(boolean passthrough) {
        this.passthrough = passthrough;
    }

    /** stdout and stderr pipes always; with -i a stdin pipe whose write end is fed by attach clients. */
    static ContainerIo pipes(EventLoop loop, boolean withStdin) throws NativeCallException {
        ContainerIo io = new ContainerIo(false);
        if (withStdin) {
            int[] pipe = Sys.pipe();
            io.stdinRead = pipe[0];
            io.containerStdin = ContainerStdin.forPipe(loop, pipe[1], Diagnostics::warn);
            io.stdin = io.containerStdin;
        }
        int[] outPipe = Sys.pipe();
        io.stdoutRead = outPipe[0];
        io.stdoutWrite = outPipe[1];
        io.openStderrPipe();
        return io;
    }

    /** -t: a console socket for the runtime, stdin held until the pty arrives. */
    static ContainerIo terminal(EventLoop loop, OutputPump.Sink sink, PtyListener listener) throws IOException {
        ContainerIo io = new ContainerIo(false);
        Pty.prepare();
        io.containerStdin = ContainerStdin.forTerminal(loop, Diagnostics::warn);
        io.stdin = io.containerStdin;
        io.openStderrPipe();
        io.console = ConsoleSocket.open(loop, (master, name) -> {
            // The process may already be running (runc does not wait for us): apply a size that
            // is waiting first, then the rest. As conmon, stdout is a dup of the master, so
            // closing stdin keeps output flowing; sizes go through that dup too.
            io.ptyFd = Descriptors.dup(master);
            listener.ptyReady(io);
            Pty.setOnlcr(master, Diagnostics::warn);
            io.ptyOut = new PtyOutput(loop, io.ptyFd, sink, Diagnostics::warn);
            io.containerStdin.setFd(master);
        }, Diagnostics::warn);
        return io;
    }

    /**
     * A resumed monitor (hibernation): the read ends of the container's stdout and stderr pipes, kept by the
     * guardian while no monitor ran (-1 for one the previous monitor had seen end).
     */
    static ContainerIo adopt(int stdoutRead, int stderrRead) {
        ContainerIo io = new ContainerIo(false);
        io.stdoutRead = stdoutRead;
        io.stderrRead = stderrRead;
        return io;
    }

    /** Passthrough: the runtime gets the caller's stdio; nothing is read or logged. */
    static ContainerIo passthrough() {
        return new ContainerIo(true);
    }

    private void openStderrPipe() throws NativeCallException {
        int[] errPipe = Sys.pipe();
        stderrRead = errPipe[0];
        stderrWrite = errPipe[1];
    }

    boolean isPassthrough() {
        return passthrough;
    }

    /** The console socket path for the runtime's --console-socket, or null. */
    String consoleSocketPath() {
        return console == null ? null : console.path();
    }

    /** Terminal mode: whether the runtime handed over the pty master (conmon-behaviour.md §3.4 "Runtime did not set up terminal"). */
    boolean terminalMissing() {
        return console != null && !console.received();
    }

    /** Where attach clients' input goes (conmon-behaviour.md §5.4). */
    StdinSink stdin() {
        return stdin;
    }

    ControlFifos.ResizeListener resizer() {
        return resizer;
    }

    /** Applies a window size to the pty (through the output dup, which outlives a closed stdin). */
    void resize(int rows, int cols) {
        if (ptyFd >= 0) {
            Pty.resize(ptyFd, rows, cols, Diagnostics::warn);
        }
    }

    /** What the runtime's fds 0-2 are (conmon-behaviour.md §4.2). */
    RuntimeProcess.Stdio childStdio(int devNull) {
        if (passthrough) {
            return new RuntimeProcess.Stdio(0, 1, 2);
        }
        return new RuntimeProcess.Stdio(stdinRead >= 0 ? stdinRead : devNull,
                stdoutWrite >= 0 ? stdoutWrite : devNull, stderrWrite);
    }

    /** After the runtime was started the monitor must not hold the child ends (EOF detection). */
    void closeChildEnds() {
        Sys.closeQuietly(stdinRead);
        Sys.closeQuietly(stdoutWrite);
        Sys.closeQuietly(stderrWrite);
        stdinRead = stdoutWrite = stderrWrite = -1;
    }

    /** The runtime's own error text, read once without blocking (conmon-behaviour.md §3.4); null if none or passthrough. */
    String runtimeError() throws NativeCallException {
        if (stderrRead < 0) {
            return null;
        }
        Sys.setNonBlocking(stderrRead);
        byte[] buf = new byte[RUNTIME_ERROR_MAX];
        int n = Sys.read(stderrRead, buf, buf.length);
        return n > 0 ? new String(Arrays.copyOf(buf, n), StandardCharsets.UTF_8) : null;
    }

    /** The fds reading the container's stdout (or the pty) and stderr, -1 for none; valid before {@link #pump}. */
    int[] outputFds() {
        return new int[] {stdoutRead >= 0 ? stdoutRead : ptyFd, stderrRead};
    }

    /** Starts moving the container's output to {@code sink} on the loop. */
    void pump(EventLoop loop, OutputPump.Sink sink) throws NativeCallException {
        if (passthrough) {
            return;
        }
        if (stdoutRead >= 0) {
            out = new OutputPump(Stream.STDOUT, stdoutRead, sink);
            stdoutRead = -1;
            out.register(loop);
        }
        if (ptyOut != null) {
            ptyOut.register();
        }
        if (stderrRead >= 0) {
            err = new OutputPump(Stream.STDERR, stderrRead, sink);
            stderrRead = -1;
            err.register(loop);
        }
    }

    /**
     * Hibernation: the fds still reading the container's output ({@link OutputPump#fd()}, -1 once a stream ended);
     * null when this shape cannot be handed over (a terminal, passthrough, or container stdin, whose state lives
     * here).
     */
    int[] handOffFds() {
        if (passthrough || ptyOut != null || console != null || containerStdin != null) {
            return null;
        }
        return new int[] {out == null ? -1 : out.fd(), err == null ? -1 : err.fd()};
    }

    /** What is still buffered: stdout (or the pty) first, then stderr (conmon-behaviour.md §10.2). */
    void drain() throws IOException {
        if (out != null) {
            out.drain();
        }
        if (ptyOut != null) {
            ptyOut.drain();
        }
        if (err != null) {
            err.drain();
        }
    }

    void close() {
        closeChildEnds();
        if (out != null) {
            out.close();
        }
        if (err != null) {
            err.close();
        }
        if (ptyOut != null) {
            ptyOut.close();
        }
        if (containerStdin != null) {
            containerStdin.close();
        }
        if (console != null) {
            console.close();
        }
        Sys.closeQuietly(stdoutRead);
        Sys.closeQuietly(stderrRead);
        stdoutRead = stderrRead = -1;
    }
}
