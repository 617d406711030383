package io.conmonj.drivers.builtin.logfile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

/**
 * What an attacker who can write to a log directory plants there, and the file they aim at: a victim file (outside
 * the log directory, mode 0600) whose bytes and mode must be unchanged afterwards.
 */
final class Planted {
    /** The kinds of entry planted at a log file's names. */
    enum Kind { SYMLINK, HARDLINK, FIFO, DIRECTORY }

    private Planted() {
    }

    /** Plants {@code kind} at {@code at}, aimed at {@code victim} where that means anything. */
    static void plant(Kind kind, Path at, Path victim) throws IOException, InterruptedException {
        switch (kind) {
            case SYMLINK -> Files.createSymbolicLink(at, victim);
            case HARDLINK -> Files.createLink(at, victim);
            case FIFO -> mkfifo(at);
            case DIRECTORY -> Files.createDirectory(at);
        }
    }

    /** A FIFO, made by the real {@code mkfifo} (the JDK cannot make one); fails the test if the tool is missing. */
    static void mkfifo(Path at) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mkfifo", "-m", "0666", at.toString()).inheritIO().start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "mkfifo did not finish");
        assertEquals(0, p.exitValue(), "mkfifo " + at);
        assertTrue(Files.readAttributes(at, "unix:mode", LinkOption.NOFOLLOW_LINKS).get("mode") instanceof Integer m
                && (m & 0170000) == 0010000, "a FIFO at " + at);
    }

    /** A file someone else owns, and what it must still be after the attack. */
    static final class Victim {
        final Path path;
        private final byte[] bytes;
        private final String mode;

        Victim(Path dir) throws IOException {
            path = dir.resolve("shadow");
            bytes = "root:$6$secret:19000:0:99999:7:::\n".getBytes();
            Files.write(path, bytes);
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
            mode = "rw-------";
        }

        void assertUntouched() throws IOException {
            assertTrue(Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS), path + " is still a regular file");
            assertArrayEquals(bytes, Files.readAllBytes(path), "content of " + path);
            assertEquals(mode, PosixFilePermissions.toString(Files.getPosixFilePermissions(path,
                    LinkOption.NOFOLLOW_LINKS)), "mode of " + path);
        }
    }
}
