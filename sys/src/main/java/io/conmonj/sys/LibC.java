package io.conmonj.sys;

import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;

/**
 * Every libc entry point of the project, called through the project's own JNI library ({@link Natives}; why not
 * JNA or {@code java.lang.foreign}: docs/design.md, "Native layer"). Nothing here checks errors: callers check the
 * result, read {@link Errno#last()} and retry through {@link Retry}; the host's checked wrappers are in
 * {@code host.sys}, the drivers' datagram socket in {@code drivers.common}, the C plugin driver's calls in
 * {@code pluginc.sys.Posix}.
 *
 * <p>Strings go to C as UTF-8 (a NUL inside one fails the call with EINVAL rather than cutting it short). Struct
 * arguments are {@link NativeMemory} images laid out by a {@link Struct} declared where they are used, or byte
 * arrays for what the call fills in and returns (statx, siginfo_t).
 */
public final class LibC {
    private LibC() {}

    // files and descriptors
    public static long read(int fd, byte[] buf, long count) {
        return Natives.read(fd, buf, count);
    }

    public static long write(int fd, byte[] buf, long count) {
        return Natives.write(fd, buf, count);
    }

    /** read(2) into native memory (no copy through a Java array). */
    public static long read(int fd, NativeMemory buf, long count) {
        checkRoom(buf, count);
        try {
            return Natives.readNative(fd, buf.address(), count);
        } finally {
            Reference.reachabilityFence(buf);
        }
    }

    public static int close(int fd) {
        return Natives.close(fd);
    }

    public static int pipe2(int[] fds, int flags) {
        return Natives.pipe2(fds, flags);
    }

    public static int dup2(int oldFd, int newFd) {
        return Natives.dup2(oldFd, newFd);
    }

    public static int open(String path, int flags, int mode) {
        return Natives.open(c(path), flags, mode);
    }

    public static int openat(int dirFd, String path, int flags, int mode) {
        return Natives.openat(dirFd, c(path), flags, mode);
    }

    /** {@code buf} receives a struct statx image ({@link Layouts#STATX}). */
    public static int statx(int dirFd, String path, int flags, int mask, byte[] buf) {
        return Natives.statx(dirFd, c(path), flags, mask, buf);
    }

    /** {@code fds}: struct pollfd images ({@link Layouts#POLLFD}). */
    public static int poll(NativeMemory fds, long nfds, int timeout) {
        checkRoom(fds, nfds * Layouts.POLLFD.size());
        try {
            return Natives.poll(fds.address(), nfds, timeout);
        } finally {
            Reference.reachabilityFence(fds);
        }
    }

    public static int fcntl(int fd, int cmd, int arg) {
        return Natives.fcntl(fd, cmd, arg);
    }

    public static int umask(int mask) {
        return Natives.umask(mask);
    }

    public static int memfd_create(String name, int flags) {
        return Natives.memfdCreate(c(name), flags);
    }

    // processes
    public static int getpid() {
        return Natives.getpid();
    }

    public static int setsid() {
        return Natives.setsid();
    }

    public static int getpgid(int pid) {
        return Natives.getpgid(pid);
    }

    public static long syscall(long number, long arg1, long arg2) {
        return Natives.syscall(number, arg1, arg2);
    }

    public static long syscall(long number, long arg1, long arg2, long arg3, long arg4) {
        return Natives.syscall(number, arg1, arg2, arg3, arg4);
    }

    public static int geteuid() {
        return Natives.geteuid();
    }

    public static int kill(int pid, int sig) {
        return Natives.kill(pid, sig);
    }

    public static int waitpid(int pid, int[] status, int options) {
        return Natives.waitpid(pid, status, options);
    }

    /** {@code info} receives a siginfo_t image ({@link Layouts#SIGINFO}). */
    public static int waitid(int idType, int id, byte[] info, int options) {
        return Natives.waitid(idType, id, info, options);
    }

    public static int prctl(int option, long arg2, long arg3, long arg4, long arg5) {
        return Natives.prctl(option, arg2, arg3, arg4, arg5);
    }

    /** Returns 0 or the error number (posix_spawn does not set errno). */
    public static int posix_spawn(int[] pid, String path, NativeMemory fileActions, NativeMemory attr,
                                  String[] argv, String[] envp) {
        try {
            return Natives.posixSpawn(pid, c(path), fileActions.address(), attr.address(), c(argv), c(envp));
        } finally {
            Reference.reachabilityFence(fileActions);
            Reference.reachabilityFence(attr);
        }
    }

    public static int posix_spawn_file_actions_init(NativeMemory actions) {
        try {
            return Natives.actionsInit(actions.address());
        } finally {
            Reference.reachabilityFence(actions);
        }
    }

    public static int posix_spawn_file_actions_destroy(NativeMemory actions) {
        try {
            return Natives.actionsDestroy(actions.address());
        } finally {
            Reference.reachabilityFence(actions);
        }
    }

