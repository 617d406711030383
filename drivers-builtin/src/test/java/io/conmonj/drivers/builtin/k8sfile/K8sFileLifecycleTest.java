package io.conmonj.drivers.builtin.k8sfile;

import io.conmonj.drivers.builtin.logfile.LogFileException;

import io.conmonj.plugin.ErrnoText;
import io.conmonj.plugin.LogStream;
import static io.conmonj.drivers.builtin.k8sfile.LogTestSupport.CLOCK;
import static io.conmonj.drivers.builtin.k8sfile.LogTestSupport.out;
import static io.conmonj.drivers.builtin.k8sfile.LogTestSupport.read;
import static io.conmonj.drivers.builtin.k8sfile.LogTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening (conmon-behaviour.md §7.1.1), reopen in truncate mode (§7.1.5, §16.10), sync, close, errors, the fan-out. */
class K8sFileLifecycleTest {
    @TempDir
    Path dir;
    Path logPath;
    LogTestSupport.Warnings warnings = new LogTestSupport.Warnings();

    @BeforeEach
    void setUp() {
        logPath = dir.resolve("ctr.log");
    }

    private K8sFileLog open() throws IOException {
        return new K8sFileLog(K8sFileOptions.of(logPath), CLOCK, warnings);
    }

    private Object inode(Path p) throws IOException {
        return Files.readAttributes(p, "unix:ino").get("ino");
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void newFileIsCreatedWithMode0640AtOpen() throws IOException {
        try (K8sFileLog log = open()) {
            assertTrue(Files.exists(logPath)); // before any output: callers check for it
            assertEquals("rw-r-----", mode(logPath));
        }
    }

    @Test
    void existingFileKeepsItsMode() throws IOException {
        Files.createFile(logPath, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (K8sFileLog log = open()) {
            write(log, LogStream.STDOUT, "x\n");
        }
        assertEquals("rw-------", mode(logPath));
    }

    @Test
    void reopenInTruncateModeReplacesTheFileWithAnEmptyOne() throws IOException {
        try (K8sFileLog log = open()) {
            write(log, LogStream.STDOUT, "lost\n");
            Object before = inode(logPath);
            log.reopen();
            assertNotEquals(before, inode(logPath));
            assertEquals(0, Files.size(logPath));
            assertEquals(0, log.bytesWritten());
            assertEquals(50, log.totalBytesWritten());
            assertEquals("rw-r-----", mode(logPath));
            write(log, LogStream.STDOUT, "kept\n");
        }
        assertEquals(out("kept"), read(logPath));
        assertFalse(Files.exists(dir.resolve("ctr.log.tmp")));
        assertEquals(List.of(), warnings.list);
    }

    @Test
    void reopenAfterTheCallerMovedTheFileAwayKeepsTheOldContent() throws IOException {
        Path rotated = dir.resolve("ctr.log.20261130");
        try (K8sFileLog log = open()) {
            write(log, LogStream.STDOUT, "first\n");
            Files.move(logPath, rotated); // kubelet-style rotation, then ctl "2 0 0"
            log.reopen();
            write(log, LogStream.STDOUT, "second\n");
        }
        assertEquals(out("first"), read(rotated));
        assertEquals(out("second"), read(logPath));
    }

    @Test
    void failingTruncateReopenIsFatalWithConmonsMessage() throws IOException {
        Files.createDirectory(dir.resolve("ctr.log.tmp"));
        K8sFileLog log = open();
        write(log, LogStream.STDOUT, "x\n");
        LogFileException e = assertThrows(LogFileException.class, log::reopen);
        assertEquals("Failed to open log file " + logPath + " Is a directory", e.getMessage());
        log.close();
    }

    @Test
    void failingRenameOnReopenIsFatal() throws IOException {
        K8sFileLog log = open();
        Files.delete(logPath);
        Files.createDirectory(logPath);
        Files.writeString(logPath.resolve("occupied"), "x");
        LogFileException e = assertThrows(LogFileException.class, log::reopen);
        assertTrue(e.getMessage().startsWith("Failed to rename log file "), e.getMessage());
        log.close();
    }

    @Test
    void sizeTriggeredTruncationFailureIsFatalFromWrite() throws IOException {
        Files.createDirectory(dir.resolve("ctr.log.tmp"));
        K8sFileLog log = new K8sFileLog(K8sFileOptions.of(logPath).withSizeMax(60), CLOCK, warnings);
        write(log, LogStream.STDOUT, "a\n");
        LogFileException e = assertThrows(LogFileException.class, () -> write(log, LogStream.STDOUT, "b\n"));
        assertEquals("Failed to open log file " + logPath + " Is a directory", e.getMessage());
        log.close();
        assertEquals(out("a"), read(logPath));
    }

    @Test
    void openFailuresUseConmonsMessages() throws IOException {
        Path missing = dir.resolve("no/such/dir/ctr.log");
        LogFileException e1 = assertThrows(LogFileException.class,
                () -> new K8sFileLog(K8sFileOptions.of(missing), CLOCK, warnings));
        assertEquals("Failed to open log file No such file or directory", e1.getMessage());

        LogFileException e2 = assertThrows(LogFileException.class,
                () -> new K8sFileLog(K8sFileOptions.of(dir), CLOCK, warnings));
        assertEquals("Failed to open log file Is a directory", e2.getMessage());

        Path file = Files.writeString(dir.resolve("plain"), "");
        LogFileException e3 = assertThrows(LogFileException.class,
                () -> new K8sFileLog(K8sFileOptions.of(file.resolve("x")), CLOCK, warnings));
        assertEquals("Failed to open log file Not a directory", e3.getMessage());
    }

    @Test
    void strerrorMapping() {
        assertEquals("Permission denied", ErrnoText.of(new AccessDeniedException("/x")));
        assertEquals("No such file or directory", ErrnoText.of(new NoSuchFileException("/x")));
        assertEquals("Read-only file system", ErrnoText.of(new FileSystemException("/x", null, "Read-only file system")));
        assertEquals("Too many levels of symbolic links", ErrnoText.of(new FileSystemException("/x", null,
                "Too many levels of symbolic links or unable to access attributes of symbolic link")));
        assertEquals("No space left on device", ErrnoText.of(new IOException("No space left on device")));
    }

    @Test
    void writeErrorsAreWarningsAndCounted() throws IOException {
        // /dev/full fails every write with ENOSPC; conmon warns, drops the data and carries on.
        try (K8sFileLog log = new K8sFileLog(K8sFileOptions.of(Path.of("/dev/full")), CLOCK, warnings)) {
            write(log, LogStream.STDOUT, "a\nb\n");
            write(log, LogStream.STDOUT, "c");
            assertEquals(47 + 47 + 47, log.totalBytesWritten());
            log.sync();
        }
        assertEquals(List.of("failed to flush buffer to log", "failed to flush buffer to log"), warnings.list.subList(0, 2));
        assertEquals(3, warnings.list.size(), warnings.list::toString);
        assertTrue(warnings.list.get(2).startsWith("Failed to sync log file before exit: "), warnings.list::toString);
    }

    @Test
    void syncAndCloseAreQuietAndIdempotent() throws IOException {
        K8sFileLog log = open();
        write(log, LogStream.STDOUT, "x\n");
        log.sync();
        log.close();
        log.close();
        log.sync();
        log.reopen();
        write(log, LogStream.STDOUT, "after close\n"); // ignored
        assertEquals(out("x"), read(logPath));
        assertEquals(List.of(), warnings.list);
    }
}
