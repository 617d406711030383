package io.conmonj.host.lifecycle;

import io.conmonj.host.Diagnostics;
import io.conmonj.host.cli.ConfigError;
import io.conmonj.host.cli.LogTarget;
import io.conmonj.host.cli.OptionParsingException;
import io.conmonj.host.cli.Options;
import io.conmonj.host.cli.Usage;
import io.conmonj.host.cli.ValidatedConfig;
import io.conmonj.host.cli.Validator;
import io.conmonj.host.cli.Version;
import io.conmonj.host.exit.AtomicFile;
import io.conmonj.host.exit.ChildReaper;
import io.conmonj.host.exit.ExitCommand;
import io.conmonj.host.logging.ContainerLog;
import io.conmonj.host.logging.LogPipeline;
import io.conmonj.host.logging.select.ConmonLogs;
import io.conmonj.host.logging.select.LogSetup;
import io.conmonj.host.logging.select.SelectionException;
import io.conmonj.host.sys.NativeCallException;
import io.conmonj.host.sys.Sys;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The life of one conmon-j process, in conmon's order (conmon-behaviour.md §2):
 * arguments checked and logs opened while the caller still waits, a verdict
 * to the native launcher (which then exits), stdio released, the container
 * monitored, exit files, exit command. Returns the process exit status.
 */
public final class ProcessLifecycle {
    private final LauncherLink launcher;
    private final GuardianLink guardian = GuardianLink.fromEnvironment();
    private final PrintStream stdout;
    private final PrintStream stderr;

