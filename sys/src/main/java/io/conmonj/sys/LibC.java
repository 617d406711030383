package io.conmonj.sys;

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
        return Natives.readNative(fd, buf, count);
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
        return Natives.poll(fds, nfds, timeout);
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
        return Natives.posixSpawn(pid, c(path), fileActions, attr, c(argv), c(envp));
    }

    public static int posix_spawn_file_actions_init(NativeMemory actions) {
        return Natives.actionsInit(actions);
    }

    public static int posix_spawn_file_actions_destroy(NativeMemory actions) {
        return Natives.actionsDestroy(actions);
    }

    public static int posix_spawn_file_actions_adddup2(NativeMemory actions, int fd, int newFd) {
        return Natives.actionsAddDup2(actions, fd, newFd);
    }

    public static int posix_spawn_file_actions_addopen(NativeMemory actions, int fd, String path, int flags,
                                                       int mode) {
        return Natives.actionsAddOpen(actions, fd, c(path), flags, mode);
    }

    public static int posix_spawn_file_actions_addclosefrom_np(NativeMemory actions, int from) {
        return Natives.actionsAddCloseFrom(actions, from);
    }

    public static int posix_spawnattr_init(NativeMemory attr) {
        return Natives.attrInit(attr);
    }

    public static int posix_spawnattr_destroy(NativeMemory attr) {
        return Natives.attrDestroy(attr);
    }

    public static int posix_spawnattr_setflags(NativeMemory attr, short flags) {
        return Natives.attrSetFlags(attr, flags);
    }

    public static int posix_spawnattr_setsigmask(NativeMemory attr, NativeMemory mask) {
        return Natives.attrSetSigMask(attr, mask);
    }

    public static int posix_spawnattr_setsigdefault(NativeMemory attr, NativeMemory mask) {
        return Natives.attrSetSigDefault(attr, mask);
    }

    // signals, epoll, timers
    public static int sigprocmask(int how, NativeMemory set, NativeMemory old) {
        return Natives.sigprocmask(how, set, old);
    }

    public static int sigemptyset(NativeMemory set) {
        return Natives.sigemptyset(set);
    }

    public static int sigfillset(NativeMemory set) {
        return Natives.sigfillset(set);
    }

    public static int signalfd(int fd, NativeMemory mask, int flags) {
        return Natives.signalfd(fd, mask, flags);
    }

    public static int epoll_create1(int flags) {
        return Natives.epoll_create1(flags);
    }

    public static int epoll_ctl(int epfd, int op, int fd, NativeMemory event) {
        return Natives.epollCtl(epfd, op, fd, event);
    }

    public static int epoll_wait(int epfd, NativeMemory events, int maxEvents, int timeout) {
        checkRoom(events, maxEvents * Layouts.EPOLL_EVENT.size());
        return Natives.epollWait(epfd, events, maxEvents, timeout);
    }

    public static int timerfd_create(int clockId, int flags) {
        return Natives.timerfd_create(clockId, flags);
    }

    public static int timerfd_settime(int fd, int flags, NativeMemory newValue, NativeMemory oldValue) {
        return Natives.timerfdSettime(fd, flags, newValue, oldValue);
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
        return Natives.accept4(fd, flags);
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
        return Natives.sendNative(fd, buf, len, flags);
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
        return Natives.recvmsgNative(fd, msg, flags);
    }

    public static long sendmsg(int fd, NativeMemory msg, int flags) {
        checkRoom(msg, Layouts.MSGHDR.size());
        return Natives.sendmsgNative(fd, msg, flags);
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
        return Natives.tcgetattrNative(fd, termios);
    }

    public static int tcsetattr(int fd, int optionalActions, NativeMemory termios) {
        checkRoom(termios, Layouts.TERMIOS.size());
        return Natives.tcsetattrNative(fd, optionalActions, termios);
    }

    /** ioctl(2) with a struct argument the request reads or fills ({@code arg} must be large enough for it). */
    public static int ioctl(int fd, long request, NativeMemory arg) {
        return Natives.ioctlNative(fd, request, arg);
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

    /** A call that would write past the end of a block is refused before it is made. */
    private static void checkRoom(NativeMemory memory, long bytes) {
        if (bytes < 0 || bytes > memory.size()) {
            throw new IndexOutOfBoundsException(bytes + " bytes do not fit a block of " + memory.size());
        }
    }
}
