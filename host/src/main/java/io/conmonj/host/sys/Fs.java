package io.conmonj.host.sys;

import io.conmonj.sys.LibC;

/**
 * Checked file-system calls by path (FIFOs, symlinks, modes). Failures become
 * a {@link NativeCallException} carrying the call's name and the path.
 * Constants are Linux x86_64/aarch64 values.
 */
public final class Fs {
    private Fs() {}

    public static final int ENOENT = 2, EEXIST = 17;
    /** open(2) flag: a handle on the path itself, usable as a directory in /proc/self/fd/N/... */
    public static final int O_PATH = 010000000;

    /** mkfifo(3); the mode is subject to the umask. */
    public static void mkfifo(String path, int mode) throws NativeCallException {
        Sys.check("mkfifo " + path, LibC.mkfifo(path, mode));
    }

    public static void unlink(String path) throws NativeCallException {
        Sys.check("unlink " + path, LibC.unlink(path));
    }

    /** unlink(2) that treats a missing path as done; false if there was nothing to remove. */
    public static boolean unlinkIfExists(String path) throws NativeCallException {
        if (LibC.unlink(path) == 0) {
            return true;
        }
        if (Sys.errno() == ENOENT) {
            return false;
        }
        throw new NativeCallException("unlink " + path, Sys.errno());
    }

    /** Creates {@code linkPath} pointing at {@code target}. */
    public static void symlink(String target, String linkPath) throws NativeCallException {
        Sys.check("symlink " + linkPath, LibC.symlink(target, linkPath));
    }

    public static void chmod(String path, int mode) throws NativeCallException {
        Sys.check("chmod " + path, LibC.chmod(path, mode));
    }

    public static void fchmod(int fd, int mode) throws NativeCallException {
        Sys.check("fchmod", LibC.fchmod(fd, mode));
    }

    /** An {@code O_PATH|O_CLOEXEC} handle on {@code path} (symlinks followed). */
    public static int openPath(String path) throws NativeCallException {
        return Sys.open(path, O_PATH | Sys.O_CLOEXEC, 0);
    }
}
