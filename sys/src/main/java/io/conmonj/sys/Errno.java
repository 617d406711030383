package io.conmonj.sys;

/** errno: the value the last {@link LibC} call of this thread left, and the C library's text for it. */
public final class Errno {
    private Errno() {}

    public static final int ENOENT = 2, EINTR = 4, EIO = 5, EBADF = 9, EAGAIN = 11, ENOMEM = 12, EACCES = 13;
    public static final int ENOTDIR = 20, EPIPE = 32, EMSGSIZE = 90, EPROTOTYPE = 91, ECONNABORTED = 103;
    public static final int ENOBUFS = 105, ECONNREFUSED = 111;

    /** errno as the last {@link LibC} call of this thread left it (saved right after the call). */
    public static int last() {
        return Natives.lastErrno();
    }

    /** The C library's text, e.g. "No such file or directory" (what conmon prints). */
    public static String text(int errno) {
        return LibC.strerror(errno);
    }
}
