package io.conmonj.host.lifecycle;

import io.conmonj.host.Diagnostics;
import io.conmonj.host.attach.AttachSocket;
import io.conmonj.host.attach.ControlFifos;
import io.conmonj.host.cli.LogTarget;
import io.conmonj.host.cli.Options;
import io.conmonj.host.cli.ValidatedConfig;
import io.conmonj.host.exit.ChildReaper;
import io.conmonj.host.exit.ExitFiles;
import io.conmonj.host.logging.ContainerLog;
import io.conmonj.host.logging.Stream;
import io.conmonj.host.loop.EventLoop;
import io.conmonj.host.notify.SdNotifyProxy;
import io.conmonj.host.oom.OomFiles;
import io.conmonj.host.oom.OomWatcher;
import io.conmonj.host.runtime.RuntimeCommand;
import io.conmonj.host.runtime.RuntimeProcess;
import io.conmonj.host.sys.Descriptors;
import io.conmonj.host.sys.Epoll;
import io.conmonj.host.sys.NativeCallException;
import io.conmonj.host.sys.PidFd;
import io.conmonj.host.sys.SignalFd;
import io.conmonj.host.sys.Sys;
import io.conmonj.host.sys.TimerFd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * The detached monitor of one container or exec session, from runtime start
 * to exit files (conmon-behaviour.md §2 steps 13-25, §8): it sets up the endpoints
 * Podman talks to, runs the runtime, reports the pid on the sync pipe, moves
 * the output into the log and to attach clients until the process is reaped,
 * and leaves the exit status where Podman looks for it.
 */
public final class SessionMonitor {
    private final Options options;
    private final MonitorContext context;
    private final ContainerLog log;
    private final ChildReaper reaper = new ChildReaper();

    private ContainerIo io;
    private AttachSocket attach;
    private ControlFifos fifos;
    private int runtimePid = -1;
    private int containerPid = -1;
    private boolean timedOut;
    private OomWatcher oom;
    private SdNotifyProxy sdNotify;

    private final boolean passthrough;
    private final Hibernation hibernation;
    /** Set when this JVM resumed a hibernated monitor: the container is the guardian's child, not ours. */
    private ResumeState resumed;
    /** A resumed monitor learns the container's status from the guardian, which reaps it. */
    private Integer statusFromGuardian;
    private boolean handedOff;

    public SessionMonitor(ValidatedConfig config, MonitorContext context, ContainerLog log, Hibernation hibernation) {
        this.options = config.options();
        this.passthrough = config.uses(LogTarget.Driver.PASSTHROUGH);
        this.context = context;
        this.log = log;
        this.hibernation = hibernation;
    }

    /** True when {@link #run} or {@link #resume} ended by handing the container to the guardian (hibernation). */
    public boolean handedOff() {
        return handedOff;
    }

    /** Runs to the end; returns the process's status (conmon-behaviour.md §10.3), or 1 if it could not be started. */
    public int run() throws IOException {
        return inLoop((loop, timeout) -> {
            io = openContainerIo(loop);
            return monitor(loop, io, timeout);
        });
    }

    /**
     * Carries on for a monitor that hibernated (docs/reliability.md, "Hibernation"): adopts the descriptors the
     * guardian kept, and follows the container from there to its exit files. {@code exited}: the status the
     * guardian got when it reaped the container before starting us, or null if it still runs.
     */
    public int resume(ResumeState state, Integer exited) throws IOException {
        resumed = state;
        statusFromGuardian = exited;
        containerPid = state.containerPid();
        return inLoop((loop, timeout) -> {
            io = ContainerIo.adopt(state.fd(ResumeState.STDOUT), state.fd(ResumeState.STDERR));
            if (options.bundle() != null) {
                if (state.fd(ResumeState.ATTACH) >= 0) {
                    attach = AttachSocket.adopt(placement(), state.fd(ResumeState.ATTACH), loop, io.stdin(),
                            () -> { }, Diagnostics::warn);
                }
                if (state.fd(ResumeState.CTL_READ) >= 0) {
                    fifos = ControlFifos.adopt(options.bundle(), new int[] {state.fd(ResumeState.CTL_READ),
                            state.fd(ResumeState.CTL_WRITE), state.fd(ResumeState.WINSZ_READ),
                            state.fd(ResumeState.WINSZ_WRITE)}, loop, log::reopen, Diagnostics::warn);
                }
            }
            if (exited == null) {
                context.guardian().watchContainerStatus(loop, status -> statusFromGuardian = status);
            }
            oom = OomWatcher.resume(state.get(ResumeState.OOM), state.fd(ResumeState.OOM),
                    state.fd(ResumeState.OOM_CONTROL), loop, this::recordOom, Diagnostics::warn);
            return follow(loop, io, timeout);
        });
    }

