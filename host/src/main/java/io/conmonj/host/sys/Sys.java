package io.conmonj.host.sys;

import io.conmonj.sys.LibC;

import io.conmonj.sys.Errno;
import io.conmonj.sys.Retry;

import java.util.Arrays;

/**
 * Checked system calls. Every wrapper retries EINTR where that is the right
 * thing to do and turns any other failure into a {@link NativeCallException}
 * carrying the call's name and errno. Constants are Linux x86_64/aarch64 values.
 */
public final class Sys {
    private Sys() {}

    public static final int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2;
    public static final int O_CREAT = 0100, O_EXCL = 0200, O_TRUNC = 01000, O_APPEND = 02000;
    public static final int O_NONBLOCK = 04000, O_CLOEXEC = 02000000;

    public static final int EINTR = 4, EAGAIN = 11, ECHILD = 10, ESRCH = 3, EPIPE = 32, EBADF = 9;

    public static final int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGKILL = 9, SIGUSR1 = 10;
    public static final int SIGPIPE = 13, SIGTERM = 15, SIGCHLD = 17;

    private static final int F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, FD_CLOEXEC = 1;
    private static final int WNOHANG = 1;
    private static final int PR_SET_CHILD_SUBREAPER = 36;

    /** Result of {@link #read}: nothing available on a non-blocking fd. */
    public static final int WOULD_BLOCK = -1;

    static int errno() {
        return Errno.last();
    }

    /** How a failed call of this package is reported: {@link NativeCallException} naming the call. */
    static final Retry.Failures<NativeCallException> FAILURES = NativeCallException::new;

    /** The call, made again while interrupted; its result, or {@link NativeCallException}. */
    static long retry(String name, Retry.Call call) throws NativeCallException {
        return Retry.call(name, call, FAILURES);
    }

    /** As {@link #retry(String, Retry.Call)}, with {@link #WOULD_BLOCK} for EAGAIN. */
    static long retryOrWouldBlock(String name, Retry.Call call) throws NativeCallException {
        return Retry.call(name, call, FAILURES, Retry.AGAIN);
    }

    static int check(String call, int result) throws NativeCallException {
        if (result < 0) {
            throw new NativeCallException(call, errno());
        }
        return result;
    }

    public static String strerror(int errno) {
        return Errno.text(errno);
    }

    /** Reads up to {@code len} bytes; 0 at end of file, {@link #WOULD_BLOCK} on EAGAIN. */
    public static int read(int fd, byte[] buf, int len) throws NativeCallException {
        return (int) retryOrWouldBlock("read", () -> LibC.read(fd, buf, len));
    }

    /** Writes all of {@code data}, looping over short writes (blocking fds only). */
    public static void writeAll(int fd, byte[] data) throws NativeCallException {
        byte[] rest = data;
        while (rest.length > 0) {
            byte[] chunk = rest;
            long n = retry("write", () -> LibC.write(fd, chunk, chunk.length));
            rest = Arrays.copyOfRange(rest, (int) n, rest.length);
        }
    }

    public static void close(int fd) throws NativeCallException {
        check("close", LibC.close(fd));
    }

    /** Close where nothing useful can be done about a failure (cleanup paths). */
    public static void closeQuietly(int fd) {
        if (fd >= 0) {
            LibC.close(fd);
        }
    }

    /** A pipe whose both ends are close-on-exec: [read end, write end]. */
    public static int[] pipe() throws NativeCallException {
        int[] fds = new int[2];
        check("pipe2", LibC.pipe2(fds, O_CLOEXEC));
        return fds;
    }

    public static void dup2(int from, int to) throws NativeCallException {
        retry("dup2", () -> LibC.dup2(from, to));
    }

    public static int open(String path, int flags, int mode) throws NativeCallException {
        int fd = LibC.open(path, flags, mode);
        if (fd < 0) {
            throw new NativeCallException("open " + path, errno());
        }
        return fd;
    }

    public static void setCloseOnExec(int fd, boolean on) throws NativeCallException {
        int flags = check("fcntl F_GETFD", LibC.fcntl(fd, F_GETFD, 0));
        int wanted = on ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC;
        if (wanted != flags) {
            check("fcntl F_SETFD", LibC.fcntl(fd, F_SETFD, wanted));
        }
    }

    public static void setNonBlocking(int fd) throws NativeCallException {
        int flags = check("fcntl F_GETFL", LibC.fcntl(fd, F_GETFL, 0));
        check("fcntl F_SETFL", LibC.fcntl(fd, F_SETFL, flags | O_NONBLOCK));
    }

    /** True if {@code fd} is an open descriptor. */
    public static boolean isOpen(int fd) {
        return LibC.fcntl(fd, F_GETFD, 0) >= 0;
    }

    public static int umask(int mask) {
        return LibC.umask(mask);
    }

    public static int getpid() {
        return LibC.getpid();
    }

    public static int geteuid() {
        return LibC.geteuid();
    }

    /** Becomes a session leader; fails harmlessly if already one (as conmon, errors ignored). */
    public static void setsid() {
        LibC.setsid();
    }

    public static void becomeChildSubreaper() throws NativeCallException {
        check("prctl PR_SET_CHILD_SUBREAPER", LibC.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0));
    }

    /** The process group of {@code pid}, or -1 if it cannot be found. */
    public static int getpgid(int pid) {
        return LibC.getpgid(pid);
    }

    /** Sends a signal; false if the process does not exist (ESRCH). */
    public static boolean kill(int pid, int signal) throws NativeCallException {
        if (LibC.kill(pid, signal) == 0) {
            return true;
        }
        if (errno() == ESRCH) {
            return false;
        }
        throw new NativeCallException("kill", errno());
    }

    /**
     * One non-blocking {@code waitpid}: the reaped child, {@link WaitResult#NONE}
     * if children exist but none has changed state, {@link WaitResult#NO_CHILDREN}
     * on ECHILD.
     */
    public static WaitResult waitAnyNoHang() throws NativeCallException {
        return waitpid(-1, WNOHANG);
    }

    /** Blocking wait for any child. */
    public static WaitResult waitAny() throws NativeCallException {
        return waitpid(-1, 0);
    }

    private static final int[] NO_CHILD = {ECHILD};

    private static WaitResult waitpid(int pid, int options) throws NativeCallException {
        int[] status = new int[1];
        long reaped = Retry.call("waitpid", () -> LibC.waitpid(pid, status, options), FAILURES, NO_CHILD);
        if (reaped == Retry.WOULD_BLOCK) {
            return WaitResult.NO_CHILDREN;
        }
        return reaped == 0 ? WaitResult.NONE : new WaitResult((int) reaped, status[0]);
    }

    /** Mirrors a diagnostic line to syslog(3) (facility user, ident = program name). */
    public static void syslog(int priority, String message) {
        LibC.syslog(priority, message);
    }
}