    public static int posix_spawn_file_actions_adddup2(NativeMemory actions, int fd, int newFd) {
        try {
            return Natives.actionsAddDup2(actions.address(), fd, newFd);
        } finally {
            Reference.reachabilityFence(actions);
        }
    }

    public static int posix_spawn_file_actions_addopen(NativeMemory actions, int fd, String path, int flags,
                                                       int mode) {
        try {
            return Natives.actionsAddOpen(actions.address(), fd, c(path), flags, mode);
        } finally {
            Reference.reachabilityFence(actions);
        }
    }

    public static int posix_spawn_file_actions_addclosefrom_np(NativeMemory actions, int from) {
        try {
            return Natives.actionsAddCloseFrom(actions.address(), from);
        } finally {
            Reference.reachabilityFence(actions);
        }
    }

    public static int posix_spawnattr_init(NativeMemory attr) {
        try {
            return Natives.attrInit(attr.address());
        } finally {
            Reference.reachabilityFence(attr);
        }
    }

    public static int posix_spawnattr_destroy(NativeMemory attr) {
        try {
            return Natives.attrDestroy(attr.address());
        } finally {
            Reference.reachabilityFence(attr);
        }
    }

    public static int posix_spawnattr_setflags(NativeMemory attr, short flags) {
        try {
            return Natives.attrSetFlags(attr.address(), flags);
        } finally {
            Reference.reachabilityFence(attr);
        }
    }

    public static int posix_spawnattr_setsigmask(NativeMemory attr, NativeMemory mask) {
        try {
            return Natives.attrSetSigMask(attr.address(), mask.address());
        } finally {
            Reference.reachabilityFence(attr);
            Reference.reachabilityFence(mask);
        }
    }

    public static int posix_spawnattr_setsigdefault(NativeMemory attr, NativeMemory mask) {
        try {
            return Natives.attrSetSigDefault(attr.address(), mask.address());
        } finally {
            Reference.reachabilityFence(attr);
            Reference.reachabilityFence(mask);
        }
    }

    // signals, epoll, timers
    public static int sigprocmask(int how, NativeMemory set, NativeMemory old) {
        try {
            return Natives.sigprocmask(how, address(set), address(old));
        } finally {
            Reference.reachabilityFence(set);
            Reference.reachabilityFence(old);
        }
    }

    public static int sigemptyset(NativeMemory set) {
        try {
            return Natives.sigemptyset(set.address());
        } finally {
            Reference.reachabilityFence(set);
        }
    }

    public static int sigfillset(NativeMemory set) {
        try {
            return Natives.sigfillset(set.address());
        } finally {
            Reference.reachabilityFence(set);
        }
    }

    public static int signalfd(int fd, NativeMemory mask, int flags) {
        try {
            return Natives.signalfd(fd, mask.address(), flags);
        } finally {
            Reference.reachabilityFence(mask);
        }
    }

    public static int epoll_create1(int flags) {
        return Natives.epoll_create1(flags);
    }

    public static int epoll_ctl(int epfd, int op, int fd, NativeMemory event) {
        try {
            return Natives.epollCtl(epfd, op, fd, address(event));
        } finally {
            Reference.reachabilityFence(event);
        }
    }

    public static int epoll_wait(int epfd, NativeMemory events, int maxEvents, int timeout) {
        checkRoom(events, maxEvents * Layouts.EPOLL_EVENT.size());
        try {
            return Natives.epollWait(epfd, events.address(), maxEvents, timeout);
        } finally {
            Reference.reachabilityFence(events);
        }
    }

    public static int timerfd_create(int clockId, int flags) {
        return Natives.timerfd_create(clockId, flags);
    }

    public static int timerfd_settime(int fd, int flags, NativeMemory newValue, NativeMemory oldValue) {
        try {
            return Natives.timerfdSettime(fd, flags, newValue.address(), address(oldValue));
        } finally {
            Reference.reachabilityFence(newValue);
            Reference.reachabilityFence(oldValue);
        }
    }

    // OOM watching: eventfd (cgroup v1), inotify (cgroup v2 memory.events), statfs (which layout)
    public static int eventfd(int initval, int flags) {
        return Natives.eventfd(initval, flags);
    }

    public static int inotify_init1(int flags) {
        return Natives.inotify_init1(flags);
    }

    public static int inotify_add_watch(int fd, String path, int mask) {
        return Natives.inotifyAddWatch(fd, c(path), mask);
    }

    /** {@code buf} receives a struct statfs image (120 bytes on x86_64/aarch64). */
    public static int statfs(String path, byte[] buf) {
        return Natives.statfs(c(path), buf);
    }

    // sockets; addresses are struct sockaddr_un images, msg a struct msghdr image
    public static int socket(int domain, int type, int protocol) {
        return Natives.socket(domain, type, protocol);
    }

    public static int socketpair(int domain, int type, int protocol, int[] fds) {
        return Natives.socketpair(domain, type, protocol, fds);
    }

    public static int bind(int fd, byte[] addr, int addrLen) {
        return Natives.bind(fd, addr, addrLen);
    }

    public static int listen(int fd, int backlog) {
        return Natives.listen(fd, backlog);
    }

