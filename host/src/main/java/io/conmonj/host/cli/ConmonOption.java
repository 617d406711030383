package io.conmonj.host.cli;

/**
 * The option table of conmon 2.2.1 (conmon-behaviour.md §1.2): one constant per GOption entry, in the
 * order {@code --help} lists them.
 *
 * <p>Hidden deprecated aliases ({@code --pidfile}, {@code --restore-arg}) are entries of their
 * own that name the option whose storage they share ({@link #target()}); GLib shares storage by
 * pointer, so {@code --pidfile a --container-pidfile b} means "last wins" and
 * {@code --restore-arg}/{@code --runtime-opt} accumulate into one list in command-line order.
 *
 * <p>Descriptions of options that exist in 2.1.6 are the ones {@code /usr/bin/conmon --help}
 * prints; the help text is not contractual, but keeping it identical avoids surprising anyone
 * who diffs the two binaries.
 */
public enum ConmonOption {
    API_VERSION("api-version", '\0', Kind.FLAG, "Conmon API version to use"),
    BUNDLE("bundle", 'b', Kind.STRING, "Location of the OCI Bundle path"),
    CID("cid", 'c', Kind.STRING, "Identification of Container"),
    CONMON_PIDFILE("conmon-pidfile", 'P', Kind.STRING, "PID file for the conmon process"),
    CONTAINER_PIDFILE("container-pidfile", 'p', Kind.STRING, "PID file for the initial pid inside of container"),
    CUUID("cuuid", 'u', Kind.STRING, "Container UUID"),
    EXEC("exec", 'e', Kind.FLAG, "Exec a command into a running container"),
    EXEC_ATTACH("exec-attach", '\0', Kind.FLAG, "Attach to an exec session"),
    EXEC_PROCESS_SPEC("exec-process-spec", '\0', Kind.STRING, "Path to the process spec for execution"),
    EXIT_COMMAND("exit-command", '\0', Kind.STRING,
            "Path to the program to execute when the container terminates its execution"),
    EXIT_COMMAND_ARG("exit-command-arg", '\0', Kind.STRING_ARRAY,
            "Additional arg to pass to the exit command.  Can be specified multiple times"),
    EXIT_DELAY("exit-delay", '\0', Kind.INT, "Delay before invoking the exit command (in seconds)"),
    EXIT_DIR("exit-dir", '\0', Kind.STRING, "Path to the directory where exit files are written"),
    LEAVE_STDIN_OPEN("leave-stdin-open", '\0', Kind.FLAG, "Leave stdin open when attached client disconnects"),
    LOG_LEVEL("log-level", '\0', Kind.STRING, "Print debug logs based on log level"),
    LOG_PATH("log-path", 'l', Kind.STRING_ARRAY, "Log file path"),
    LOG_SIZE_MAX("log-size-max", '\0', Kind.INT64, "Maximum size of log file"),
    LOG_GLOBAL_SIZE_MAX("log-global-size-max", '\0', Kind.INT64, "Maximum size of all log files"),
    LOG_TAG("log-tag", '\0', Kind.STRING, "Additional tag to use for logging"),
    // 2.2.x only (absent from 2.1.6); description written for conmon-j.
    LOG_LABEL("log-label", '\0', Kind.STRING_ARRAY,
            "Additional label to include in logs. Can be specified multiple times"),
    NO_CONTAINER_PARTIAL_MESSAGE("no-container-partial-message", '\0', Kind.FLAG,
            "Do not set CONTAINER_PARTIAL_MESSAGE=true for partial lines (journald only)"),
    NAME("name", 'n', Kind.STRING, "Container name"),
    NO_NEW_KEYRING("no-new-keyring", '\0', Kind.FLAG, "Do not create a new session keyring for the container"),
    NO_PIVOT("no-pivot", '\0', Kind.FLAG, "Do not use pivot_root"),
    NO_SYNC_LOG("no-sync-log", '\0', Kind.FLAG, "Do not manually call sync on logs after container shutdown"),
    PERSIST_DIR("persist-dir", '0', Kind.STRING,
            "Persistent directory for a container that can be used for storing container data"),
    PIDFILE("pidfile", '\0', Kind.STRING, "PID file (DEPRECATED)", CONTAINER_PIDFILE),
    REPLACE_LISTEN_PID("replace-listen-pid", '\0', Kind.FLAG, "Replace listen pid if set for oci-runtime pid"),
    RESTORE("restore", '\0', Kind.STRING, "Restore a container from a checkpoint"),
    RUNTIME("runtime", 'r', Kind.STRING, "Path to store runtime data for the container"),
    RUNTIME_ARG("runtime-arg", '\0', Kind.STRING_ARRAY,
            "Additional arg to pass to the runtime. Can be specified multiple times"),
    RUNTIME_OPT("runtime-opt", '\0', Kind.STRING_ARRAY,
            "Additional opts to pass to the restore or exec command. Can be specified multiple times"),
    RESTORE_ARG("restore-arg", '\0', Kind.STRING_ARRAY,
            "Additional arg to pass to the restore command. Can be specified multiple times. (DEPRECATED)",
            RUNTIME_OPT),
    SDNOTIFY_SOCKET("sdnotify-socket", '\0', Kind.STRING, "Path to the host's sd-notify socket to relay messages to"),
    SOCKET_DIR_PATH("socket-dir-path", '\0', Kind.STRING, "Location of container attach sockets"),
    STDIN("stdin", 'i', Kind.FLAG, "Open up a pipe to pass stdin to the container"),
    SYNC("sync", '\0', Kind.FLAG, "Keep the main conmon process as its child by only forking once"),
    SYSLOG("syslog", '\0', Kind.FLAG, "Log to syslog (use with cgroupfs cgroup manager)"),
    SYSTEMD_CGROUP("systemd-cgroup", 's', Kind.FLAG,
            "Enable systemd cgroup manager, rather then use the cgroupfs directly"),
    TERMINAL("terminal", 't', Kind.FLAG, "Allocate a pseudo-TTY. The default is false"),
    TIMEOUT("timeout", 'T', Kind.INT, "Kill container after specified timeout in seconds."),
    VERSION("version", '\0', Kind.FLAG, "Print the version and exit"),
    FULL_ATTACH("full-attach", '\0', Kind.FLAG,
            "Don't truncate the path to the attach socket. This option causes conmon to ignore --socket-dir-path"),
    SECCOMP_NOTIFY_SOCKET("seccomp-notify-socket", '\0', Kind.STRING,
            "Path to the socket where the seccomp notification fd is received"),
    SECCOMP_NOTIFY_PLUGINS("seccomp-notify-plugins", '\0', Kind.STRING,
            "Plugins to use for managing the seccomp notifications"),
    // 2.2.0+ (absent from 2.1.6); descriptions written for conmon-j.
    LOG_ROTATE("log-rotate", '\0', Kind.FLAG, "Rotate the k8s-file log instead of truncating it"),
    LOG_MAX_FILES("log-max-files", '\0', Kind.INT, "Number of rotated log files to keep (default 1)"),
    LOG_ALLOWLIST_DIR("log-allowlist-dir", '\0', Kind.STRING_ARRAY,
            "Allowed log directory. Can be specified multiple times");

