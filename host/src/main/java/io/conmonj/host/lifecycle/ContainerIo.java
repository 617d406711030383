package io.conmonj.host.lifecycle;

import io.conmonj.host.logging.Stream;
import io.conmonj.host.loop.EventLoop;
import io.conmonj.host.loop.OutputPump;
import io.conmonj.host.runtime.RuntimeProcess;
import io.conmonj.host.sys.NativeCallException;
import io.conmonj.host.sys.Sys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The container's stdio as the monitor holds it (contract §2 step 13, §7.4):
 * by default pipes, whose child ends become the runtime's fds 0-2 and whose
 * read ends the monitor pumps; with the passthrough driver, the caller's own
 * fds 0-2, which the runtime inherits and the monitor never reads.
 */
final class ContainerIo {
    private static final int RUNTIME_ERROR_MAX = 8191;

    private final boolean passthrough;
    private int stdinRead = -1, stdinWrite = -1;
    private int stdoutRead = -1, stdoutWrite = -1;
    private int stderrRead = -1, stderrWrite = -1;
    private OutputPump out, err;

    private ContainerIo(boolean passthrough) {
        this.passthrough = passthrough;
    }

    /** stdout and stderr pipes always; a stdin pipe only with -i (the monitor keeps its write end). */
    static ContainerIo pipes(boolean stdin) throws NativeCallException {
        ContainerIo io = new ContainerIo(false);
        if (stdin) {
            int[] pipe = Sys.pipe();
            io.stdinRead = pipe[0];
            io.stdinWrite = pipe[1];
            Sys.setNonBlocking(io.stdinWrite);
        }
        int[] outPipe = Sys.pipe();
        io.stdoutRead = outPipe[0];
        io.stdoutWrite = outPipe[1];
        int[] errPipe = Sys.pipe();
        io.stderrRead = errPipe[0];
        io.stderrWrite = errPipe[1];
        return io;
    }

    /** Passthrough: the runtime gets the caller's stdio; nothing is read or logged. */
    static ContainerIo passthrough() {
        return new ContainerIo(true);
    }

    boolean isPassthrough() {
        return passthrough;
    }

    /** What the runtime's fds 0-2 are. */
    RuntimeProcess.Stdio childStdio(int devNull) {
        if (passthrough) {
            return new RuntimeProcess.Stdio(0, 1, 2);
        }
        return new RuntimeProcess.Stdio(stdinRead >= 0 ? stdinRead : devNull, stdoutWrite, stderrWrite);
    }

    /** The write end of the container's stdin pipe, or -1 without -i. */
    int stdinFd() {
        return stdinWrite;
    }

    /** After the runtime was started the monitor must not hold the child ends (EOF detection). */
    void closeChildEnds() {
        Sys.closeQuietly(stdinRead);
        Sys.closeQuietly(stdoutWrite);
        Sys.closeQuietly(stderrWrite);
        stdinRead = stdoutWrite = stderrWrite = -1;
    }

    /** The runtime's own error text, read once without blocking (§3.4); null if none or passthrough. */
    String runtimeError() throws NativeCallException {
        if (stderrRead < 0) {
            return null;
        }
        Sys.setNonBlocking(stderrRead);
        byte[] buf = new byte[RUNTIME_ERROR_MAX];
        int n = Sys.read(stderrRead, buf, buf.length);
        return n > 0 ? new String(Arrays.copyOf(buf, n), StandardCharsets.UTF_8) : null;
    }

    /** Starts moving stdout and stderr to {@code sink} on the loop. */
    void pump(EventLoop loop, OutputPump.Sink sink) throws NativeCallException {
        if (passthrough) {
            return;
        }
        out = new OutputPump(Stream.STDOUT, stdoutRead, sink);
        err = new OutputPump(Stream.STDERR, stderrRead, sink);
        stdoutRead = stderrRead = -1;
        out.register(loop);
        err.register(loop);
    }

    /** What is still buffered in the pipes: stdout first, then stderr (§10.2). */
    void drain() throws IOException {
        if (out != null) {
            out.drain();
            err.drain();
        }
    }

    void close() {
        closeChildEnds();
        if (out != null) {
            out.close();
            err.close();
        }
        Sys.closeQuietly(stdoutRead);
        Sys.closeQuietly(stderrRead);
        Sys.closeQuietly(stdinWrite);
        stdoutRead = stderrRead = stdinWrite = -1;
    }
}
