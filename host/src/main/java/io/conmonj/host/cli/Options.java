package io.conmonj.host.cli;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The parsed command line, typed, with conmon 2.2.1's defaults (conmon-behaviour.md §1.2) already applied.
 *
 * <p>Values are exactly what the user passed: paths are kept as strings (conmon hands most of
 * them to the runtime verbatim, and relative ones resolve against the cwd). An unset string
 * option is {@code null}; an unset list is empty. Nothing here is validated: that is
 * {@link Validator}'s job, which must run (after the help and {@code --version} checks) before
 * these values are trusted.
 *
 * <p>Derived defaults, computed the way conmon computes them:
 * <ul>
 *   <li>{@link #bundle()}: the cwd unless {@code --exec} (exec without {@code -b} means "no
 *       attach socket / FIFOs");</li>
 *   <li>{@link #containerPidfile()}: {@code <cwd>/pidfile-<CID>} (also for exec);</li>
 *   <li>{@link #seccompNotifyPlugins()}: env {@code CONMON_SECCOMP_NOTIFY_PLUGINS} when the
 *       option is absent.</li>
 * </ul>
 */
public final class Options {
    /** conmon's DEFAULT_SOCKET_PATH. */
    public static final String DEFAULT_SOCKET_DIR_PATH = "/var/run/crio";

    private final boolean helpRequested;
    private final int apiVersion;
    private final String bundle;
    private final String cid;
    private final String conmonPidfile;
    private final String containerPidfile;
    private final String cuuid;
    private final boolean exec;
    private final boolean execAttach;
    private final String execProcessSpec;
    private final String exitCommand;
    private final List<String> exitCommandArgs;
    private final int exitDelay;
    private final String exitDir;
    private final boolean leaveStdinOpen;
    private final String logLevel;
    private final List<String> logPaths;
    private final long logSizeMax;
    private final long logGlobalSizeMax;
    private final String logTag;
    private final List<String> logLabels;
    private final boolean noContainerPartialMessage;
    private final boolean logRotate;
    private final int logMaxFiles;
    private final List<String> logAllowlistDirs;
    private final boolean noSyncLog;
    private final String name;
    private final boolean noNewKeyring;
    private final boolean noPivot;
    private final String persistDir;
    private final boolean replaceListenPid;
    private final String restore;
    private final String runtime;
    private final List<String> runtimeArgs;
    private final List<String> runtimeOpts;
    private final String sdnotifySocket;
    private final String socketDirPath;
    private final boolean fullAttach;
    private final boolean stdin;
    private final boolean sync;
    private final boolean syslog;
    private final boolean systemdCgroup;
    private final boolean terminal;
    private final int timeout;
    private final boolean version;
    private final String seccompNotifySocket;
    private final String seccompNotifyPlugins;

    /**
     * Parses argv (without the program name) using the JVM's cwd and environment.
     *
     * @throws OptionParsingException GOption error; print {@link OptionParsingException#line()}, exit 1
     */
    public static Options parse(String[] argv) throws OptionParsingException {
        // null getenv = System.getenv, avoiding a method reference (lambda bootstrap at start-up)
        return new Options(GOptionParser.parse(argv), System.getProperty("user.dir"), null);
    }

    /**
     * Parses argv (without the program name).
     *
     * @param cwd    the working directory, for the bundle and container-pidfile defaults
     * @param getenv environment lookup, for {@code CONMON_SECCOMP_NOTIFY_PLUGINS}
     */
    public static Options parse(String[] argv, String cwd, UnaryOperator<String> getenv)
            throws OptionParsingException {
        return new Options(GOptionParser.parse(argv), cwd, getenv);
    }

    private Options(GOptionParser.Result r, String cwd, UnaryOperator<String> getenv) {
        helpRequested = r.helpRequested();
        // --api-version is a flag stored into an int in conmon: present means API 1.
        apiVersion = r.flag(ConmonOption.API_VERSION) ? 1 : 0;
        cid = r.string(ConmonOption.CID);
        conmonPidfile = r.string(ConmonOption.CONMON_PIDFILE);
        cuuid = r.string(ConmonOption.CUUID);
        exec = r.flag(ConmonOption.EXEC);
        execAttach = r.flag(ConmonOption.EXEC_ATTACH);
        execProcessSpec = r.string(ConmonOption.EXEC_PROCESS_SPEC);
        exitCommand = r.string(ConmonOption.EXIT_COMMAND);
        exitCommandArgs = r.strings(ConmonOption.EXIT_COMMAND_ARG);
        exitDelay = r.intValue(ConmonOption.EXIT_DELAY, 0);
        exitDir = r.string(ConmonOption.EXIT_DIR);
        leaveStdinOpen = r.flag(ConmonOption.LEAVE_STDIN_OPEN);
        logLevel = r.string(ConmonOption.LOG_LEVEL);
        logPaths = r.strings(ConmonOption.LOG_PATH);
        logSizeMax = r.longValue(ConmonOption.LOG_SIZE_MAX, -1);
        logGlobalSizeMax = r.longValue(ConmonOption.LOG_GLOBAL_SIZE_MAX, -1);
        logTag = r.string(ConmonOption.LOG_TAG);
        logLabels = r.strings(ConmonOption.LOG_LABEL);
        noContainerPartialMessage = r.flag(ConmonOption.NO_CONTAINER_PARTIAL_MESSAGE);
        logRotate = r.flag(ConmonOption.LOG_ROTATE);
        logMaxFiles = r.intValue(ConmonOption.LOG_MAX_FILES, 1);
        logAllowlistDirs = r.strings(ConmonOption.LOG_ALLOWLIST_DIR);
        noSyncLog = r.flag(ConmonOption.NO_SYNC_LOG);
        name = r.string(ConmonOption.NAME);
        noNewKeyring = r.flag(ConmonOption.NO_NEW_KEYRING);
        noPivot = r.flag(ConmonOption.NO_PIVOT);
        persistDir = r.string(ConmonOption.PERSIST_DIR);
        replaceListenPid = r.flag(ConmonOption.REPLACE_LISTEN_PID);
        restore = r.string(ConmonOption.RESTORE);
        runtime = r.string(ConmonOption.RUNTIME);
        runtimeArgs = r.strings(ConmonOption.RUNTIME_ARG);
        runtimeOpts = r.strings(ConmonOption.RUNTIME_OPT); // includes --restore-arg values
        sdnotifySocket = r.string(ConmonOption.SDNOTIFY_SOCKET);
        socketDirPath = r.isSet(ConmonOption.SOCKET_DIR_PATH)
                ? r.string(ConmonOption.SOCKET_DIR_PATH) : DEFAULT_SOCKET_DIR_PATH;
        fullAttach = r.flag(ConmonOption.FULL_ATTACH);
        stdin = r.flag(ConmonOption.STDIN);
        sync = r.flag(ConmonOption.SYNC);
        syslog = r.flag(ConmonOption.SYSLOG);
        systemdCgroup = r.flag(ConmonOption.SYSTEMD_CGROUP);
        terminal = r.flag(ConmonOption.TERMINAL);
        timeout = r.intValue(ConmonOption.TIMEOUT, 0);
        version = r.flag(ConmonOption.VERSION);
        seccompNotifySocket = r.string(ConmonOption.SECCOMP_NOTIFY_SOCKET);
        String plugins = r.string(ConmonOption.SECCOMP_NOTIFY_PLUGINS);
        if (plugins == null) {
            String key = "CONMON_SECCOMP_NOTIFY_PLUGINS";
            plugins = getenv == null ? System.getenv(key) : getenv.apply(key);
        }
        seccompNotifyPlugins = plugins;

        String explicitBundle = r.string(ConmonOption.BUNDLE);
        bundle = explicitBundle != null || exec ? explicitBundle : cwd;
        String explicitPidfile = r.string(ConmonOption.CONTAINER_PIDFILE); // includes --pidfile
        containerPidfile = explicitPidfile != null || cid == null
                ? explicitPidfile : cwd.concat("/pidfile-").concat(cid);
    }

    /** {@code -h}, {@code -?}, {@code --help} or {@code --help-all} was seen: print {@link Usage#text()}, exit 0. */
    public boolean helpRequested() { return helpRequested; }

    /** 1 if {@code --api-version} was given (in any form, even {@code --api-version=0}), else 0. */
    public int apiVersion() { return apiVersion; }

    /** {@code -b}; defaults to the cwd except with {@code --exec}, where it stays {@code null}. */
    public String bundle() { return bundle; }

    /** {@code -c}; required (checked by the validator). */
    public String cid() { return cid; }

    /** {@code -P}; {@code null} = don't write the conmon pidfile. */
    public String conmonPidfile() { return conmonPidfile; }

    /** {@code -p} / {@code --pidfile}; defaults to {@code <cwd>/pidfile-<CID>} ({@code null} only without a CID). */
    public String containerPidfile() { return containerPidfile; }

    /** {@code -u}. */
    public String cuuid() { return cuuid; }

    /** {@code -e}. */
    public boolean exec() { return exec; }

    /** {@code --exec-attach}. */
    public boolean execAttach() { return execAttach; }

    /** {@code --exec-process-spec}. */
    public String execProcessSpec() { return execProcessSpec; }

    /** {@code --exit-command}. */
    public String exitCommand() { return exitCommand; }

    /** {@code --exit-command-arg}, in order (empty strings are legal values). */
    public List<String> exitCommandArgs() { return exitCommandArgs; }

    /** {@code --exit-delay} in seconds, default 0. */
    public int exitDelay() { return exitDelay; }

    /** {@code --exit-dir}. */
    public String exitDir() { return exitDir; }

    /** {@code --leave-stdin-open}. */
    public boolean leaveStdinOpen() { return leaveStdinOpen; }

    /** {@code --log-level} as given; {@code null} means warn. See {@link LogLevel#parse}. */
    public String logLevel() { return logLevel; }

    /** Raw {@code -l} values in order; see {@link LogPaths#parse}. */
    public List<String> logPaths() { return logPaths; }

    /** {@code --log-size-max}, default -1; only values &gt; 0 enable the limit. */
    public long logSizeMax() { return logSizeMax; }

    /** {@code --log-global-size-max}, default -1; only values &gt; 0 enable the limit. */
    public long logGlobalSizeMax() { return logGlobalSizeMax; }

    /** {@code --log-tag}. */
    public String logTag() { return logTag; }

    /** {@code --log-label} values in order ({@code NAME=VALUE}, checked by the validator with journald). */
    public List<String> logLabels() { return logLabels; }

    /** {@code --no-container-partial-message}. */
    public boolean noContainerPartialMessage() { return noContainerPartialMessage; }

    /** {@code --log-rotate} (2.2.0+). */
    public boolean logRotate() { return logRotate; }

    /** {@code --log-max-files} (2.2.0+), default 1. */
    public int logMaxFiles() { return logMaxFiles; }

    /** {@code --log-allowlist-dir} values in order (2.2.0+). */
    public List<String> logAllowlistDirs() { return logAllowlistDirs; }

    /** {@code --no-sync-log}. */
    public boolean noSyncLog() { return noSyncLog; }

    /** {@code -n}. */
    public String name() { return name; }

    /** {@code --no-new-keyring}. */
    public boolean noNewKeyring() { return noNewKeyring; }

    /** {@code --no-pivot}. */
    public boolean noPivot() { return noPivot; }

    /** {@code -0} / {@code --persist-dir}. */
    public String persistDir() { return persistDir; }

    /** {@code --replace-listen-pid}. */
    public boolean replaceListenPid() { return replaceListenPid; }

    /** {@code --restore} checkpoint path; non-null means restore mode. */
    public String restore() { return restore; }

    /** {@code -r}. */
    public String runtime() { return runtime; }

    /** {@code --runtime-arg} values in order (global runtime options). */
    public List<String> runtimeArgs() { return runtimeArgs; }

    /** {@code --runtime-opt} and {@code --restore-arg} values, interleaved in command-line order. */
    public List<String> runtimeOpts() { return runtimeOpts; }

    /** {@code --sdnotify-socket}. */
    public String sdnotifySocket() { return sdnotifySocket; }

    /** {@code --socket-dir-path}, default {@value #DEFAULT_SOCKET_DIR_PATH}. */
    public String socketDirPath() { return socketDirPath; }

    /** {@code --full-attach}. */
    public boolean fullAttach() { return fullAttach; }

    /** {@code -i}. */
    public boolean stdin() { return stdin; }

    /** {@code --sync}. */
    public boolean sync() { return sync; }

    /** {@code --syslog}. */
    public boolean syslog() { return syslog; }

    /** {@code -s}. */
    public boolean systemdCgroup() { return systemdCgroup; }

    /** {@code -t}. */
    public boolean terminal() { return terminal; }

    /** {@code -T} in seconds, default 0; &lt;= 0 disables. */
    public int timeout() { return timeout; }

    /** {@code --version}: print {@link Version}, exit 0 (before any validation). */
    public boolean version() { return version; }

    /** {@code --seccomp-notify-socket} (2.2.1 only; the monitor rejects it). */
    public String seccompNotifySocket() { return seccompNotifySocket; }

    /** {@code --seccomp-notify-plugins}, else env {@code CONMON_SECCOMP_NOTIFY_PLUGINS}. */
    public String seccompNotifyPlugins() { return seccompNotifyPlugins; }
}
