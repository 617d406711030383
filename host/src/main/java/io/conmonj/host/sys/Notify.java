package io.conmonj.host.sys;

import io.conmonj.sys.LibC;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Checked eventfd, inotify and statfs calls (the kernel notification
 * mechanisms OOM watching needs). Failures become a {@link NativeCallException}
 * carrying the call's name (and the path, where there is one). Constants are
 * Linux x86_64/aarch64 values.
 */
public final class Notify {
    private Notify() {}

    /** inotify event mask: file was modified. */
    public static final int IN_MODIFY = 0x00000002;
    /** inotify event mask (output only): the watch was removed (file deleted, fs unmounted). */
    public static final int IN_IGNORED = 0x00008000;

    /** statfs f_type of a cgroup2 file system. */
    public static final long CGROUP2_SUPER_MAGIC = 0x63677270L;

    private static final int EFD_NONBLOCK = Sys.O_NONBLOCK, EFD_CLOEXEC = Sys.O_CLOEXEC;
    private static final int IN_NONBLOCK = Sys.O_NONBLOCK, IN_CLOEXEC = Sys.O_CLOEXEC;
    private static final int EINVAL = 22; // reported for an impossible short eventfd read
    private static final int STATFS_SIZE = 128; // struct statfs is 120 bytes; f_type is the first long

    /** A non-blocking, close-on-exec eventfd with counter 0. */
    public static int eventfd() throws NativeCallException {
        return Sys.check("eventfd", LibC.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    }

    /**
     * Reads (and thereby resets) an eventfd's counter: the count, or 0 if the
     * counter was 0 (EAGAIN on the non-blocking fd).
     */
    public static long readEventCount(int eventFd) throws NativeCallException {
        byte[] buf = new byte[8];
        int n = Sys.read(eventFd, buf, 8);
        if (n == Sys.WOULD_BLOCK) {
            return 0;
        }
        if (n != 8) {
            throw new NativeCallException("read eventfd", EINVAL);
        }
        return ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder()).getLong();
    }

    /** A non-blocking, close-on-exec inotify instance. */
    public static int inotifyInit() throws NativeCallException {
        return Sys.check("inotify_init1", LibC.inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
    }

    /** Adds a watch on {@code path}; returns the watch descriptor. */
    public static int inotifyAddWatch(int inotifyFd, String path, int mask) throws NativeCallException {
        return Sys.check("inotify_add_watch " + path, LibC.inotify_add_watch(inotifyFd, path, mask));
    }

    /** The {@code f_type} of the file system holding {@code path}. */
    public static long statfsType(String path) throws NativeCallException {
        byte[] buf = new byte[STATFS_SIZE];
        Sys.check("statfs " + path, LibC.statfs(path, buf));
        return ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder()).getLong(0);
    }
}
