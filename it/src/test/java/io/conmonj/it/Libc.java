package io.conmonj.it;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.StringArray;
import com.sun.jna.ptr.IntByReference;

/** The few libc calls the harness needs to play Podman's role (fd placement, socketpairs, waitpid). */
interface Libc extends Library {
    Libc C = Native.load("c", Libc.class);

    int AF_UNIX = 1;
    int SOCK_SEQPACKET = 5;
    int SOCK_CLOEXEC = 02000000;
    int F_DUPFD_CLOEXEC = 1030;
    int WNOHANG = 1;
    int O_RDONLY = 0;
    int O_WRONLY = 1;
    int O_CREAT = 0100;
    int O_TRUNC = 01000;
    int O_APPEND = 02000;
    short POSIX_SPAWN_SETPGROUP = 0x02;
    short POSIX_SPAWN_SETSIGMASK = 0x08;
    short POSIX_SPAWN_SETSIGDEF = 0x04;
    short POLLIN = 0x1;
    int SIGKILL = 9;
    int SIGTERM = 15;
    int O_NONBLOCK = 04000;
    int O_PATH = 010000000;
    int O_CLOEXEC = 02000000;
    int SHUT_RD = 0;
    int SHUT_WR = 1;
    int EAGAIN = 11;

    int socketpair(int domain, int type, int protocol, int[] sv);
    int fcntl(int fd, int cmd, int arg);
    int close(int fd);
    long read(int fd, byte[] buf, long count);
    long write(int fd, byte[] buf, long count);
    int poll(Pointer fds, long nfds, int timeoutMs);
    int kill(int pid, int sig);
    int open(String path, int flags, int mode);
    int socket(int domain, int type, int protocol);
    int connect(int fd, Pointer addr, int len);
    int shutdown(int fd, int how);
    int getsid(int pid);
    int waitpid(int pid, IntByReference status, int options);

    int posix_spawn_file_actions_init(Pointer fa);
    int posix_spawn_file_actions_destroy(Pointer fa);
    int posix_spawn_file_actions_adddup2(Pointer fa, int fd, int newfd);
    int posix_spawn_file_actions_addopen(Pointer fa, int fd, String path, int oflag, int mode);
    int posix_spawn_file_actions_addclosefrom_np(Pointer fa, int from);
    int posix_spawn_file_actions_addchdir_np(Pointer fa, String path);
    int posix_spawnattr_init(Pointer attr);
    int posix_spawnattr_destroy(Pointer attr);
    int posix_spawnattr_setflags(Pointer attr, short flags);
    int posix_spawnattr_setpgroup(Pointer attr, int pgroup);
    int posix_spawnattr_setsigmask(Pointer attr, Pointer sigmask);
    int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigdefault);
    int sigemptyset(Pointer set);
    int sigfillset(Pointer set);
    int posix_spawn(IntByReference pid, String path, Pointer fileActions, Pointer attr,
                    StringArray argv, StringArray envp);

    static Memory alloc(int size) {
        Memory m = new Memory(size);
        m.clear();
        return m;
    }

    /** A new fd >= 100 (close-on-exec) duplicating fd, the original closed; keeps fds 3..99 free for dup2 targets. */
    static int high(int fd) {
        int h = C.fcntl(fd, F_DUPFD_CLOEXEC, 100);
        if (h < 0) throw new IllegalStateException("fcntl(F_DUPFD_CLOEXEC) failed: errno " + Native.getLastError());
        C.close(fd);
        return h;
    }

    /** An AF_UNIX SOCK_SEQPACKET socketpair (both ends close-on-exec, moved to fds >= 100), like Podman's newPipe(). */
    static int[] seqpacketPair() {
        int[] sv = new int[2];
        if (C.socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
            throw new IllegalStateException("socketpair failed: errno " + Native.getLastError());
        return new int[] {high(sv[0]), high(sv[1])};
    }

    /** Waits until fd is readable or timeoutMs elapses; true if readable (or hung up). */
    static boolean pollIn(int fd, int timeoutMs) {
        Memory pfd = alloc(8);
        pfd.setInt(0, fd);
        pfd.setShort(4, POLLIN);
        int r = C.poll(pfd, 1, timeoutMs);
        return r > 0;
    }
}
