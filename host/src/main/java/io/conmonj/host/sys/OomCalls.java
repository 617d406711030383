package io.conmonj.host.sys;

import com.sun.jna.Native;

/**
 * Raw libc entry points for OOM watching (eventfd for cgroup v1 memory
 * notifications, inotify for cgroup v2 {@code memory.events}, statfs to tell
 * the cgroup layouts apart), bound with JNA direct mapping like {@link LibC}.
 * Nothing here checks errors: callers go through {@link Notify}, which turns a
 * failed call into a {@link NativeCallException} naming the call.
 *
 * Kept apart from {@link LibC} so that the two can evolve independently; it
 * binds the same libc, found by {@link LibC#LIBRARY}.
 */
final class OomCalls {
    private OomCalls() {}

    static {
        Native.register(OomCalls.class, LibC.LIBRARY);
    }

    static native int eventfd(int initval, int flags);
    static native int inotify_init1(int flags);
    static native int inotify_add_watch(int fd, String path, int mask);
    /** {@code buf} receives a struct statfs image (120 bytes on x86_64/aarch64). */
    static native int statfs(String path, byte[] buf);
}