    /** The body of {@link #run} and {@link #resume}, on a loop that watches the monitor's signals; returns the status. */
    @FunctionalInterface
    private interface LoopBody {
        int run(EventLoop loop, TimerFd timeout) throws IOException;
    }

    private int inLoop(LoopBody body) throws IOException {
        try (EventLoop loop = new EventLoop();
             SignalFd signals = new SignalFd(Sys.SIGCHLD, Sys.SIGUSR1, Sys.SIGTERM, Sys.SIGINT, Sys.SIGQUIT);
             TimerFd timeout = new TimerFd()) {
            loop.register(signals.fd(), Epoll.IN, events -> onSignals(signals));
            try {
                return body.run(loop, timeout);
            } finally {
                // before the loop itself is closed: these unregister their fds from it
                hibernation.close();
                if (io != null) {
                    io.close();
                }
                if (attach != null && handedOff) {
                    attach.handedOff(); // the socket file stays for the next monitor
                } else if (attach != null) {
                    attach.closeAll();
                }
                if (fifos != null) {
                    fifos.close();
                }
                if (sdNotify != null) {
                    sdNotify.close();
                }
            }
        }
    }

    private int monitor(EventLoop loop, ContainerIo io, TimerFd timeout) throws IOException {
        if (options.sdnotifySocket() != null) { // conmon-behaviour.md §12: before the runtime, which mounts BUNDLE/notify
            String bundle = options.bundle() != null ? options.bundle() : ".";
            sdNotify = SdNotifyProxy.open(bundle, options.sdnotifySocket(), loop, Diagnostics::warn);
        }
        openEndpoints(loop, io);

        startRuntime(io);
        watchExit(loop, runtimePid);
        loop.runUntil(() -> reaper.statusOf(runtimePid) != null);
        if (!runtimeSucceeded(io)) {
            return 1;
        }

        watchExit(loop, containerPid);
        if (log.mayWaitForDrivers()) {
            ExitWatch.start(containerPid, log::containerExited);
        }
        oom = OomWatcher.start(containerPid, loop, this::recordOom, Diagnostics::warn);
        return follow(loop, io, timeout);
    }

    /**
     * From the container's pid being known (or adopted) to its exit files: output to the logs and attach clients,
     * the -T timeout, hibernation when idle. Returns the status, or 0 once handed off to the guardian.
     */
    private int follow(EventLoop loop, ContainerIo io, TimerFd timeout) throws IOException {
        io.pump(loop, this::deliver);
        if (options.timeout() > 0) {
            // armed once the pid is known: for create, before `runtime start` (conmon-behaviour.md §16.17)
            timeout.arm(options.timeout() * 1000L);
            loop.register(timeout.fd(), Epoll.IN, events -> timedOut = timeout.acknowledge());
        }
        if (mayEverHibernate()) {
            hibernation.watch(loop, this::handOff);
        }
        loop.runUntil(() -> timedOut || handedOff || containerEnded());
        if (handedOff) {
            return 0;
        }

        int status = finish(io);
        if (options.exec() && timedOut) {
            context.syncPipe().send(-1, "command timed out");
        } else if (options.exec()) {
            context.syncPipe().send(status);
        }
        return status;
    }

    private ContainerIo openContainerIo(EventLoop loop) throws IOException {
        if (passthrough) {
            return ContainerIo.passthrough();
        }
        if (options.terminal()) {
            // window sizes written to winsz before the pty existed are applied now (conmon-behaviour.md §6.2)
            return ContainerIo.terminal(loop, this::deliver, io -> {
                if (fifos != null) {
                    fifos.watchWinsz(io.resizer());
                }
            });
        }
        return ContainerIo.pipes(loop, options.stdin());
    }

    /**
     * Attach socket and ctl/winsz FIFOs, listening before the pid is reported
     * (conmon-behaviour.md §5.2); none without a bundle (legacy exec) or with passthrough. For
     * --exec-attach, Podman waits for {"data": 0} on the attach pipe before it
     * connects and sends start byte #2.
     */
    private void openEndpoints(EventLoop loop, ContainerIo io) throws IOException {
        if (options.bundle() == null || io.isPassthrough()) {
            return;
        }
        attach = AttachSocket.open(placement(), loop, io.stdin(),
                AttachSocket.closeStdinOnDetach(io.stdin(), options.stdin(), options.leaveStdinOpen(),
                        Diagnostics::info),
                Diagnostics::warn);
        fifos = ControlFifos.open(options.bundle(), loop, log::reopen, Diagnostics::warn);
        if (options.execAttach()) {
            context.attachPipe().send(0);
        }
    }

