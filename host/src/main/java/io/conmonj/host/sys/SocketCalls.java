package io.conmonj.host.sys;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * Raw libc entry points for unix sockets and for the file-system calls the
 * attach socket and the ctl/winsz FIFOs need (mkfifo, symlink, chmod, ...),
 * bound with JNA direct mapping like {@link LibC}. Nothing here checks
 * errors: callers go through {@link UnixSeqpacket} and {@link Fs}, which turn
 * a failed call into a {@link NativeCallException} naming the call.
 *
 * Kept apart from {@link LibC} so that the two can evolve independently; it
 * binds the same libc, found by {@link LibC#LIBRARY}.
 */
final class SocketCalls {
    private SocketCalls() {}

    static {
        Native.register(SocketCalls.class, LibC.LIBRARY);
    }

    // sockets; addresses are struct sockaddr_un images (see UnixSeqpacket)
    static native int socket(int domain, int type, int protocol);
    static native int bind(int fd, byte[] addr, int addrLen);
    static native int listen(int fd, int backlog);
    static native int accept4(int fd, Pointer addr, Pointer addrLen, int flags);
    static native int connect(int fd, byte[] addr, int addrLen);
    static native long send(int fd, byte[] buf, long len, int flags);
    static native long recv(int fd, byte[] buf, long len, int flags);
    static native int shutdown(int fd, int how);

    // file system
    static native int mkfifo(String path, int mode);
    static native int unlink(String path);
    static native int symlink(String target, String linkPath);
    static native int chmod(String path, int mode);
    static native int fchmod(int fd, int mode);
}
