package io.conmonj.host.lifecycle;

import io.conmonj.host.Diagnostics;
import io.conmonj.host.attach.AttachSocket;
import io.conmonj.host.attach.ControlFifos;
import io.conmonj.host.attach.StdinSink;
import io.conmonj.host.cli.Options;
import io.conmonj.host.exit.ChildReaper;
import io.conmonj.host.exit.ExitFiles;
import io.conmonj.host.logging.ContainerLog;
import io.conmonj.host.logging.Stream;
import io.conmonj.host.loop.EventLoop;
import io.conmonj.host.loop.OutputPump;
import io.conmonj.host.runtime.RuntimeCommand;
import io.conmonj.host.runtime.RuntimeProcess;
import io.conmonj.host.sys.Epoll;
import io.conmonj.host.sys.NativeCallException;
import io.conmonj.host.sys.SignalFd;
import io.conmonj.host.sys.Sys;
import io.conmonj.host.sys.TimerFd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The detached monitor of one container, from runtime start to exit files
 * (contract §2 steps 13-25): it runs `runtime create`, reports the container
 * pid on the sync pipe, moves the container's output into the log until the
 * container is reaped, and leaves the exit status where Podman looks for it.
 */
public final class Monitor {
    private static final int RUNTIME_ERROR_MAX = 8191;

    private final Options options;
    private final MonitorContext context;
    private final ContainerLog log;
    private final ChildReaper reaper = new ChildReaper();

    private AttachSocket attach;
    private ControlFifos fifos;
    private int runtimePid = -1;
    private int containerPid = -1;
    private boolean timedOut;

    public Monitor(Options options, MonitorContext context, ContainerLog log) {
        this.options = options;
        this.context = context;
        this.log = log;
    }

    /** Runs the container to its end; returns the container's status (§10.3), or 1 on failure. */
    public int run() throws IOException {
        try (EventLoop loop = new EventLoop();
             SignalFd signals = new SignalFd(Sys.SIGCHLD, Sys.SIGUSR1, Sys.SIGTERM, Sys.SIGINT, Sys.SIGQUIT);
             TimerFd timeout = new TimerFd()) {
            loop.register(signals.fd(), Epoll.IN, events -> onSignals(signals));
            // The attach socket listens before the pid is reported (§5.2); Podman's
            // `run` streams the container's output through it.
            attach = AttachSocket.open(placement(), loop, StdinSink.DISCARD,
                    AttachSocket.closeStdinOnDetach(StdinSink.DISCARD, options.stdin(), options.leaveStdinOpen(),
                            Diagnostics::info),
                    Diagnostics::warn);
            fifos = ControlFifos.open(options.bundle(), loop, log::reopen, Diagnostics::warn);

            int[] stdout = Sys.pipe();
            int[] stderr = Sys.pipe();
            runtimePid = new RuntimeProcess(context.execHelper()).start(
                    RuntimeCommand.build(options, null),
                    new RuntimeProcess.Stdio(context.devNull(), stdout[1], stderr[1]),
                    context.runtimeFds(), context.childEnvironment(),
                    options.replaceListenPid(), context.originalOomScoreAdj());
            Sys.close(stdout[1]);
            Sys.close(stderr[1]);
            Diagnostics.debug("runtime started as pid " + runtimePid);

            loop.runUntil(() -> reaper.statusOf(runtimePid) != null);
            int runtimeStatus = reaper.statusOf(runtimePid);
            if (runtimeStatus != 0) {
                String message = readRuntimeError(stderr[0]);
                Diagnostics.error("Failed to create container: exit status " + runtimeStatus);
                context.syncPipe().send(-1, message);
                return 1;
            }

            try {
                containerPid = readContainerPid(Path.of(options.containerPidfile()));
            } catch (IOException | NumberFormatException e) {
                // Deliberately better than conmon 2.2.1, which sends nothing here (contract §3.4).
                String message = "Failed to read container pid from " + options.containerPidfile() + ": "
                        + e.getMessage();
                Diagnostics.error(message);
                context.syncPipe().send(-1, message);
                return 1;
            }
            context.syncPipe().send(containerPid);

            OutputPump out = new OutputPump(Stream.STDOUT, stdout[0], this::deliver);
            OutputPump err = new OutputPump(Stream.STDERR, stderr[0], this::deliver);
            out.register(loop);
            err.register(loop);
            if (options.timeout() > 0) {
                timeout.arm(options.timeout() * 1000L);
                loop.register(timeout.fd(), Epoll.IN, events -> timedOut = timeout.acknowledge());
            }

            loop.runUntil(() -> timedOut || containerEnded());

            int status;
            if (timedOut) {
                killContainerGroup();
                status = -1;
            } else {
                out.drain();
                err.drain();
                status = reaper.statusOf(containerPid) != null ? reaper.statusOf(containerPid) : 0;
            }
            out.close();
            err.close();
            if (!options.noSyncLog()) {
                log.sync();
            }
            context.closeInheritedFds();
            attach.closeClients();
            new ExitFiles(path(options.persistDir()), path(options.exitDir()), options.cid()).write(status);
            return status;
        } finally {
            if (attach != null) {
                attach.closeAll();
            }
            if (fifos != null) {
                fifos.close();
            }
        }
    }