    private void startRuntime(ContainerIo io) throws IOException {
        runtimePid = new RuntimeProcess(context.execHelper()).start(
                RuntimeCommand.build(options, io.consoleSocketPath()),
                io.childStdio(context.devNull()),
                context.runtimeFds(), context.childEnvironment(),
                options.replaceListenPid(), context.originalOomScoreAdj(),
                options.execAttach() ? context.startPipeFd() : -1);
        if (io.isPassthrough()) {
            context.detachStdio(); // only now: the runtime had to inherit the caller's stdio (conmon-behaviour.md §2 step 16)
        }
        io.closeChildEnds();
        Diagnostics.debug("runtime started as pid " + runtimePid);
    }

    /**
     * After the runtime exited: a failed create is reported with the
     * runtime's own error text (conmon-behaviour.md §3.4); for exec only a missing pid is a
     * failure, the runtime's status may be the process's. Reports the pid
     * (not for legacy exec, which sends only the final status).
     */
    private boolean runtimeSucceeded(ContainerIo io) throws NativeCallException {
        int runtimeStatus = reaper.statusOf(runtimePid);
        if (runtimeStatus != 0 && !options.exec()) {
            Diagnostics.error("Failed to create container: exit status " + runtimeStatus);
            context.syncPipe().send(-1, io.runtimeError());
            return false;
        }
        if (io.terminalMissing()) {
            Diagnostics.error("Runtime did not set up terminal");
            context.syncPipe().send(-1, "Runtime did not set up terminal");
            return false;
        }
        try {
            containerPid = readContainerPid(Path.of(options.containerPidfile()));
        } catch (IOException | NumberFormatException e) {
            // conmon 2.2.1 sends nothing here (conmon-behaviour.md §3.4); [post-2.2.1] sends the runtime's stderr. We send
            // that, or say what was wrong with the pidfile.
            String runtimeError = io.runtimeError();
            String message = runtimeError != null ? runtimeError
                    : "Failed to read pid from " + options.containerPidfile() + ": " + e.getMessage();
            Diagnostics.error(message);
            context.syncPipe().send(-1, message);
            return false;
        }
        context.guardian().containerPid(containerPid);
        int[] output = io.outputFds();
        context.guardian().outputFds(output[0], output[1]);
        if (!options.exec() || options.apiVersion() > 0) {
            context.syncPipe().send(containerPid);
        }
        return true;
    }

    /**
     * The end of the loop (conmon-behaviour.md §10.1-§10.4): drain unless timed out, fsync the
     * log, release Podman's inherited fds and the attach clients, then write
     * the exit files.
     */
    private int finish(ContainerIo io) throws IOException {
        Integer exited = exitStatus();
        if (!timedOut && exited != null && resumed == null) {
            context.guardian().containerStatus(exited); // reaped: from now on only we know it
        }
        log.containerExited(); // remote drivers stop waiting without bound for their collectors
        oom.checkAfterExit(); // the OOM event can race with the exit (conmon-behaviour.md §10.5)
        oom.close();
        int status;
        if (timedOut) {
            killProcessGroup();
            status = -1;
        } else {
            io.drain();
            Integer reaped = exitStatus();
            status = reaped != null ? reaped : 0;
        }
        if (!options.noSyncLog()) {
            log.sync();
        }
        context.closeInheritedFds();
        if (attach != null) {
            attach.closeClients();
        }
        new ExitFiles(path(options.persistDir()), path(options.exitDir()), options.cid()).write(status);
        return status;
    }

    /** The container's status: reaped by us, or, for a resumed monitor, by the guardian; null while it runs. */
    private Integer exitStatus() {
        return resumed != null ? statusFromGuardian : reaper.statusOf(containerPid);
    }

    /**
     * Whether this monitor's shape can ever be handed over (docs/reliability.md, "Hibernation"): a container (not
     * an exec session) with a bundle, container I/O that can be handed over ({@link ContainerIo#handOffFds}: pipes
     * without stdin, as a terminal's pty and container stdin are state this JVM holds), no -T timer, no sd-notify
     * proxy, and a guardian to hand over to. The shape does not change afterwards; the logs are asked at each
     * hand-off.
     */
    private boolean mayEverHibernate() {
        return hibernation.enabled() && context.guardian().present() && !options.exec() && options.bundle() != null
                && options.timeout() <= 0 && sdNotify == null && attach != null && fifos != null
                && io.handOffFds() != null;
    }

