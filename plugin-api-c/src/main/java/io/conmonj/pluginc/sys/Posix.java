package io.conmonj.pluginc.sys;

import com.sun.jna.Pointer;
import io.conmonj.sys.Errno;
import io.conmonj.sys.Layouts;
import io.conmonj.sys.LibC;
import io.conmonj.sys.NativeMemory;
import io.conmonj.sys.Retry;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The system calls of the c-plugin driver, on the project's native layer ({@code io.conmonj.sys}): each one checked,
 * EINTR retried by {@link Retry}, any other failure a {@link NativeCallException} naming the call and its errno.
 * The structs it reads are {@link Layouts#STATX}, {@link Layouts#POLLFD} and {@link Layouts#SIGINFO}; the spawn
 * attributes and file actions are glibc-opaque and only allocated (with room to spare) and handed to their functions.
 */
public final class Posix {
    private Posix() {
    }

    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    /** No close-on-exec: the descriptor is for the child. */
    private static final int O_CLOEXEC_OFF = 0;
    public static final int O_NOCTTY = 0x100;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_DIRECTORY = 0x10000;
    public static final int O_NOFOLLOW = 0x20000;
    public static final int O_CLOEXEC = 0x80000;
    public static final int ELOOP = 40;
    public static final int ESRCH = 3;

    public static final int S_IFMT = 0xF000;
    public static final int S_IFREG = 0x8000;
    public static final int S_IFDIR = 0x4000;
    public static final int S_IWGRP = 0x10;
    public static final int S_IWOTH = 0x2;

    public static final short POLLIN = 0x1;
    public static final short POLLOUT = 0x4;
    public static final short POLLERR = 0x8;
    public static final short POLLHUP = 0x10;

    public static final int SIGKILL = 9;

    private static final int AT_EMPTY_PATH = 0x1000;
    private static final int STATX_BASIC_STATS = 0x7ff;
    private static final int AF_UNIX = 1;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int F_GETFL = 3;
    private static final int F_SETFL = 4;
    private static final int F_DUPFD_CLOEXEC = 1030;
    private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    private static final long SYS_PIDFD_SEND_SIGNAL = 424; // same numbers on x86_64 and aarch64
    private static final long SYS_PIDFD_OPEN = 434;
    private static final int P_PIDFD = 3;
    private static final int WEXITED = 4;
    private static final int WNOHANG = 1;
    /** si_code of a child that exited normally (CLD_EXITED); the others mean a signal. */
    private static final int CLD_EXITED = 1;

    private static final int STX_NLINK = (int) Layouts.STATX.offset("stx_nlink");
    private static final int STX_UID = (int) Layouts.STATX.offset("stx_uid");
    private static final int STX_MODE = (int) Layouts.STATX.offset("stx_mode");
    private static final int STX_INO = (int) Layouts.STATX.offset("stx_ino");
    private static final int STX_DEV_MAJOR = (int) Layouts.STATX.offset("stx_dev_major");
    private static final int STX_DEV_MINOR = (int) Layouts.STATX.offset("stx_dev_minor");
    private static final long PFD_FD = Layouts.POLLFD.offset("fd");
    private static final long PFD_EVENTS = Layouts.POLLFD.offset("events");
    private static final long PFD_REVENTS = Layouts.POLLFD.offset("revents");
    private static final int SI_PID = (int) Layouts.SIGINFO.offset("si_pid");
    private static final int SI_CODE = (int) Layouts.SIGINFO.offset("si_code");
    private static final int SI_STATUS = (int) Layouts.SIGINFO.offset("si_status");

    /** glibc's posix_spawnattr_t is 336 bytes, posix_spawn_file_actions_t 80 (x86_64). */
    private static final long OPAQUE_BYTES = 512;
    /** sigset_t: glibc's 1024 bits. */
    private static final long SIGSET_BYTES = 128;

    private static final Retry.Failures<NativeCallException> FAILURES = NativeCallException::new;
    /** EAGAIN: "not now" for the non-blocking socket and pipe. */
    private static final int[] AGAIN = Retry.AGAIN;

    public static String strerror(int errno) {
        return Errno.text(errno);
    }

    public static int geteuid() {
        return LibC.geteuid();
    }

    public static int open(String path, int flags) throws NativeCallException {
        return (int) Retry.call("open " + path, () -> LibC.open(path, flags, 0), FAILURES);
    }

    public static int openat(int dirfd, String name, int flags) throws NativeCallException {
        return (int) Retry.call("openat " + name, () -> LibC.openat(dirfd, name, flags, 0), FAILURES);
    }

    /** What {@link #fstat} reports of an open file. */
    public record FileStatus(int mode, int uid, int nlink, long dev, long ino) {
        public boolean isRegular() {
            return (mode & S_IFMT) == S_IFREG;
        }

        public boolean isDirectory() {
            return (mode & S_IFMT) == S_IFDIR;
        }

        public boolean groupOrOthersMayWrite() {
            return (mode & (S_IWGRP | S_IWOTH)) != 0;
        }
    }

    /** statx(fd, "", AT_EMPTY_PATH): the open file itself, whatever its name points at now. */
    public static FileStatus fstat(int fd) throws NativeCallException {
        byte[] image = new byte[(int) Layouts.STATX.size()];
        Retry.call("statx", () -> LibC.statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, image), FAILURES);
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.nativeOrder());
        long dev = ((long) b.getInt(STX_DEV_MAJOR) << 32) | (b.getInt(STX_DEV_MINOR) & 0xffffffffL);
        return new FileStatus(Short.toUnsignedInt(b.getShort(STX_MODE)), b.getInt(STX_UID), b.getInt(STX_NLINK), dev,
                b.getLong(STX_INO));
    }

    /** Closes fd; errors are ignored (the descriptor is gone either way on Linux). */
    public static void close(int fd) {
        if (fd >= 0) {
            LibC.close(fd);
        }
    }

    /** A SOCK_STREAM socketpair, both ends close-on-exec. */
    public static int[] socketpair() throws NativeCallException {
        int[] fds = new int[2];
        Retry.call("socketpair", () -> LibC.socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), FAILURES);
        return fds;
    }

    /** A pipe, both ends close-on-exec: [read, write]. */
    public static int[] pipe() throws NativeCallException {
        int[] fds = new int[2];
        Retry.call("pipe2", () -> LibC.pipe2(fds, O_CLOEXEC), FAILURES);
        return fds;
    }

    private static int fcntl(int fd, int cmd, int arg) throws NativeCallException {
        return (int) Retry.call("fcntl", () -> LibC.fcntl(fd, cmd, arg), FAILURES);
    }

    public static void setNonBlocking(int fd) throws NativeCallException {
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK);
    }

    /** A close-on-exec duplicate of fd numbered at least min. */
    public static int dupAbove(int fd, int min) throws NativeCallException {
        return fcntl(fd, F_DUPFD_CLOEXEC, min);
    }

    /** One {@code struct pollfd} in native memory (poll may block, so no Java array is handed to it). */
    public static final class PollFd {
        private final NativeMemory image = new NativeMemory(Layouts.POLLFD.size());

        /**
         * poll on one fd; returns revents (0 on timeout); EINTR counts as a timeout, so that the caller's
         * deadline is looked at again.
         */
        public short poll(int fd, short events, int timeoutMillis) throws NativeCallException {
            image.clear();
            image.setInt(PFD_FD, fd);
            image.setShort(PFD_EVENTS, events);
            int r = LibC.poll(image, 1, timeoutMillis);
            if (r < 0) {
                int e = Errno.last();
                if (e == Errno.EINTR) {
                    return 0;
                }
                throw new NativeCallException("poll", e);
            }
            return r == 0 ? 0 : image.getShort(PFD_REVENTS);
        }
    }

    /** read(2) into buf; -1 for EAGAIN, 0 at EOF. */
    public static long read(int fd, Pointer buf, long len) throws NativeCallException {
        NativeMemory room = NativeMemory.wrap(Pointer.nativeValue(buf), len);
        return Retry.call("read", () -> LibC.read(fd, room, len), FAILURES, AGAIN);
    }

    /** write(2) of buf[0, len); -1 for EAGAIN. */
    public static long write(int fd, byte[] buf, int len) throws NativeCallException {
        return Retry.call("write", () -> LibC.write(fd, buf, len), FAILURES, AGAIN);
    }

    /** send(2) on a socket without SIGPIPE (a peer that is gone is EPIPE); -1 for EAGAIN. */
    public static long send(int fd, Pointer buf, long len) throws NativeCallException {
        NativeMemory data = NativeMemory.wrap(Pointer.nativeValue(buf), len);
        return Retry.call("send", () -> LibC.send(fd, data, len, MSG_NOSIGNAL), FAILURES, AGAIN);
    }

    /**
     * posix_spawn of program with argv and env, the given fds dup2'ed to 3, 4, 5, ... in the child,
     * stdin, stdout and stderr on /dev/null (the monitor's own stdio are Podman's pipes until it
     * detaches: a child holding them would keep {@code podman run -d} waiting), every other
     * descriptor closed, no signal blocked and every signal at its default.
     * Returns the child's pid.
     */
    public static int spawn(String program, List<String> argv, List<String> env, int[] childFds)
            throws NativeCallException {
        NativeMemory actions = new NativeMemory(OPAQUE_BYTES);
        NativeMemory attr = new NativeMemory(OPAQUE_BYTES);
        NativeMemory none = new NativeMemory(SIGSET_BYTES);
        NativeMemory all = new NativeMemory(SIGSET_BYTES);
        LibC.sigemptyset(none);
        LibC.sigfillset(all);
        check("posix_spawn_file_actions_init", LibC.posix_spawn_file_actions_init(actions));
        try {
            check("posix_spawnattr_init", LibC.posix_spawnattr_init(attr));
            int[] high = new int[childFds.length];
            try {
                // the sources first move above every target, so no dup2 overwrites a later source
                for (int i = 0; i < childFds.length; i++) {
                    high[i] = dupAbove(childFds[i], 3 + childFds.length);
                }
                for (int i = 0; i < childFds.length; i++) {
                    check("posix_spawn_file_actions_adddup2",
                            LibC.posix_spawn_file_actions_adddup2(actions, high[i], 3 + i));
                }
                check("posix_spawn_file_actions_addopen",
                        LibC.posix_spawn_file_actions_addopen(actions, 0, "/dev/null", O_RDONLY | O_CLOEXEC_OFF, 0));
                for (int fd = 1; fd <= 2; fd++) {
                    check("posix_spawn_file_actions_addopen",
                            LibC.posix_spawn_file_actions_addopen(actions, fd, "/dev/null", O_WRONLY | O_CLOEXEC_OFF, 0));
                }
                check("posix_spawn_file_actions_addclosefrom_np",
                        LibC.posix_spawn_file_actions_addclosefrom_np(actions, 3 + childFds.length));
                check("posix_spawnattr_setsigmask", LibC.posix_spawnattr_setsigmask(attr, none));
                check("posix_spawnattr_setsigdefault", LibC.posix_spawnattr_setsigdefault(attr, all));
                check("posix_spawnattr_setflags",
                        LibC.posix_spawnattr_setflags(attr, (short) (POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)));
                int[] pid = new int[1];
                check("posix_spawn " + program, LibC.posix_spawn(pid, program, actions, attr,
                        argv.toArray(new String[0]), env.toArray(new String[0])));
                return pid[0];
            } finally {
                for (int fd : high) {
                    if (fd > 0) {
                        close(fd);
                    }
                }
                LibC.posix_spawnattr_destroy(attr);
            }
        } finally {
            LibC.posix_spawn_file_actions_destroy(actions);
        }
    }

    /** posix_spawn and its helpers return an error number instead of setting errno. */
    private static void check(String call, int error) throws NativeCallException {
        if (error != 0) {
            throw new NativeCallException(call, error);
        }
    }

    /** A pidfd for pid (so a later signal cannot reach a recycled pid). */
    public static int pidfdOpen(int pid) throws NativeCallException {
        return (int) Retry.call("pidfd_open", () -> LibC.syscall(SYS_PIDFD_OPEN, pid, 0), FAILURES);
    }

    /** Sends sig through a pidfd; a process that is already gone (ESRCH) is not an error. */
    public static void pidfdSignal(int pidfd, int sig) throws NativeCallException {
        long r = LibC.syscall(SYS_PIDFD_SEND_SIGNAL, pidfd, sig, 0, 0);
        if (r < 0 && Errno.last() != ESRCH) {
            throw new NativeCallException("pidfd_send_signal", Errno.last());
        }
    }

    /**
     * Reaps the child behind pidfd if it has ended: "exit status N" or "killed by signal N", or null
     * while it runs or when someone else (the monitor's own reaper) reaped it first.
     */
    public static String reap(int pidfd) {
        byte[] image = new byte[(int) Layouts.SIGINFO.size()];
        int r = LibC.waitid(P_PIDFD, pidfd, image, WEXITED | WNOHANG);
        ByteBuffer info = ByteBuffer.wrap(image).order(ByteOrder.nativeOrder());
        if (r != 0 || info.getInt(SI_PID) == 0) {
            return null;
        }
        int status = info.getInt(SI_STATUS);
        return info.getInt(SI_CODE) == CLD_EXITED ? "exit status " + status : "killed by signal " + status;
    }
}