    /** Each chunk of container output goes to the logs first, then to attach clients (§7). */
    private void deliver(Stream stream, byte[] buf, int off, int len) throws IOException {
        log.write(stream, buf, off, len);
        attach.broadcast(stream == Stream.STDOUT ? AttachSocket.STDOUT : AttachSocket.STDERR, buf, off, len);
    }

    private AttachSocket.Placement placement() {
        return options.fullAttach()
                ? AttachSocket.Placement.fullAttach(options.bundle())
                : AttachSocket.Placement.viaSymlink(options.bundle(), options.socketDirPath(), options.cuuid());
    }

    private void onSignals(SignalFd signals) throws NativeCallException {
        for (int signal = signals.next(); signal != 0; signal = signals.next()) {
            switch (signal) {
                case Sys.SIGCHLD, Sys.SIGUSR1 -> reaper.reapAvailable();
                default -> forward(signal);
            }
        }
    }

    /** SIGTERM/SIGINT/SIGQUIT go to the container, or to the runtime while there is no container yet. */
    private void forward(int signal) throws NativeCallException {
        int target = containerPid > 0 ? containerPid : runtimePid;
        Diagnostics.info("forwarding signal " + signal + " to pid " + target);
        if (target > 0 && !Sys.kill(target, signal)) {
            reaper.reapAvailable();
        }
    }

    /**
     * The container is gone when it has been reaped, or, if it is not our
     * child at all (ECHILD), when kill(pid, 0) no longer finds it (§10.1).
     */
    private boolean containerEnded() {
        if (reaper.statusOf(containerPid) != null) {
            return true;
        }
        try {
            return reaper.noChildrenLeft() && !Sys.kill(containerPid, 0);
        } catch (NativeCallException e) {
            return false;
        }
    }

    /** -T expired: SIGKILL the container's process group, or the pid alone if it has none of its own. */
    private void killContainerGroup() throws NativeCallException {
        int pgid = Sys.getpgid(containerPid);
        Sys.kill(pgid > 1 ? -pgid : containerPid, Sys.SIGKILL);
    }

    /** The runtime's own error text, read once without blocking (§3.4). */
    private static String readRuntimeError(int fd) throws NativeCallException {
        Sys.setNonBlocking(fd);
        byte[] buf = new byte[RUNTIME_ERROR_MAX];
        int n = Sys.read(fd, buf, buf.length);
        return n > 0 ? new String(Arrays.copyOf(buf, n), StandardCharsets.UTF_8) : null;
    }

    private static int readContainerPid(Path pidfile) throws IOException {
        String text = Files.readString(pidfile, StandardCharsets.US_ASCII).strip();
        int pid = Integer.parseInt(text);
        if (pid <= 0) {
            throw new NumberFormatException("not a process id: " + text);
        }
        return pid;
    }

    private static Path path(String value) {
        return value == null ? null : Path.of(value);
    }

    /** The pieces of the process's own state the monitor needs. */
    public interface MonitorContext {
        Path execHelper();
        int devNull();
        SyncPipe syncPipe();
        /** Inherited fds minus conmon's own pipes: passed to the runtime at their numbers. */
        java.util.Set<Integer> runtimeFds();
        java.util.Map<String, String> childEnvironment();
        String originalOomScoreAdj();
        /** Releases Podman's reserved ports etc. before the exit files are written (§2 step 24). */
        void closeInheritedFds();
    }

}
