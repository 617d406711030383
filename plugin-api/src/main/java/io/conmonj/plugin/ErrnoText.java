package io.conmonj.plugin;

import java.nio.channels.ClosedChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * For drivers and the host alike: maps JDK I/O exceptions back to the C library's {@code strerror()} text, because conmon's
 * error lines end with it ({@code "<message> <strerror(errno)>"}).
 */
public final class ErrnoText {
    private static final String ELOOP_SUFFIX = " or unable to access attributes of symbolic link";

    private ErrnoText() {
    }

    public static String of(Throwable e) {
        // The JDK turns ENOENT/EACCES/EEXIST into these subclasses with a null reason.
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "Permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "File exists";
        }
        if (e instanceof NotDirectoryException) {
            return "Not a directory";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "Directory not empty";
        }
        if (e instanceof FileSystemLoopException) {
            return "Too many levels of symbolic links";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            // Every other errno: the reason is the native strerror() text ("Is a directory", ...).
            String reason = fse.getReason();
            return reason.endsWith(ELOOP_SUFFIX) ? reason.substring(0, reason.length() - ELOOP_SUFFIX.length()) : reason;
        }
        if (e instanceof ClosedChannelException) {
            return "Bad file descriptor";
        }
        // Plain IOExceptions from read/write/force carry the strerror() text as message ("No space left on device").
        String msg = e.getMessage();
        return msg != null ? msg : e.getClass().getSimpleName();
    }
}
