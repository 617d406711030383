package io.conmonj.sys;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.StringArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Every libc entry point of the project, bound once with JNA direct mapping (the technology measured cheapest for
 * this JVM: docs/design.md, "Native layer"). Nothing here checks errors: callers check the result, read
 * {@link Errno#last()} and retry through {@link Retry}; the host's checked wrappers are in {@code host.sys}, the
 * drivers' datagram socket in {@code drivers.common}, the C plugin driver's calls in {@code pluginc.sys.Posix}.
 *
 * <p>libc is opened by its full path, found in /proc/self/maps: opening it by name makes JNA fork /sbin/ldconfig at
 * start-up. Struct arguments are images laid out by a {@link Struct} declared where they are used.
 */
public final class LibC {
    private LibC() {}

    static {
        Native.register(LibC.class, NativeLibrary.getInstance(libcPath()));
    }

    private static String libcPath() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                int slash = line.indexOf('/');
                if (slash > 0 && line.endsWith("/libc.so.6")) {
                    return line.substring(slash);
                }
            }
        } catch (IOException e) {
            // fall through to the soname, which dlopen resolves itself
        }
        return "libc.so.6";
    }

    // files and descriptors
    public static native long read(int fd, byte[] buf, long count);
    public static native long write(int fd, byte[] buf, long count);
    /** read(2) into native memory (no copy of a Java array in and out). */
    public static native long read(int fd, Pointer buf, long count);
    public static native int close(int fd);
    public static native int pipe2(int[] fds, int flags);
    public static native int dup2(int oldFd, int newFd);
    public static native int open(String path, int flags, int mode);
    public static native int openat(int dirFd, String path, int flags, int mode);
    /** {@code buf} receives a struct statx image ({@link Layouts#STATX}). */
    public static native int statx(int dirFd, String path, int flags, int mask, byte[] buf);
    /** {@code fds}: struct pollfd images ({@link Layouts#POLLFD}) in native memory, as poll may block. */
    public static native int poll(Pointer fds, long nfds, int timeout);
    public static native int fcntl(int fd, int cmd, int arg);
    public static native int umask(int mask);
    public static native int memfd_create(String name, int flags);

    // processes
    public static native int getpid();
    public static native int setsid();
    public static native int getpgid(int pid);
    public static native long syscall(long number, long arg1, long arg2);
    public static native long syscall(long number, long arg1, long arg2, long arg3, long arg4);
    public static native int geteuid();
    public static native int kill(int pid, int sig);
    public static native int waitpid(int pid, int[] status, int options);
    /** {@code info} receives a siginfo_t image ({@link Layouts#SIGINFO}). */
    public static native int waitid(int idType, int id, byte[] info, int options);
    public static native int prctl(int option, long arg2, long arg3, long arg4, long arg5);
    public static native int posix_spawn(int[] pid, String path, Pointer fileActions, Pointer attr,
                                         StringArray argv, StringArray envp);
    public static native int posix_spawn_file_actions_init(Pointer actions);
    public static native int posix_spawn_file_actions_destroy(Pointer actions);
    public static native int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newFd);
    public static native int posix_spawn_file_actions_addopen(Pointer actions, int fd, String path, int flags,
                                                              int mode);
    public static native int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);
    public static native int posix_spawnattr_init(Pointer attr);
    public static native int posix_spawnattr_destroy(Pointer attr);
    public static native int posix_spawnattr_setflags(Pointer attr, short flags);
    public static native int posix_spawnattr_setsigmask(Pointer attr, Pointer mask);
    public static native int posix_spawnattr_setsigdefault(Pointer attr, Pointer mask);

    // signals, epoll, timers
    public static native int sigprocmask(int how, Pointer set, Pointer old);
    public static native int sigemptyset(Pointer set);
    public static native int sigfillset(Pointer set);
    public static native int signalfd(int fd, Pointer mask, int flags);
    public static native int epoll_create1(int flags);
    public static native int epoll_ctl(int epfd, int op, int fd, Pointer event);
    public static native int epoll_wait(int epfd, Pointer events, int maxEvents, int timeout);
    public static native int timerfd_create(int clockId, int flags);
    public static native int timerfd_settime(int fd, int flags, Pointer newValue, Pointer oldValue);

    // OOM watching: eventfd (cgroup v1), inotify (cgroup v2 memory.events), statfs (which layout)
    public static native int eventfd(int initval, int flags);
    public static native int inotify_init1(int flags);
    public static native int inotify_add_watch(int fd, String path, int mask);
    /** {@code buf} receives a struct statfs image (120 bytes on x86_64/aarch64). */
    public static native int statfs(String path, byte[] buf);

    // sockets; addresses are struct sockaddr_un images, msg a struct msghdr image
    public static native int socket(int domain, int type, int protocol);
    public static native int socketpair(int domain, int type, int protocol, int[] fds);
    public static native int bind(int fd, byte[] addr, int addrLen);
    public static native int listen(int fd, int backlog);
    public static native int accept4(int fd, Pointer addr, Pointer addrLen, int flags);
    public static native int connect(int fd, byte[] addr, int addrLen);
    public static native long send(int fd, byte[] buf, long len, int flags);
    /** send(2) from native memory (no copy of a Java array in and out). */
    public static native long send(int fd, Pointer buf, long len, int flags);
    public static native long sendto(int fd, byte[] buf, long len, int flags, byte[] addr, int addrLen);
    public static native long recv(int fd, byte[] buf, long len, int flags);
    public static native int shutdown(int fd, int how);
    public static native long recvmsg(int fd, Pointer msg, int flags);
    public static native long sendmsg(int fd, Pointer msg, int flags);

    // file system
    public static native int mkfifo(String path, int mode);
    public static native int unlink(String path);
    public static native int symlink(String target, String linkPath);
    public static native int chmod(String path, int mode);
    public static native int fchmod(int fd, int mode);
    /** mkstemp(3) rewrites the XXXXXX of the NUL-terminated template in place. */
    public static native int mkstemp(byte[] template);

    // terminals; termios and winsize are struct images
    public static native int tcgetattr(int fd, Pointer termios);
    public static native int tcsetattr(int fd, int optionalActions, Pointer termios);
    public static native int ioctl(int fd, long request, Pointer arg);
    public static native int isatty(int fd);
    public static native int posix_openpt(int flags);
    public static native int grantpt(int fd);
    public static native int unlockpt(int fd);
    public static native int ptsname_r(int fd, byte[] buf, long len);

    // diagnostics
    public static native String strerror(int errno);
    public static native void syslog(int priority, String format, String message);
}