    public ProcessLifecycle(LauncherLink launcher, PrintStream stdout, PrintStream stderr) {
        this.launcher = launcher;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    public int run(String[] argv) {
        Sys.umask(0022);
        ResumeState resume;
        Integer exited;
        try {
            resume = ResumeState.fromEnvironment();
            exited = ResumeState.exitedStatusFromEnvironment();
        } catch (ResumeState.ResumeException e) {
            return giveUpResuming(e.getMessage());
        }
        if (resume != null) {
            return resume(argv, resume, exited);
        }
        Options options;
        Prepared prepared;
        ProcessState process;
        try {
            options = Options.parse(argv);
            if (options.helpRequested()) {
                stdout.print(Usage.text());
                return answer(0);
            }
            if (options.version()) {
                Version.load().print(stdout);
                return answer(0);
            }
            prepared = prepare(options, false, -1);
            process = new ProcessState(installRoot(), launcher.inheritedFds());
            process.useGuardian(guardian);
            PodmanPipes.attach(options, process, launcher);
        } catch (OptionParsingException e) {
            stdout.println(e.line()); // conmon prints this one with g_print(): stdout
            return answer(1);
        } catch (ConfigError e) {
            stderr.println(e.line());
            return answer(1);
        } catch (IOException e) {
            stderr.println("[conmon:e]: " + e.getMessage());
            return answer(1);
        }

        process.protectFromOomKiller();
        tellGuardian(prepared.config());
        if (options.sync()) {
            launcher.synchronous();
        } else if (writeConmonPidfile(options)) {
            launcher.daemonized();
        }
        return monitor(prepared, process, null, null);
    }

    /**
     * A monitor started by the guardian for a container whose monitor hibernated (docs/reliability.md,
     * "Hibernation"): the same arguments, checked again, and the logs reopened; no launcher, no Podman pipes, no
     * runtime. Anything that fails here is left to the guardian, which takes the container over.
     */
    private int resume(String[] argv, ResumeState resume, Integer exited) {
        Prepared prepared;
        ProcessState process;
        try {
            // the k8s-file log its predecessor had open, not what is at the path now
            prepared = prepare(Options.parse(argv), true, resume.fd(ResumeState.K8S_LOG));
            Sys.closeQuietly(resume.fd(ResumeState.K8S_LOG)); // reopened through /proc/self/fd: this one is spare
            process = new ProcessState(installRoot(), Set.of());
            process.useGuardian(guardian);
        } catch (OptionParsingException | ConfigError | IOException | RuntimeException e) {
            return giveUpResuming(e.getMessage());
        }
        process.protectFromOomKiller();
        return monitor(prepared, process, resume, exited);
    }

    /** What the checks and the logs of {@link #prepare} give the monitor. */
    private record Prepared(ValidatedConfig config, ContainerLog log, Hibernation hibernation) {
    }

    /**
     * Validation and the logs, in conmon's order (conmon-behaviour.md §1.4), for a first monitor and for a resumed
     * one alike; {@code adoptedK8sFd}: a resumed monitor's k8s-file log, inherited from the guardian (-1: opened at
     * its path). The configuration's warnings are the first monitor's to give, not a resumed one's at every wake.
     */
    private static Prepared prepare(Options options, boolean resumed, int adoptedK8sFd) throws ConfigError {
        ValidatedConfig config = Validator.validate(options);
        List<LogPipeline.Attachment> conmonLogs = openConmonLogs(config, adoptedK8sFd);
        config.refuseAfterLogOpen(); // conmon checks --log-tag, --log-label and the CID after creating its log
        Diagnostics.configure(config.logLevel(), options.syslog(), options.cid(), options.logTag());
        if (!resumed) {
            config.warnings().forEach(Diagnostics::warn);
        }
        NotYetSupported.check(config);
        Hibernation hibernation = Hibernation.fromEnvironment();
        return new Prepared(config, openSelectedLogs(config, conmonLogs), hibernation);
    }

    /** The guardian takes the container over when a resumed monitor cannot carry on: it needs the reason. */
    private int giveUpResuming(String why) {
        String reason = "cannot resume the hibernated monitor: " + why;
        Diagnostics.error(reason);
        guardian.failing(reason);
        return 1;
    }

    /** Everything after the launcher has gone: failures now reach Podman only through the sync pipe and syslog. */
    private int monitor(Prepared prepared, ProcessState process, ResumeState resume, Integer exited) {
        ValidatedConfig config = prepared.config();
        ContainerLog log = prepared.log();
        Options options = config.options();
        int status;
        try {
            if (!config.uses(LogTarget.Driver.PASSTHROUGH)) {
                process.detachStdio(); // with passthrough only after the runtime inherited it
            }
            Sys.setsid();
            Sys.becomeChildSubreaper();
            SessionMonitor session = new SessionMonitor(config, process, log, prepared.hibernation());
            status = resume == null ? session.run() : session.resume(resume, exited);
            if (session.handedOff()) {
                return 0; // the guardian holds the container; it starts a monitor again when one is needed
            }
        } catch (IOException | RuntimeException | Error e) {
            Diagnostics.error(String.valueOf(e.getMessage() != null ? e.getMessage() : e));
            reportLateFailure(process, e);
            if (guardian.present()) {
                // The exit files are not written and the container may still run (it is our child: waiting
                // for it here would lose its status). The guardian keeps it, writes its real status and runs
                // the exit command once we are gone.
                Diagnostics.error("the monitor failed; the guardian takes over the container");
                guardian.failing(e.getClass().getSimpleName() + ": " + e.getMessage());
                return 1; // after the log is closed (finally)
            }
            status = 1;
        } finally {
            closeQuietly(log);
        }
        int exitStatus = runExitCommand(options, process, status);
        process.guardian().exiting(exitStatus); // nothing is left to do but exit
        return exitStatus;
    }

    /** A failure before the container pid was reported must still reach Podman (never just EOF). */
    private static void reportLateFailure(ProcessState process, Throwable e) {
        try {
            process.syncPipe().send(-1, "conmon-j: " + e.getMessage());
        } catch (NativeCallException ignored) {
            // the reader is gone: syslog has the message
        }
    }

    /**
     * The exit command runs after the exit files exist, then every child is reaped; we exit with the container's
     * status whatever the exit command's was, as conmon does in effect (conmon-behaviour.md §10.8).
     */
    private static int runExitCommand(Options options, ProcessState process, int status) {
        try {
            ChildReaper reaper = new ChildReaper();
            if (options.exitCommand() != null) {
                new ExitCommand(process.execHelper(), options.exitCommand(), options.exitCommandArgs(),
                        options.exitDelay()).start(process.devNull(), process.childEnvironment(),
                        process.originalOomScoreAdj());
            }
            process.guardian().finished();
            reaper.reapAll();
        } catch (NativeCallException e) {
            Diagnostics.error("Failed to run exit command: " + e.getMessage());
        }
        return status & 0xff;
    }

    /**
     * What the guardian needs to finish the exit path without us (src/main/c/guardian.c): the same exit
     * files as {@link io.conmonj.host.exit.ExitFiles}, the k8s-file log, the exit command.
     */
    private void tellGuardian(ValidatedConfig config) {
        Options options = config.options();
        guardian.containerId(options.cid());
        if (options.persistDir() != null) {
            guardian.exitFile(Path.of(options.persistDir()).resolve("exit"));
        }
        if (options.exitDir() != null && options.cid() != null) {
            guardian.exitFile(Path.of(options.exitDir()).resolve(options.cid()));
        }
        if (config.k8sFilePath() != null) {
            guardian.k8sLog(Path.of(config.k8sFilePath()));
        }
        guardian.exitCommand(options.exitCommand(), options.exitCommandArgs(), options.exitDelay());
    }

    /** conmon's own logs from {@code -l}, opened during validation as conmon does (conmon-behaviour.md §1.4). */
    private static List<LogPipeline.Attachment> openConmonLogs(ValidatedConfig config, int adoptedK8sFd)
            throws ConfigError {
        try {
            return ConmonLogs.open(config.logs(), adoptedK8sFd, Diagnostics::warn);
        } catch (SelectionException e) {
            throw ConfigError.error(e.getMessage());
        }
    }

    /**
     * After validation, while the caller still waits: the drivers selected for the container by annotations or
     * the environment (docs/logging.md) join conmon's own logs; any refusal is a start-up error.
     */
    private static LogPipeline openSelectedLogs(ValidatedConfig config, List<LogPipeline.Attachment> conmonLogs)
            throws ConfigError {
        try {
            return LogSetup.open(config.logs(), System.getenv(), conmonLogs, Diagnostics::driverReport);
        } catch (SelectionException e) {
            throw ConfigError.error(e.getMessage());
        }
    }

    /** -P: the monitor's pid, atomically, before the launcher exits (conmon-behaviour.md §2 step 8). */
    private boolean writeConmonPidfile(Options options) {
        if (options.conmonPidfile() == null) {
            return true;
        }
        try {
            // the guardian's pid: Podman waits for this process, which outlives a monitor that dies
            int pid = guardian.present() ? guardian.guardianPid() : Sys.getpid();
            AtomicFile.write(Path.of(options.conmonPidfile()), Integer.toString(pid));
            return true;
        } catch (IOException e) {
            // As conmon: the caller sees status 1, the monitor keeps running.
            stderr.println("[conmon:e]: Failed to write conmon pidfile " + options.conmonPidfile() + ": "
                    + e.getMessage());
            launcher.exitWith(1);
            return false;
        }
    }

    private int answer(int status) {
        stdout.flush();
        stderr.flush();
        launcher.exitWith(status);
        return status;
    }

    private static Path installRoot() {
        return Path.of(System.getProperty("conmonj.root", "."));
    }

    private static void closeQuietly(ContainerLog log) {
        try {
            log.close();
        } catch (IOException e) {
            Diagnostics.warn("Failed to close the container log: " + e.getMessage());
        }
    }
}
