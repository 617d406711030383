package io.conmonj.pluginc;

import io.conmonj.plugin.LogDriverException;
import io.conmonj.pluginc.sys.NativeCallException;
import io.conmonj.pluginc.sys.Posix;

/**
 * A plugin's shared object, opened and checked as one descriptor, so that what is checked is what
 * gets loaded (through {@code /proc/self/fd/N}, in this process or by the plugin host that inherits
 * it): nothing can be swapped in between.
 *
 * <p>The directory is opened first and the file relative to it with {@code O_NOFOLLOW}. Refused: a
 * symbolic link, anything but a regular file, a file with more than one hard link (another name could
 * be writable elsewhere), a file or directory writable by group or others, and when the monitor runs
 * as root a file or directory not owned by root. The path itself comes only from the driver's
 * {@code plugin} option, which the host sets from the administrator's policy. The same rules, with
 * the same messages, are in plugin-loader.c (conmon-plugin-check).
 */
final class PluginFile implements AutoCloseable {
    final String path;
    final int fd;
    final long dev;
    final long ino;

    private PluginFile(String path, int fd, long dev, long ino) {
        this.path = path;
        this.fd = fd;
        this.dev = dev;
        this.ino = ino;
    }

    static PluginFile open(String path) throws LogDriverException {
        if (!path.startsWith("/")) {
            throw refused(path, "the path must be absolute (option plugin=/path/to/plugin.so)");
        }
        int slash = path.lastIndexOf('/');
        String dir = slash == 0 ? "/" : path.substring(0, slash);
        String name = path.substring(slash + 1);
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            throw refused(path, "not a file name");
        }
        int dfd = -1;
        int fd = -1;
        try {
            dfd = Posix.open(dir, Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_CLOEXEC);
            try {
                fd = Posix.openat(dfd, name, Posix.O_RDONLY | Posix.O_NOFOLLOW | Posix.O_CLOEXEC | Posix.O_NOCTTY
                        | Posix.O_NONBLOCK);
            } catch (NativeCallException e) {
                throw refused(path, e.errno() == Posix.ELOOP ? "it is a symbolic link (refused)"
                        : Posix.strerror(e.errno()));
            }
            Posix.FileStatus f = Posix.fstat(fd);
            Posix.FileStatus d = Posix.fstat(dfd);
            boolean root = Posix.geteuid() == 0;
            String why = !f.isRegular() ? "not a regular file (refused)"
                    : f.nlink() != 1 ? "it has more than one hard link (refused)"
                    : f.groupOrOthersMayWrite() ? "it is writable by group or others (refused)"
                    : root && f.uid() != 0 ? "it is not owned by root (refused)"
                    : d.groupOrOthersMayWrite() ? "its directory is writable by group or others (refused)"
                    : root && d.uid() != 0 ? "its directory is not owned by root (refused)"
                    : null;
            if (why != null) {
                throw refused(path, why);
            }
            PluginFile opened = new PluginFile(path, fd, f.dev(), f.ino());
            fd = -1;
            return opened;
        } catch (NativeCallException e) {
            throw refused(path, Posix.strerror(e.errno()));
        } finally {
            Posix.close(fd);
            Posix.close(dfd);
        }
    }

    private static LogDriverException refused(String path, String why) {
        return new LogDriverException("cannot open log plugin " + path + ": " + why);
    }

    /** The name through which the checked descriptor itself is loaded. */
    String procPath() {
        return "/proc/self/fd/" + fd;
    }

    @Override
    public void close() {
        Posix.close(fd);
    }
}
