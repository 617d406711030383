package io.conmonj.host.sys;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

import io.conmonj.sys.LibC;

import java.util.Arrays;

/** Checked descriptor calls {@link Sys} does not have: dup and non-blocking writes. */
public final class Descriptors {
    private Descriptors() {}

    /** Result of {@link #write}: the fd is non-blocking and full (EAGAIN). */
    public static final int WOULD_BLOCK = -1;

    private static final int F_DUPFD_CLOEXEC = 1030;

    /** Most descriptors {@link #findOpenFile} looks at: a monitor holds a few dozen. */
    static final int MAX_SCANNED = 4096;

    /**
     * A descriptor of this process open on the file whose identity ({@code BasicFileAttributes.fileKey()}, device
     * and inode) is {@code fileKey}, or -1: Java's channels do not say their number, {@code /proc/self/fd/N} is the
     * open file's own stat whatever its name is now.
     */
    public static int findOpenFile(Object fileKey) {
        Path fds = Path.of("/proc/self/fd");
        int seen = 0;
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(fds)) {
            for (Path entry : listing) {
                if (++seen > MAX_SCANNED) {
                    return -1;
                }
                try {
                    if (fileKey.equals(Files.readAttributes(entry, BasicFileAttributes.class).fileKey())) {
                        return Integer.parseInt(entry.getFileName().toString());
                    }
                } catch (IOException | NumberFormatException e) {
                    // the listing's own descriptor, or one closed meanwhile
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    /** dup(2) with close-on-exec: a new number for the same open file description. */
    public static int dup(int fd) throws NativeCallException {
        return Sys.check("fcntl F_DUPFD_CLOEXEC", LibC.fcntl(fd, F_DUPFD_CLOEXEC, 0));
    }

    /**
     * One write(2) of {@code buf[off..off+len)}: the number of bytes written
     * (possibly short), or {@link #WOULD_BLOCK} on EAGAIN. EINTR is retried.
     * Writing to a pipe without reader fails with EPIPE (SIGPIPE is ignored by
     * the monitor, and handled by the JVM anyway).
     */
    public static int write(int fd, byte[] buf, int off, int len) throws NativeCallException {
        // JNA copies a whole array in and back out: pass only the bytes to write
        byte[] data = off == 0 && len == buf.length ? buf : Arrays.copyOfRange(buf, off, off + len);
        return (int) Sys.retryOrWouldBlock("write", () -> LibC.write(fd, data, len));
    }
}
