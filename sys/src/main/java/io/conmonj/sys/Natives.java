package io.conmonj.sys;

import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The JNI functions of {@code libconmonj-sys.so} (sys/src/main/c/conmonj-sys.c), bound by name and signature when
 * the library loads. Strings are NUL-terminated UTF-8 byte arrays, native memory the {@link NativeMemory} itself (the
 * call's reference keeps it alive while the call runs); {@link LibC} turns Java's types into these, this class only
 * declares what the C side registers.
 *
 * <p>The library is {@code native/libconmonj-sys.so} next to where this class was loaded from: the install tree's
 * {@code lib/native} beside {@code lib/sys-*.jar}, or {@code sys/target/native} in the build. The system property
 * {@code conmonj.sys.library} names another file.
 */
final class Natives {
    private Natives() {}

    static {
        System.load(library());
    }

    private static String library() {
        String explicit = System.getProperty("conmonj.sys.library");
        if (explicit != null) {
            return explicit;
        }
        try {
            Path from = Path.of(Natives.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return from.resolveSibling("native").resolve("libconmonj-sys.so").toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot tell where io.conmonj.sys was loaded from", e);
        }
    }

    static native int lastErrno();
    static native byte[] errorText(int errno);
    static native long bufferAddress(ByteBuffer direct);
    static native ByteBuffer wrapAddress(long address, long size);

    static native long read(int fd, byte[] buf, long count);
    static native long readNative(int fd, NativeMemory buf, long count);
    static native long write(int fd, byte[] buf, long count);
    static native int close(int fd);
    static native int pipe2(int[] fds, int flags);
    static native int dup2(int oldFd, int newFd);
    static native int open(byte[] path, int flags, int mode);
    static native int openat(int dirFd, byte[] path, int flags, int mode);
    static native int statx(int dirFd, byte[] path, int flags, int mask, byte[] buf);
    static native int poll(NativeMemory fds, long nfds, int timeout);
    static native int fcntl(int fd, int cmd, int arg);
    static native int umask(int mask);
    static native int memfdCreate(byte[] name, int flags);

    static native int getpid();
    static native int setsid();
    static native int getpgid(int pid);
    static native long syscall(long number, long arg1, long arg2);
    static native long syscall(long number, long arg1, long arg2, long arg3, long arg4);
    static native int geteuid();
    static native int kill(int pid, int sig);
    static native int waitpid(int pid, int[] status, int options);
    static native int waitid(int idType, int id, byte[] info, int options);
    static native int prctl(int option, long arg2, long arg3, long arg4, long arg5);
    static native int posixSpawn(int[] pid, byte[] path, NativeMemory fileActions, NativeMemory attr, byte[][] argv, byte[][] envp);
    static native int actionsInit(NativeMemory actions);
    static native int actionsDestroy(NativeMemory actions);
    static native int actionsAddDup2(NativeMemory actions, int fd, int newFd);
    static native int actionsAddOpen(NativeMemory actions, int fd, byte[] path, int flags, int mode);
    static native int actionsAddCloseFrom(NativeMemory actions, int from);
    static native int attrInit(NativeMemory attr);
    static native int attrDestroy(NativeMemory attr);
    static native int attrSetFlags(NativeMemory attr, short flags);
    static native int attrSetSigMask(NativeMemory attr, NativeMemory mask);
    static native int attrSetSigDefault(NativeMemory attr, NativeMemory mask);

    static native int sigprocmask(int how, NativeMemory set, NativeMemory old);
    static native int sigemptyset(NativeMemory set);
    static native int sigfillset(NativeMemory set);
    static native int signalfd(int fd, NativeMemory mask, int flags);
    static native int epoll_create1(int flags);
    static native int epollCtl(int epfd, int op, int fd, NativeMemory event);
    static native int epollWait(int epfd, NativeMemory events, int maxEvents, int timeout);
    static native int timerfd_create(int clockId, int flags);
    static native int timerfdSettime(int fd, int flags, NativeMemory newValue, NativeMemory oldValue);

    static native int eventfd(int initval, int flags);
    static native int inotify_init1(int flags);
    static native int inotifyAddWatch(int fd, byte[] path, int mask);
    static native int statfs(byte[] path, byte[] buf);

    static native int socket(int domain, int type, int protocol);
    static native int socketpair(int domain, int type, int protocol, int[] fds);
    static native int bind(int fd, byte[] addr, int addrLen);
    static native int listen(int fd, int backlog);
    static native int accept4(int fd, int flags);
    static native int connect(int fd, byte[] addr, int addrLen);
    static native long send(int fd, byte[] buf, long len, int flags);
    static native long sendNative(int fd, NativeMemory buf, long len, int flags);
    static native long sendto(int fd, byte[] buf, long len, int flags, byte[] addr, int addrLen);
    static native long recv(int fd, byte[] buf, long len, int flags);
    static native int shutdown(int fd, int how);
    static native long recvmsgNative(int fd, NativeMemory msg, int flags);
    static native long sendmsgNative(int fd, NativeMemory msg, int flags);

    static native int mkfifo(byte[] path, int mode);
    static native int unlink(byte[] path);
    static native int symlink(byte[] target, byte[] linkPath);
    static native int chmod(byte[] path, int mode);
    static native int fchmod(int fd, int mode);
    static native int mkstemp(byte[] template);

    static native int tcgetattrNative(int fd, NativeMemory termios);
    static native int tcsetattrNative(int fd, int optionalActions, NativeMemory termios);
    static native int ioctlNative(int fd, long request, NativeMemory arg);
    static native int isatty(int fd);
    static native int posix_openpt(int flags);
    static native int grantpt(int fd);
    static native int unlockpt(int fd);
    static native int ptsname_r(int fd, byte[] buf, long len);

    static native void syslogMessage(int priority, byte[] message);
}
