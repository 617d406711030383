package io.conmonj.pluginc.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The system calls of the c-plugin driver, through java.lang.foreign: each one checked, a failure
 * a {@link NativeCallException} naming the call and its errno. Structs the driver reads are declared
 * by name ({@link #STATX}, {@link #POLLFD}, {@link #SIGINFO}); the spawn attributes and file actions
 * are glibc-opaque and only allocated (with room to spare) and handed to their functions.
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
    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
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
    private static final int F_GETFL = 3;
    private static final int F_SETFL = 4;
    private static final int F_DUPFD_CLOEXEC = 1030;
    private static final int POSIX_SPAWN_SETSIGDEF = 0x04;
    private static final int POSIX_SPAWN_SETSIGMASK = 0x08;
    private static final long SYS_PIDFD_SEND_SIGNAL = 424;
    private static final long SYS_PIDFD_OPEN = 434;
    private static final int P_PIDFD = 3;
    private static final int WEXITED = 4;
    private static final int WNOHANG = 1;

    /** struct statx (linux/stat.h), the fields the driver reads, same on every architecture. */
    public static final StructLayout STATX = MemoryLayout.structLayout(
            JAVA_INT.withName("stx_mask"), JAVA_INT.withName("stx_blksize"), JAVA_LONG.withName("stx_attributes"),
            JAVA_INT.withName("stx_nlink"), JAVA_INT.withName("stx_uid"), JAVA_INT.withName("stx_gid"),
            JAVA_SHORT.withName("stx_mode"), MemoryLayout.paddingLayout(2), JAVA_LONG.withName("stx_ino"),
            JAVA_LONG.withName("stx_size"), JAVA_LONG.withName("stx_blocks"),
            JAVA_LONG.withName("stx_attributes_mask"), MemoryLayout.paddingLayout(64), // four statx_timestamp
            JAVA_INT.withName("stx_rdev_major"), JAVA_INT.withName("stx_rdev_minor"),
            JAVA_INT.withName("stx_dev_major"), JAVA_INT.withName("stx_dev_minor"),
            MemoryLayout.paddingLayout(112)); // stx_mnt_id and room the kernel reserves: 256 bytes in all
    private static final VarHandle STX_NLINK = field(STATX, "stx_nlink", JAVA_INT);
    private static final VarHandle STX_UID = field(STATX, "stx_uid", JAVA_INT);
    private static final VarHandle STX_MODE = field(STATX, "stx_mode", JAVA_SHORT);
    private static final VarHandle STX_INO = field(STATX, "stx_ino", JAVA_LONG);
    private static final VarHandle STX_DEV_MAJOR = field(STATX, "stx_dev_major", JAVA_INT);
    private static final VarHandle STX_DEV_MINOR = field(STATX, "stx_dev_minor", JAVA_INT);

    /** struct pollfd. */
    public static final StructLayout POLLFD = MemoryLayout.structLayout(
            JAVA_INT.withName("fd"), JAVA_SHORT.withName("events"), JAVA_SHORT.withName("revents"));
    private static final VarHandle PFD_FD = field(POLLFD, "fd", JAVA_INT);
    private static final VarHandle PFD_EVENTS = field(POLLFD, "events", JAVA_SHORT);
    private static final VarHandle PFD_REVENTS = field(POLLFD, "revents", JAVA_SHORT);

    /** siginfo_t as waitid fills it for a child (LP64), padded to its 128 bytes. */
    public static final StructLayout SIGINFO = MemoryLayout.structLayout(
            JAVA_INT.withName("si_signo"), JAVA_INT.withName("si_errno"), JAVA_INT.withName("si_code"),
            MemoryLayout.paddingLayout(4), JAVA_INT.withName("si_pid"), JAVA_INT.withName("si_uid"),
            JAVA_INT.withName("si_status"), MemoryLayout.paddingLayout(100));
    private static final VarHandle SI_PID = field(SIGINFO, "si_pid", JAVA_INT);
    private static final VarHandle SI_CODE = field(SIGINFO, "si_code", JAVA_INT);
    private static final VarHandle SI_STATUS = field(SIGINFO, "si_status", JAVA_INT);
    /** si_code of a child that exited normally (CLD_EXITED); the others mean a signal. */
    private static final int CLD_EXITED = 1;

    /** glibc's posix_spawnattr_t is 336 bytes, posix_spawn_file_actions_t 80, sigset_t 128 (x86_64). */
    private static final long OPAQUE_BYTES = 512;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(PathElement.groupElement("errno"));

    private static final MethodHandle OPEN = errnoCall("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), 2);
    private static final MethodHandle OPENAT = errnoCall("openat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), 3);
    private static final MethodHandle STATX_CALL = errnoCall("statx",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS), -1);
    private static final MethodHandle CLOSE = errnoCall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), -1);
    private static final MethodHandle SOCKETPAIR = errnoCall("socketpair",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), -1);
    private static final MethodHandle PIPE2 = errnoCall("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), -1);
    private static final MethodHandle FCNTL = errnoCall("fcntl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), 2);
    private static final MethodHandle POLL = errnoCall("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), -1);
    private static final MethodHandle READ = errnoCall("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), -1);
    private static final MethodHandle WRITE = errnoCall("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), -1);
    private static final MethodHandle SEND = errnoCall("send",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), -1);
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final MethodHandle SYSCALL3 = errnoCall("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), 1);
    private static final MethodHandle SYSCALL5 = errnoCall("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), 1);
    private static final MethodHandle WAITID = errnoCall("waitid",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), -1);
    private static final MethodHandle GETEUID = plain("geteuid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle STRERROR = plain("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    // posix_spawn and its helpers return an error number instead of setting errno
    private static final MethodHandle SPAWN = plain("posix_spawn",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle FA_INIT = plain("posix_spawn_file_actions_init", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle FA_DESTROY = plain("posix_spawn_file_actions_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle FA_DUP2 = plain("posix_spawn_file_actions_adddup2",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle FA_OPEN = plain("posix_spawn_file_actions_addopen",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle FA_CLOSEFROM = plain("posix_spawn_file_actions_addclosefrom_np",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle ATTR_INIT = plain("posix_spawnattr_init", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle ATTR_DESTROY = plain("posix_spawnattr_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle ATTR_FLAGS = plain("posix_spawnattr_setflags", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_SHORT));
    private static final MethodHandle ATTR_SIGMASK = plain("posix_spawnattr_setsigmask", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle ATTR_SIGDEF = plain("posix_spawnattr_setsigdefault", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SIGEMPTYSET = plain("sigemptyset", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle SIGFILLSET = plain("sigfillset", FunctionDescriptor.of(JAVA_INT, ADDRESS));

    private static VarHandle field(StructLayout s, String name, ValueLayout type) {
        return s.varHandle(PathElement.groupElement(name));
    }

    private static MethodHandle errnoCall(String name, FunctionDescriptor d, int firstVariadic) {
        MemorySegment f = LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        Linker.Option capture = Linker.Option.captureCallState("errno");
        return firstVariadic < 0 ? LINKER.downcallHandle(f, d, capture)
                : LINKER.downcallHandle(f, d, capture, Linker.Option.firstVariadicArg(firstVariadic));
    }

    private static MethodHandle plain(String name, FunctionDescriptor d) {
        return LINKER.downcallHandle(LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name)), d);
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static RuntimeException unexpected(String call, Throwable t) {
        return new IllegalStateException("calling " + call, t);
    }

    public static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    public static int geteuid() {
        try {
            return (int) GETEUID.invokeExact();
        } catch (Throwable t) {
            throw unexpected("geteuid", t);
        }
    }

    public static int open(String path, int flags) throws NativeCallException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            int fd = (int) OPEN.invokeExact(st, a.allocateFrom(path), flags, 0);
            if (fd < 0) {
                throw new NativeCallException("open " + path, errno(st));
            }
            return fd;
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected("open", t);
        }
    }

    public static int openat(int dirfd, String name, int flags) throws NativeCallException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            int fd = (int) OPENAT.invokeExact(st, dirfd, a.allocateFrom(name), flags, 0);
            if (fd < 0) {
                throw new NativeCallException("openat " + name, errno(st));
            }
            return fd;
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected("openat", t);
        }
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
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment buf = a.allocate(STATX);
            int r = (int) STATX_CALL.invokeExact(st, fd, a.allocateFrom(""), AT_EMPTY_PATH, STATX_BASIC_STATS, buf);
            if (r != 0) {
                throw new NativeCallException("statx", errno(st));
            }
            long dev = ((long) (int) STX_DEV_MAJOR.get(buf, 0L) << 32) | ((int) STX_DEV_MINOR.get(buf, 0L) & 0xffffffffL);
            return new FileStatus(Short.toUnsignedInt((short) STX_MODE.get(buf, 0L)), (int) STX_UID.get(buf, 0L),
                    (int) STX_NLINK.get(buf, 0L), dev, (long) STX_INO.get(buf, 0L));
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected("statx", t);
        }
    }

    /** Closes fd; errors are ignored (the descriptor is gone either way on Linux). */
    public static void close(int fd) {
        if (fd < 0) {
            return;
        }
        try (Arena a = Arena.ofConfined()) {
            int r = (int) CLOSE.invokeExact(a.allocate(CAPTURE), fd);
        } catch (Throwable t) {
            throw unexpected("close", t);
        }
    }

    /** A SOCK_STREAM socketpair, both ends close-on-exec. */
    public static int[] socketpair() throws NativeCallException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment fds = a.allocate(JAVA_INT, 2);
            int r = (int) SOCKETPAIR.invokeExact(st, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds);
            if (r != 0) {
                throw new NativeCallException("socketpair", errno(st));
            }
            return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected("socketpair", t);
        }
    }

    /** A pipe, both ends close-on-exec: [read, write]. */
    public static int[] pipe() throws NativeCallException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment fds = a.allocate(JAVA_INT, 2);
            int r = (int) PIPE2.invokeExact(st, fds, O_CLOEXEC);
            if (r != 0) {
                throw new NativeCallException("pipe2", errno(st));
            }
            return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected("pipe2", t);
        }
    }

    private static int fcntl(int fd, int cmd, int arg) throws NativeCallException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            int r = (int) FCNTL.invokeExact(st, fd, cmd, arg);
            if (r < 0) {
                throw new NativeCallException("fcntl", errno(st));
            }
            return r;
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected("fcntl", t);
        }
    }

    public static void setNonBlocking(int fd) throws NativeCallException {
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK);
    }

    /** A close-on-exec duplicate of fd numbered at least min. */
    public static int dupAbove(int fd, int min) throws NativeCallException {
        return fcntl(fd, F_DUPFD_CLOEXEC, min);
    }

    /** poll on one fd; returns revents (0 on timeout); EINTR counts as a timeout. */
    public static short poll(int fd, short events, int timeoutMillis) throws NativeCallException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment p = a.allocate(POLLFD);
            PFD_FD.set(p, 0L, fd);
            PFD_EVENTS.set(p, 0L, events);
            int r = (int) POLL.invokeExact(st, p, 1L, timeoutMillis);
            if (r < 0) {
                int e = errno(st);
                if (e == EINTR) {
                    return 0;
                }
                throw new NativeCallException("poll", e);
            }
            return r == 0 ? 0 : (short) PFD_REVENTS.get(p, 0L);
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected("poll", t);
        }
    }

    /** read(2) into buf; -1 for EAGAIN/EINTR, 0 at EOF. */
    public static long read(int fd, MemorySegment buf, long len) throws NativeCallException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            long n = (long) READ.invokeExact(st, fd, buf, len);
            if (n < 0) {
                int e = errno(st);
                if (e == EAGAIN || e == EINTR) {
                    return -1;
                }
                throw new NativeCallException("read", e);
            }
            return n;
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected("read", t);
        }
    }

    /** write(2) from buf; -1 for EAGAIN/EINTR. */
    public static long write(int fd, MemorySegment buf, long len) throws NativeCallException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            long n = (long) WRITE.invokeExact(st, fd, buf, len);
            if (n < 0) {
                int e = errno(st);
                if (e == EAGAIN || e == EINTR) {
                    return -1;
                }
                throw new NativeCallException("write", e);
            }
            return n;
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected("write", t);
        }
    }

    /** send(2) on a socket without SIGPIPE (a peer that is gone is EPIPE); -1 for EAGAIN/EINTR. */
    public static long send(int fd, MemorySegment buf, long len) throws NativeCallException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            long n = (long) SEND.invokeExact(st, fd, buf, len, MSG_NOSIGNAL);
            if (n < 0) {
                int e = errno(st);
                if (e == EAGAIN || e == EINTR) {
                    return -1;
                }
                throw new NativeCallException("send", e);
            }
            return n;
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected("send", t);
        }
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
        try (Arena a = Arena.ofConfined()) {
            MemorySegment fa = a.allocate(OPAQUE_BYTES, 16);
            MemorySegment attr = a.allocate(OPAQUE_BYTES, 16);
            MemorySegment sigs = a.allocate(OPAQUE_BYTES, 16);
            check("posix_spawn_file_actions_init", (int) FA_INIT.invokeExact(fa));
            check("posix_spawnattr_init", (int) ATTR_INIT.invokeExact(attr));
            int[] high = new int[childFds.length];
            try {
                // the sources first move above every target, so no dup2 overwrites a later source
                for (int i = 0; i < childFds.length; i++) {
                    high[i] = dupAbove(childFds[i], 3 + childFds.length);
                }
                for (int i = 0; i < childFds.length; i++) {
                    check("posix_spawn_file_actions_adddup2", (int) FA_DUP2.invokeExact(fa, high[i], 3 + i));
                }
                MemorySegment devNull = a.allocateFrom("/dev/null");
                check("posix_spawn_file_actions_addopen",
                        (int) FA_OPEN.invokeExact(fa, 0, devNull, O_RDONLY | O_CLOEXEC_OFF, 0));
                for (int fd = 1; fd <= 2; fd++) {
                    check("posix_spawn_file_actions_addopen",
                            (int) FA_OPEN.invokeExact(fa, fd, devNull, O_WRONLY | O_CLOEXEC_OFF, 0));
                }
                check("posix_spawn_file_actions_addclosefrom_np", (int) FA_CLOSEFROM.invokeExact(fa, 3 + childFds.length));
                int r0 = (int) SIGEMPTYSET.invokeExact(sigs);
                check("posix_spawnattr_setsigmask", (int) ATTR_SIGMASK.invokeExact(attr, sigs));
                int r1 = (int) SIGFILLSET.invokeExact(sigs);
                check("posix_spawnattr_setsigdefault", (int) ATTR_SIGDEF.invokeExact(attr, sigs));
                check("posix_spawnattr_setflags",
                        (int) ATTR_FLAGS.invokeExact(attr, (short) (POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)));
                MemorySegment pid = a.allocate(JAVA_INT);
                check("posix_spawn " + program, (int) SPAWN.invokeExact(pid, a.allocateFrom(program), fa, attr,
                        strings(a, argv), strings(a, env)));
                return pid.get(JAVA_INT, 0);
            } finally {
                for (int fd : high) {
                    if (fd > 0) {
                        close(fd);
                    }
                }
                int d1 = (int) FA_DESTROY.invokeExact(fa);
                int d2 = (int) ATTR_DESTROY.invokeExact(attr);
            }
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected("posix_spawn", t);
        }
    }

    private static void check(String call, int error) throws NativeCallException {
        if (error != 0) {
            throw new NativeCallException(call, error);
        }
    }

    private static MemorySegment strings(Arena a, List<String> list) {
        MemorySegment v = a.allocate(ADDRESS, list.size() + 1L);
        for (int i = 0; i < list.size(); i++) {
            v.setAtIndex(ADDRESS, i, a.allocateFrom(list.get(i), StandardCharsets.UTF_8));
        }
        v.setAtIndex(ADDRESS, list.size(), MemorySegment.NULL);
        return v;
    }

    /** A pidfd for pid (so a later signal cannot reach a recycled pid). */
    public static int pidfdOpen(int pid) throws NativeCallException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            long r = (long) SYSCALL3.invokeExact(st, SYS_PIDFD_OPEN, (long) pid, 0L, 0L);
            if (r < 0) {
                throw new NativeCallException("pidfd_open", errno(st));
            }
            return (int) r;
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected("pidfd_open", t);
        }
    }

    /** Sends sig through a pidfd; a process that is already gone (ESRCH) is not an error. */
    public static void pidfdSignal(int pidfd, int sig) throws NativeCallException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            long r = (long) SYSCALL5.invokeExact(st, SYS_PIDFD_SEND_SIGNAL, (long) pidfd, (long) sig, 0L, 0L);
            if (r < 0 && errno(st) != ESRCH) {
                throw new NativeCallException("pidfd_send_signal", errno(st));
            }
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected("pidfd_send_signal", t);
        }
    }

    /**
     * Reaps the child behind pidfd if it has ended: "exit status N" or "killed by signal N", or null
     * while it runs or when someone else (the monitor's own reaper) reaped it first.
     */
    public static String reap(int pidfd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment info = a.allocate(SIGINFO);
            int r = (int) WAITID.invokeExact(st, P_PIDFD, pidfd, info, WEXITED | WNOHANG);
            if (r != 0 || (int) SI_PID.get(info, 0L) == 0) {
                return null;
            }
            int status = (int) SI_STATUS.get(info, 0L);
            return (int) SI_CODE.get(info, 0L) == CLD_EXITED ? "exit status " + status : "killed by signal " + status;
        } catch (Throwable t) {
            return null;
        }
    }
}