    /** What an option takes, mirroring the GOptionArg values conmon uses. */
    public enum Kind {
        /** G_OPTION_ARG_NONE: no value; {@code --flag=anything} also turns it on. */
        FLAG,
        /** G_OPTION_ARG_STRING: one value, last occurrence wins. */
        STRING,
        /** G_OPTION_ARG_STRING_ARRAY: one value per occurrence, accumulated in order. */
        STRING_ARRAY,
        /** G_OPTION_ARG_INT: strtol(base 0) that must fit 32 bits. */
        INT,
        /** G_OPTION_ARG_INT64: g_ascii_strtoll(base 0). */
        INT64;

        boolean takesValue() {
            return this != FLAG;
        }
    }

    private final String longName;
    private final char shortName;
    private final Kind kind;
    private final String description;
    private final ConmonOption aliasOf;

    ConmonOption(String longName, char shortName, Kind kind, String description) {
        this(longName, shortName, kind, description, null);
    }

    ConmonOption(String longName, char shortName, Kind kind, String description, ConmonOption aliasOf) {
        this.longName = longName;
        this.shortName = shortName;
        this.kind = kind;
        this.description = description;
        this.aliasOf = aliasOf;
    }

    /** Long name without the leading dashes. */
    public String longName() {
        return longName;
    }

    /** Short option character, or {@code '\0'} when the option has none. */
    public char shortName() {
        return shortName;
    }

    public Kind kind() {
        return kind;
    }

    public String description() {
        return description;
    }

    /** Hidden entries (deprecated aliases) are accepted but not listed by {@code --help}. */
    public boolean hidden() {
        return aliasOf != null;
    }

    /** The option whose value this entry sets: itself, or the option a hidden alias feeds. */
    public ConmonOption target() {
        return aliasOf == null ? this : aliasOf;
    }
}
