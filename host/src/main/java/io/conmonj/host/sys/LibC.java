package io.conmonj.host.sys;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.StringArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Raw libc entry points, bound with JNA direct mapping (the fastest JNA call
 * path, and the cheapest at start-up). Nothing here checks errors: callers go
 * through {@link Sys}, which turns a failed call into a
 * {@link NativeCallException} naming the call.
 *
 * libc is opened by its full path, found in /proc/self/maps: opening it by
 * name makes JNA fork /sbin/ldconfig at start-up.
 */
final class LibC {
    private LibC() {}

    /** libc, opened once; the other binding classes of this package register against it too. */
    static final NativeLibrary LIBRARY = NativeLibrary.getInstance(libcPath());

    static {
        Native.register(LibC.class, LIBRARY);
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
    static native long read(int fd, byte[] buf, long count);
    static native long write(int fd, byte[] buf, long count);
    static native int close(int fd);
    static native int pipe2(int[] fds, int flags);
    static native int dup2(int oldFd, int newFd);
    static native int open(String path, int flags, int mode);
    static native int fcntl(int fd, int cmd, int arg);
    static native int umask(int mask);

    // processes
    static native int getpid();
    static native int setsid();
    static native int getpgid(int pid);
    static native long syscall(long number, long arg1, long arg2);
    static native int kill(int pid, int sig);
    static native int waitpid(int pid, int[] status, int options);
    static native int prctl(int option, long arg2, long arg3, long arg4, long arg5);
    static native int posix_spawn(int[] pid, String path, Pointer fileActions, Pointer attr,
                                  StringArray argv, StringArray envp);
    static native int posix_spawn_file_actions_init(Pointer actions);
    static native int posix_spawn_file_actions_destroy(Pointer actions);
    static native int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newFd);
    static native int posix_spawnattr_init(Pointer attr);
    static native int posix_spawnattr_destroy(Pointer attr);
    static native int posix_spawnattr_setflags(Pointer attr, short flags);
    static native int posix_spawnattr_setsigmask(Pointer attr, Pointer mask);
    static native int posix_spawnattr_setsigdefault(Pointer attr, Pointer mask);

    // signals, epoll, timers
    static native int sigprocmask(int how, Pointer set, Pointer old);
    static native int signalfd(int fd, Pointer mask, int flags);
    static native int epoll_create1(int flags);
    static native int epoll_ctl(int epfd, int op, int fd, Pointer event);
    static native int epoll_wait(int epfd, Pointer events, int maxEvents, int timeout);
    static native int timerfd_create(int clockId, int flags);
    static native int timerfd_settime(int fd, int flags, Pointer newValue, Pointer oldValue);

    // diagnostics
    static native String strerror(int errno);
    static native void syslog(int priority, String format, String message);
}
