package io.conmonj.host.lifecycle;

import io.conmonj.host.cli.ConfigError;
import io.conmonj.host.cli.Options;
import io.conmonj.host.sys.NativeCallException;
import io.conmonj.host.sys.Sys;

/**
 * The pipes Podman hands over in the environment (conmon-behaviour.md §3.1, §3.2):
 * _OCI_SYNCPIPE for status messages, _OCI_STARTPIPE for the "go" byte(s),
 * _OCI_ATTACHPIPE (exec --exec-attach) for "the attach socket is ready".
 *
 * conmon parses these after it has detached, so a bad value only shows up as
 * EOF on the sync pipe; conmon-j checks them while the caller still waits and
 * reports them with conmon's texts (a deliberate improvement).
 */
final class PodmanPipes {
    private PodmanPipes() {}

    static void attach(Options options, ProcessState process, LauncherLink launcher) throws ConfigError {
        int syncFd = parseFd("_OCI_SYNCPIPE");
        if (syncFd > 0) {
            claim(process, syncFd, "_OCI_SYNCPIPE");
            process.useSyncPipe(new SyncPipe(syncFd, syncKey(options)));
        }
        int startFd = parseFd("_OCI_STARTPIPE");
        if (startFd > 0) {
            claim(process, startFd, "_OCI_STARTPIPE");
            if (!launcher.startPipeConsumed()) {
                readStartByte(startFd);
            }
            if (options.execAttach()) {
                process.keepStartPipe(startFd);
            } else {
                Sys.closeQuietly(startFd);
            }
        }
        if (options.execAttach()) {
            int attachFd = parseFd("_OCI_ATTACHPIPE");
            if (attachFd <= 0) {
                throw ConfigError.error("--attach specified but _OCI_ATTACHPIPE was not");
            }
            claim(process, attachFd, "_OCI_ATTACHPIPE");
            process.useAttachPipe(new SyncPipe(attachFd, "data"));
        }
    }

    /** conmon-behaviour.md §3.3: "data" with --api-version, else "exit_code" for exec, else "pid". */
    static String syncKey(Options options) {
        if (options.apiVersion() > 0) {
            return "data";
        }
        return options.exec() ? "exit_code" : "pid";
    }

    private static int parseFd(String variable) throws ConfigError {
        String value = System.getenv(variable);
        if (value == null || value.isEmpty()) {
            return -1;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw ConfigError.error("unable to parse " + variable);
        }
    }

    private static void claim(ProcessState process, int fd, String variable) throws ConfigError {
        try {
            process.ownPipe(fd);
        } catch (NativeCallException e) {
            throw ConfigError.error("unable to make " + variable + " CLOEXEC");
        }
    }

    private static void readStartByte(int fd) throws ConfigError {
        try {
            Sys.read(fd, new byte[8192], 8192);
        } catch (NativeCallException e) {
            throw ConfigError.error("Failed to read from start pipe: " + e.reason());
        }
    }
}
