package io.conmonj.host;

import io.conmonj.host.cli.LogLevel;
import io.conmonj.host.sys.Sys;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The monitor's own messages (conmon-behaviour.md §7.5): "[conmon:e]: msg" and friends on
 * stderr, filtered by --log-level, mirrored to syslog(3) with --syslog. Once
 * the monitor has detached, stderr is /dev/null and syslog is the only
 * channel, which is why Podman passes --syslog.
 */
public final class Diagnostics {
    private static final int LOG_ERR = 3, LOG_INFO = 6, LOG_USER = 8;

    private static volatile LogLevel threshold = LogLevel.WARN;
    private static volatile boolean syslog;
    private static volatile String syslogPrefix = "conmon";
    private static final PrintStream STDERR = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true,
            StandardCharsets.UTF_8);

    private Diagnostics() {}

    private static volatile PrintStream file;

    public static void configure(LogLevel level, boolean toSyslog, String cid, String logTag) {
        threshold = level;
        // Where there is no syslog to read (containers, CI), an operator can point this at a file.
        String path = System.getenv("CONMONJ_DIAGNOSTICS_FILE");
        if (path != null && !path.isEmpty()) {
            try {
                file = new PrintStream(new java.io.FileOutputStream(path, true), true, StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                STDERR.println("[conmon:w]: cannot open CONMONJ_DIAGNOSTICS_FILE " + path + ": " + e.getMessage());
            }
        }
        syslog = toSyslog;
        String id = cid == null ? "" : cid.substring(0, Math.min(20, cid.length()));
        syslogPrefix = "conmon " + (logTag == null || logTag.isEmpty() ? id : id + ": " + logTag);
    }

    public static void error(String message) {
        log(LogLevel.ERROR, message);
    }

    public static void warn(String message) {
        log(LogLevel.WARN, message);
    }

    /**
     * A log driver's failure or drop count: a warning that always reaches
     * syslog, with or without --syslog (Podman 4.3 passes it only at debug
     * level), because after detaching there is no other place an operator
     * can find it.
     */
    public static void driverReport(String message) {
        log(LogLevel.WARN, message);
        if (!syslog) {
            Sys.syslog(LOG_USER | LOG_INFO, syslogPrefix + " <nwarn>: " + message);
        }
    }

    public static void info(String message) {
        log(LogLevel.INFO, message);
    }

    public static void debug(String message) {
        log(LogLevel.DEBUG, message);
    }

    public static boolean enabled(LogLevel level) {
        return level.ordinal() <= threshold.ordinal();
    }

    public static void log(LogLevel level, String message) {
        if (!enabled(level)) {
            return;
        }
        String line = "[conmon:" + letter(level) + "]: " + message;
        STDERR.println(line);
        PrintStream copy = file;
        if (copy != null) {
            copy.println(System.currentTimeMillis() + " " + syslogPrefix + " " + line);
        }
        if (syslog) {
            int priority = LOG_USER | (level == LogLevel.ERROR ? LOG_ERR : LOG_INFO);
            Sys.syslog(priority, syslogPrefix + " <" + syslogKind(level) + ">: " + message);
        }
    }

    private static char letter(LogLevel level) {
        return switch (level) {
            case ERROR -> 'e';
            case WARN -> 'w';
            case INFO -> 'i';
            case DEBUG, TRACE -> 'd';
        };
    }

    /** conmon's syslog kinds: "<error>", "<nwarn>", "<ninfo>", "<ndebug>". */
    private static String syslogKind(LogLevel level) {
        return level == LogLevel.ERROR ? "error" : "n" + level.name().toLowerCase(java.util.Locale.ROOT);
    }
}
