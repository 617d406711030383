package io.conmonj.host.sys;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * Raw libc entry points for terminal mode (conmon-behaviour.md §9): the console socket's
 * fd passing, temporary names, termios, window sizes and pseudo-terminal
 * creation, bound with JNA direct mapping like {@link LibC}. Nothing here
 * checks errors: callers go through {@link UnixStream}, {@link Tty},
 * {@link TempName} and {@link Descriptors}, which turn a failed call into a
 * {@link NativeCallException} naming the call.
 *
 * Kept apart from {@link LibC} and {@link SocketCalls} so that they can
 * evolve independently; it binds the same libc, found by {@link LibC#LIBRARY}.
 */
final class TerminalCalls {
    private TerminalCalls() {}

    static {
        Native.register(TerminalCalls.class, LibC.LIBRARY);
    }

    // fd passing; msg is a struct msghdr image (see UnixStream)
    static native long recvmsg(int fd, Pointer msg, int flags);
    static native long sendmsg(int fd, Pointer msg, int flags);

    // mkstemp(3) rewrites the XXXXXX of the NUL-terminated template in place
    static native int mkstemp(byte[] template);

    // terminals; termios and winsize are struct images (see Tty)
    static native int tcgetattr(int fd, Pointer termios);
    static native int tcsetattr(int fd, int optionalActions, Pointer termios);
    static native int ioctl(int fd, long request, Pointer arg);
    static native int isatty(int fd);
    static native int posix_openpt(int flags);
    static native int grantpt(int fd);
    static native int unlockpt(int fd);
    static native int ptsname_r(int fd, byte[] buf, long len);
}
