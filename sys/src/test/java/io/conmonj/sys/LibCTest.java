package io.conmonj.sys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JNI library's rules, on real calls: errno, strings, copies of Java arrays, native memory. */
class LibCTest {
    private static final int O_WRONLY = 01, O_CREAT = 0100, O_EXCL = 0200, O_CLOEXEC = 02000000;
    private static final int O_NONBLOCK = 04000, EINVAL = 22;

    @TempDir
    Path dir;

    @Test
    void errnoIsTheFailedCallsAndStrerrorNamesIt() {
        assertEquals(-1, LibC.open(dir.resolve("missing/file").toString(), 0, 0));
        assertEquals(Errno.ENOENT, Errno.last());
        assertEquals("No such file or directory", Errno.text(Errno.ENOENT));
    }

    @Test
    void errnoBelongsToTheThreadThatMadeTheCall() throws InterruptedException {
        assertEquals(-1, LibC.close(-1));
        int[] other = new int[1];
        Thread thread = new Thread(() -> {
            LibC.open(dir.resolve("missing/file").toString(), 0, 0);
            other[0] = Errno.last();
        });
        thread.start();
        thread.join();
        assertEquals(Errno.ENOENT, other[0]);
        assertEquals(Errno.EBADF, Errno.last());
    }

    @Test
    void pathsGoToCAsUtf8() throws IOException {
        String name = "log-\u00e9\uD83D\uDCE6.txt";   // é and a character outside the BMP
        int fd = LibC.open(dir.resolve(name).toString(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        assertTrue(fd >= 0, () -> "open: " + Errno.text(Errno.last()));
        LibC.close(fd);
        assertTrue(Files.exists(dir.resolve(name)));
    }

    @Test
    void aNulInsideAPathFailsTheCallInsteadOfCuttingThePathShort() throws IOException {
        assertEquals(-1, LibC.open(dir + "/short\0.d/../../escape",
                O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
        assertEquals(EINVAL, Errno.last());
        assertEquals(-1, LibC.mkfifo(dir + "/fifo\0x", 0600));
        assertEquals(EINVAL, Errno.last());
        try (var left = Files.list(dir)) {
            assertEquals(0, left.count(), "nothing was created");
        }
    }

    @Test
    void readAndWriteCopyJavaArraysAndRefuseCountsBeyondThem() {
        try (Pipe pipe = new Pipe()) {
            byte[] out = "hello, monitor".getBytes(StandardCharsets.UTF_8);
            assertEquals(out.length, LibC.write(pipe.write, out, out.length));
            assertEquals(-1, LibC.write(pipe.write, out, out.length + 1), "count beyond the array");
            assertEquals(EINVAL, Errno.last());
            byte[] in = new byte[64];
            assertEquals(-1, LibC.read(pipe.read, in, in.length + 1), "count beyond the array");
            assertEquals(EINVAL, Errno.last());
            assertEquals(out.length, LibC.read(pipe.read, in, in.length));
            assertArrayEquals(out, Arrays.copyOf(in, out.length));
            assertEquals(-1, LibC.read(pipe.read, in, in.length));
            assertEquals(Errno.EAGAIN, Errno.last());
        }
    }

    @Test
    void nativeMemoryIsZeroedBoundsCheckedAndReadIntoInPlace() {
        NativeMemory block = new NativeMemory(16);
        assertEquals(0L, block.getLong(8));
        assertThrows(IndexOutOfBoundsException.class, () -> block.getLong(12));
        assertThrows(IndexOutOfBoundsException.class, () -> block.setInt(-1, 0));
        try (Pipe pipe = new Pipe()) {
            byte[] out = {1, 2, 3, 4, 5};
            LibC.write(pipe.write, out, out.length);
            assertThrows(IndexOutOfBoundsException.class, () -> LibC.read(pipe.read, block, 17),
                    "a read past the block is refused before it is made");
            assertEquals(5, LibC.read(pipe.read, block, 16));
            assertArrayEquals(out, block.getByteArray(0, 5));
        }
    }

    /** A non-blocking pipe, both ends closed at the end of the case. */
    private static final class Pipe implements AutoCloseable {
        final int read, write;

        Pipe() {
            int[] fds = new int[2];
            assertEquals(0, LibC.pipe2(fds, O_CLOEXEC | O_NONBLOCK));
            read = fds[0];
            write = fds[1];
        }

        @Override
        public void close() {
            LibC.close(read);
            LibC.close(write);
        }
    }

    @Test
    void aWrappedBlockSeesTheSameBytes() {
        NativeMemory owner = new NativeMemory(8);
        owner.setInt(4, 0x01020304);
        NativeMemory view = NativeMemory.wrap(owner.address(), owner.size());
        assertEquals(0x01020304, view.getInt(4));
        assertThrows(IllegalArgumentException.class, () -> NativeMemory.wrap(0, 8));
    }
}