    /** The peer's address is not asked for: accept4(fd, NULL, NULL, flags). */
    public static int accept4(int fd, int flags) {
        return Natives.accept4(fd, 0, 0, flags);
    }

    public static int connect(int fd, byte[] addr, int addrLen) {
        return Natives.connect(fd, addr, addrLen);
    }

    public static long send(int fd, byte[] buf, long len, int flags) {
        return Natives.send(fd, buf, len, flags);
    }

    /** send(2) from native memory (no copy through a Java array). */
    public static long send(int fd, NativeMemory buf, long len, int flags) {
        checkRoom(buf, len);
        try {
            return Natives.sendNative(fd, buf.address(), len, flags);
        } finally {
            Reference.reachabilityFence(buf);
        }
    }

    public static long sendto(int fd, byte[] buf, long len, int flags, byte[] addr, int addrLen) {
        return Natives.sendto(fd, buf, len, flags, addr, addrLen);
    }

    public static long recv(int fd, byte[] buf, long len, int flags) {
        return Natives.recv(fd, buf, len, flags);
    }

    public static int shutdown(int fd, int how) {
        return Natives.shutdown(fd, how);
    }

    public static long recvmsg(int fd, NativeMemory msg, int flags) {
        checkRoom(msg, Layouts.MSGHDR.size());
        try {
            return Natives.recvmsgNative(fd, msg.address(), flags);
        } finally {
            Reference.reachabilityFence(msg);
        }
    }

    public static long sendmsg(int fd, NativeMemory msg, int flags) {
        checkRoom(msg, Layouts.MSGHDR.size());
        try {
            return Natives.sendmsgNative(fd, msg.address(), flags);
        } finally {
            Reference.reachabilityFence(msg);
        }
    }

    // file system
    public static int mkfifo(String path, int mode) {
        return Natives.mkfifo(c(path), mode);
    }

    public static int unlink(String path) {
        return Natives.unlink(c(path));
    }

    public static int symlink(String target, String linkPath) {
        return Natives.symlink(c(target), c(linkPath));
    }

    public static int chmod(String path, int mode) {
        return Natives.chmod(c(path), mode);
    }

    public static int fchmod(int fd, int mode) {
        return Natives.fchmod(fd, mode);
    }

    /** mkstemp(3) rewrites the XXXXXX of the NUL-terminated template in place. */
    public static int mkstemp(byte[] template) {
        return Natives.mkstemp(template);
    }

    // terminals; termios and winsize are struct images
    public static int tcgetattr(int fd, NativeMemory termios) {
        checkRoom(termios, Layouts.TERMIOS.size());
        try {
            return Natives.tcgetattrNative(fd, termios.address());
        } finally {
            Reference.reachabilityFence(termios);
        }
    }

    public static int tcsetattr(int fd, int optionalActions, NativeMemory termios) {
        checkRoom(termios, Layouts.TERMIOS.size());
        try {
            return Natives.tcsetattrNative(fd, optionalActions, termios.address());
        } finally {
            Reference.reachabilityFence(termios);
        }
    }

    /** ioctl(2) with a struct argument the request reads or fills ({@code arg} must be large enough for it). */
    public static int ioctl(int fd, long request, NativeMemory arg) {
        try {
            return Natives.ioctlNative(fd, request, arg.address());
        } finally {
            Reference.reachabilityFence(arg);
        }
    }

    public static int isatty(int fd) {
        return Natives.isatty(fd);
    }

    public static int posix_openpt(int flags) {
        return Natives.posix_openpt(flags);
    }

    public static int grantpt(int fd) {
        return Natives.grantpt(fd);
    }

    public static int unlockpt(int fd) {
        return Natives.unlockpt(fd);
    }

    public static int ptsname_r(int fd, byte[] buf, long len) {
        return Natives.ptsname_r(fd, buf, len);
    }

    // diagnostics
    /** The C library's text for an error number (what conmon prints). */
    public static String strerror(int errno) {
        return new String(Natives.errorText(errno), StandardCharsets.UTF_8);
    }

    /** syslog(3) of {@code message} as it is (never as a format). */
    public static void syslog(int priority, String message) {
        Natives.syslogMessage(priority, c(message));
    }

    private static byte[] c(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        byte[] terminated = new byte[utf8.length + 1];
        System.arraycopy(utf8, 0, terminated, 0, utf8.length);
        return terminated;
    }

    private static byte[][] c(String[] strings) {
        byte[][] out = new byte[strings.length][];
        for (int i = 0; i < strings.length; i++) {
            out[i] = c(strings[i]);
        }
        return out;
    }

    private static long address(NativeMemory memory) {
        return memory == null ? 0 : memory.address();
    }

    /** A call that would write past the end of a block is refused before it is made. */
    private static void checkRoom(NativeMemory memory, long bytes) {
        if (bytes < 0 || bytes > memory.size()) {
            throw new IndexOutOfBoundsException(bytes + " bytes do not fit a block of " + memory.size());
        }
    }
}