    /**
     * After a whole idle period: hands the descriptors to the guardian and ends the loop, unless a client is
     * attached, the container was reaped, or the guardian does not take them (the monitor then stays).
     */
    private boolean handOff() {
        if (attach.clientCount() > 0 || exitStatus() != null || !log.reopenableLater()) {
            return false;
        }
        int[] output = io.handOffFds(); // not null: mayEverHibernate
        int[] control = fifos.descriptors(); // not null: no terminal, so winsz is never read here
        Object logFile = log.conmonFileKey();
        int logFd = logFile == null ? -1 : Descriptors.findOpenFile(logFile);
        if (logFile != null && logFd < 0) {
            return false; // the next monitor must write the file this one has open, never what is at the name then
        }
        ResumeState state = new ResumeState(containerPid);
        state.add(ResumeState.K8S_LOG, logFd, false);
        state.add(ResumeState.STDOUT, output[0], true);
        state.add(ResumeState.STDERR, output[1], true);
        state.add(ResumeState.ATTACH, attach.listenerFd(), true);
        state.add(ResumeState.CTL_READ, control[0], true);
        state.add(ResumeState.CTL_WRITE, control[1], false);
        state.add(ResumeState.WINSZ_READ, control[2], false); // read only with a terminal: never a reason to wake
        state.add(ResumeState.WINSZ_WRITE, control[3], false);
        int[] oomFds = oom.handOffFds();
        String oomState = oom.handOffState();
        if (oomFds != null && oomState != null) {
            state.add(ResumeState.OOM, oomFds[0], true);
            state.add(ResumeState.OOM_CONTROL, oomFds[1], false);
            state.put(ResumeState.OOM, oomState);
        }
        if (!context.guardian().handOff(state)) {
            return false;
        }
        Diagnostics.info("idle for " + hibernation.periodMillis() / 1000 + " s: container " + containerPid
                + " handed to the guardian until it needs a monitor again");
        handedOff = true;
        return true;
    }

    /** Podman sets OOMKilled when persist-dir/oom (or BUNDLE/oom) exists as it reads the exit file. */
    private void recordOom() {
        Diagnostics.info("container " + containerPid + " was killed by the OOM killer");
        OomFiles.create(path(options.persistDir()), bundlePath(), Diagnostics::warn);
    }

    /** The absolute bundle path: conmon 2.1.6 created "oom" relative to its cwd, Podman's, and lost it. */
    private Path bundlePath() {
        return options.bundle() == null ? null : Path.of(options.bundle()).toAbsolutePath();
    }

    /** Reaps as soon as {@code pid} exits, even if its SIGCHLD went to another thread. */
    private void watchExit(EventLoop loop, int pid) throws NativeCallException {
        PidFd pidFd = PidFd.open(pid);
        if (pidFd == null) {
            reaper.reapAvailable(); // already gone
            return;
        }
        loop.register(pidFd.fd(), Epoll.IN, events -> {
            loop.unregister(pidFd.fd());
            pidFd.close();
            reaper.reapAvailable();
        });
    }

    /** Each chunk of container output goes to the logs first, then to attach clients (conmon-behaviour.md §7). */
    private void deliver(Stream stream, byte[] buf, int off, int len) throws IOException {
        log.write(stream, buf, off, len);
        if (attach != null) {
            attach.broadcast(stream == Stream.STDOUT ? AttachSocket.STDOUT : AttachSocket.STDERR, buf, off, len);
        }
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
     * child at all (ECHILD), when kill(pid, 0) no longer finds it (conmon-behaviour.md §10.1).
     */
    private boolean containerEnded() {
        if (resumed != null) {
            return statusFromGuardian != null; // the guardian's child: only its word counts
        }
        if (reaper.statusOf(containerPid) != null) {
            return true;
        }
        try {
            return reaper.noChildrenLeft() && !Sys.kill(containerPid, 0);
        } catch (NativeCallException e) {
            return false;
        }
    }

    /** -T expired: SIGKILL the process group, or the pid alone if it has none of its own (conmon-behaviour.md §10.6). */
    private void killProcessGroup() throws NativeCallException {
        int pgid = Sys.getpgid(containerPid);
        Sys.kill(pgid > 1 ? -pgid : containerPid, Sys.SIGKILL);
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
        /** Our parent, which finishes the exit path if this JVM dies (src/main/c/guardian.c). */
        GuardianLink guardian();

        Path execHelper();

        int devNull();

        SyncPipe syncPipe();

        /** _OCI_ATTACHPIPE (--exec-attach only). */
        SyncPipe attachPipe();

        /** _OCI_STARTPIPE, kept open for start byte #2 with --exec-attach, else -1. */
        int startPipeFd();

        /** Inherited fds minus conmon's own pipes: passed to the runtime at their numbers. */
        Set<Integer> runtimeFds();

        Map<String, String> childEnvironment();

        String originalOomScoreAdj();

        /** Replaces fds 0-2 with /dev/null, releasing the caller's stdio (conmon-behaviour.md §2 step 12/16). */
        void detachStdio() throws NativeCallException;

        /** Releases Podman's reserved ports etc. before the exit files are written (conmon-behaviour.md §2 step 24). */
        void closeInheritedFds();
    }
}
