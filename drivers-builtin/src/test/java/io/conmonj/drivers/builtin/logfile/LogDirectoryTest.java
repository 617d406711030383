package io.conmonj.drivers.builtin.logfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The directory-relative operations of the engine, on real files, and the check of the opened file. */
class LogDirectoryTest {
    @TempDir
    Path tmp;
    Path logs;
    Planted.Victim victim;

    @BeforeEach
    void setUp() throws IOException {
        logs = Files.createDirectory(tmp.resolve("logs"));
        victim = new Planted.Victim(Files.createDirectory(tmp.resolve("etc")));
    }

    @Test
    void appendCreatesWithMode0640AndAppends() throws IOException {
        try (LogDirectory d = LogDirectory.open(logs)) {
            LogDirectory.OpenFile f = d.openAppend("a.log", false);
            write(f.channel(), "one\n");
            f.channel().close();
            f = d.openAppend("a.log", false);
            write(f.channel(), "two\n");
            f.channel().close();
            assertEquals(f.fileKey(), d.fileKeyOf("a.log"));
        }
        assertEquals("one\ntwo\n", Files.readString(logs.resolve("a.log")));
        assertEquals("rw-r-----", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(logs.resolve("a.log"))));
    }

    @Test
    void asConmonFollowsALinkAndTakesADevice() throws IOException {
        Path target = tmp.resolve("real.log");
        Files.createSymbolicLink(logs.resolve("ctr.log"), target);
        try (LogDirectory d = LogDirectory.open(logs)) {
            LogDirectory.OpenFile f = d.openAppend("ctr.log", true);
            write(f.channel(), "via link\n");
            f.channel().close();
            IOException e0 = assertThrows(IOException.class, () -> d.openAppend("ctr.log", false)); // never for drivers
            assertTrue(e0.getMessage().startsWith("Too many levels of symbolic links"), e0.getMessage());
        }
        assertEquals("via link\n", Files.readString(target));
        try (LogDirectory dev = LogDirectory.open(Path.of("/dev"))) {
            dev.openAppend("null", true).channel().close();
            IOException e = assertThrows(IOException.class, () -> dev.openAppend("null", false));
            assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
        }
    }

    @Test
    void createNewNeverWritesThroughWhatIsThere() throws Exception {
        Files.createSymbolicLink(logs.resolve("x.new"), victim.path);
        Files.createSymbolicLink(logs.resolve("dangling.new"), tmp.resolve("etc/created-through-link"));
        try (LogDirectory d = LogDirectory.open(logs)) {
            assertThrows(FileAlreadyExistsException.class, () -> d.createNew("x.new"));
            assertThrows(FileAlreadyExistsException.class, () -> d.createNew("dangling.new"));
        }
        assertTrue(Files.notExists(tmp.resolve("etc/created-through-link")));
        victim.assertUntouched();
    }

    @Test
    void renameAndDeleteActOnTheEntryNotOnTheTarget() throws Exception {
        Files.createSymbolicLink(logs.resolve("a.1"), victim.path);
        Files.createLink(logs.resolve("b.1"), victim.path);
        try (LogDirectory d = LogDirectory.open(logs)) {
            d.rename("a.1", "a.2");
            d.delete("a.2");
            d.rename("b.1", "b.2");
            d.delete("b.2");
            assertTrue(!d.deleteIfExists("nothing"));
        }
        try (var s = Files.list(logs)) {
            assertEquals(List.of(), s.toList());
        }
        victim.assertUntouched();
    }

    @Test
    void readingChecksTheFileIsStillTheOneRotated() throws Exception {
        try (LogDirectory d = LogDirectory.open(logs)) {
            LogDirectory.OpenFile mine = d.createNew("c.1");
            mine.channel().close();
            Object key = mine.fileKey();
            LogDirectory.OpenFile r = d.openForReading("c.1", key);
            r.channel().close();
            Files.move(logs.resolve("c.1"), logs.resolve("c.1.kept"));
            Files.createLink(logs.resolve("c.1"), victim.path);
            assertThrows(FileSystemException.class, () -> d.openForReading("c.1", key)); // two links
            Files.delete(logs.resolve("c.1"));
            Files.move(logs.resolve("c.1.kept"), logs.resolve("c.1.elsewhere")); // ours, still holding its inode
            Files.writeString(logs.resolve("c.1"), "someone else's\n");
            assertNull(d.openForReading("c.1", key), "another file at the name is not compressed");
            Files.delete(logs.resolve("c.1"));
            Planted.mkfifo(logs.resolve("c.1"));
            assertTimeoutPreemptively(Duration.ofSeconds(30),
                    () -> assertThrows(FileSystemException.class, () -> d.openForReading("c.1", key)));
        }
        victim.assertUntouched();
    }

    /**
     * The opened file is identified among the process's descriptors; other threads opening and closing descriptors
     * at the same time must never make the engine write to one of their files.
     */
    @Test
    void descriptorsOpenedConcurrentlyNeverPassForTheLogFile() throws Exception {
        Path noise = Files.createDirectory(tmp.resolve("noise"));
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            Path p = Files.writeString(noise.resolve("n" + t), "");
            threads.add(Thread.ofPlatform().start(() -> {
                while (!stop.get()) {
                    try (FileChannel c = FileChannel.open(p, StandardOpenOption.READ)) {
                        c.size();
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                }
            }));
        }
        int retriedAway = 0;
        try (LogDirectory d = LogDirectory.open(logs)) {
            for (int i = 0; i < 300; i++) {
                LogDirectory.OpenFile f;
                try {
                    f = d.openAppend("f" + i, false);
                } catch (IOException e) {
                    // the documented outcome when the descriptor cannot be told apart 8 times in a row
                    assertTrue(e.getMessage().contains("cannot identify") || e.getMessage().contains("changed"),
                            e.getMessage());
                    retriedAway++;
                    continue;
                }
                write(f.channel(), "record " + i + "\n");
                f.channel().close();
                assertEquals("record " + i + "\n", Files.readString(logs.resolve("f" + i)));
            }
        } finally {
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
        }
        for (int t = 0; t < 3; t++) {
            assertEquals(0, Files.size(noise.resolve("n" + t)), "nothing written to another thread's file");
        }
        assertTrue(retriedAway < 30, retriedAway + " of 300 opens gave up");
    }

    private static void write(FileChannel c, String s) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
        while (b.hasRemaining()) {
            c.write(b);
        }
    }
}
