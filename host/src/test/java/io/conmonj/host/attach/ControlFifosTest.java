package io.conmonj.host.attach;

import io.conmonj.host.sys.SetupException;
import io.conmonj.host.loop.LoopDriver;
import io.conmonj.host.sys.NativeCallException;
import io.conmonj.host.sys.Sys;
import io.conmonj.sys.LibC;
import io.conmonj.sys.NativeMemory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ControlFifosTest {
    private static int savedUmask;

    @TempDir
    Path bundle;
    private LoopDriver driver;
    private ControlFifos fifos;
    private final List<String> warnings = new ArrayList<>();
    private final AtomicInteger reopens = new AtomicInteger();
    private final List<String> resizes = new ArrayList<>();
    private int winszPeek = -1;

    @BeforeAll
    static void monitorUmask() {
        savedUmask = Sys.umask(0022);
    }

    @AfterAll
    static void restoreUmask() {
        Sys.umask(savedUmask);
    }

    @BeforeEach
    void setUp() throws Exception {
        driver = new LoopDriver();
        fifos = ControlFifos.open(bundle.toString(), driver.loop, reopens::incrementAndGet, warnings::add);
    }

    @AfterEach
    void tearDown() throws Exception {
        Sys.closeQuietly(winszPeek);
        fifos.close();
        driver.close();
    }

    /** Writes like Podman: open O_WRONLY|O_NONBLOCK, write, close. */
    private void writeCtl(String text) throws NativeCallException {
        int fd = Sys.open(bundle.resolve("ctl").toString(), Sys.O_WRONLY | Sys.O_NONBLOCK | Sys.O_CLOEXEC, 0);
        try {
            Sys.writeAll(fd, text.getBytes(StandardCharsets.ISO_8859_1));
        } finally {
            Sys.close(fd);
        }
    }

    /** What the monitor wrote into winsz (nobody else reads it without a terminal). */
    private String winszContent() throws NativeCallException {
        if (winszPeek < 0) {
            winszPeek = Sys.open(bundle.resolve("winsz").toString(), Sys.O_RDONLY | Sys.O_NONBLOCK | Sys.O_CLOEXEC, 0);
        }
        StringBuilder s = new StringBuilder();
        byte[] buf = new byte[4096];
        int n;
        while ((n = Sys.read(winszPeek, buf, buf.length)) > 0) {
            s.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
        }
        return s.toString();
    }

    /**
     * Writes to ctl and runs the loop until the monitor has read all of it. The loop runs on this thread and handles
     * what it reads before it returns to the condition, so an empty FIFO means every line written was handled, however
     * slow the machine.
     */
    private void send(String text) throws NativeCallException {
        writeCtl(text);
        awaitRead("ctl");
    }

    private void awaitRead(String fifo) {
        assertTrue(driver.runUntil(() -> unread(fifo) == 0, 60_000), fifo + " read by the monitor: " + unread(fifo) + " bytes left");
    }

    private static final long FIONREAD = 0x541B;

    /** The bytes in {@code fifo} nobody has read yet: FIONREAD through a write side opened for the call. */
    private int unread(String fifo) {
        try {
            int fd = Sys.open(bundle.resolve(fifo).toString(), Sys.O_WRONLY | Sys.O_NONBLOCK | Sys.O_CLOEXEC, 0);
            try {
                NativeMemory n = new NativeMemory(4);
                int rc = LibC.ioctl(fd, FIONREAD, n);
                if (rc != 0) throw new IllegalStateException("ioctl(" + fifo + ", FIONREAD): " + rc);
                return n.getInt(0);
            } finally {
                Sys.close(fd);
            }
        } catch (NativeCallException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void fifosAreCreatedWithMode0640AfterUmask() throws IOException {
        assertEquals("prw-r-----", FileModes.of(bundle.resolve("ctl")));
        assertEquals("prw-r-----", FileModes.of(bundle.resolve("winsz")));
        assertEquals(bundle.resolve("ctl").toString(), fifos.ctlPath());
        assertEquals(bundle.resolve("winsz").toString(), fifos.winszPath());
    }

    @Test
    void existingPathsAreReplacedAndKeptAtClose() throws Exception {
        fifos.close();
        Files.delete(bundle.resolve("winsz"));
        Files.writeString(bundle.resolve("winsz"), "a regular file");
        fifos = ControlFifos.open(bundle.toString(), driver.loop, reopens::incrementAndGet, warnings::add);
        assertEquals("prw-r-----", FileModes.of(bundle.resolve("winsz")));
        fifos.close();
        assertTrue(Files.exists(bundle.resolve("ctl"), LinkOption.NOFOLLOW_LINKS), "not removed at exit");
        assertTrue(Files.exists(bundle.resolve("winsz"), LinkOption.NOFOLLOW_LINKS), "not removed at exit");
        fifos = ControlFifos.open(bundle.toString(), driver.loop, reopens::incrementAndGet, warnings::add);
    }

    @Test
    void unusableBundleFailsWithConmonsText() {
        String missing = bundle.resolve("gone").toString();
        SetupException e = assertThrows(SetupException.class,
                () -> ControlFifos.open(missing, driver.loop, () -> { }, warnings::add));
        assertEquals("Failed to open terminal control fifo read half No such file or directory", e.getMessage());
    }

    @Test
    void resizeIsForwardedToWinsz() throws Exception {
        send("1 0010 0020\n");
        assertEquals("10 20\n", winszContent());
        send("1 2 2 3\n");
        assertEquals("2 2\n", winszContent());
        send("1 0 1000\n1 1000 0\n");
        assertEquals("0 1000\n1000 0\n", winszContent());
        assertEquals(List.of(), warnings);
    }

    @Test
    void reopenCallsTheCallback() throws Exception {
        send("2 0 0\n");
        assertEquals(1, reopens.get());
        assertEquals("", winszContent());
        assertEquals(List.of(), warnings);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1\n", "1 2\n", "foo\n", "1 10.5 20.3\n", "1 0x10 0x20\n", "2\n"})
    void malformedLinesAreRejected(String line) throws Exception {
        send(line);
        assertEquals(List.of("Invalid control message format"), warnings);
        assertEquals("", winszContent());
        assertEquals(0, reopens.get());
        // and the FIFO keeps working
        send("1 5 6\n");
        assertEquals("5 6\n", winszContent());
    }

    @Test
    void unknownTypeIsRejected() throws Exception {
        send("3 1 1\n");
        assertEquals(List.of("Invalid control message type: 3"), warnings);
        assertEquals("", winszContent());
    }

    @Test
    void outOfRangeSizesAreRejectedForBothTypes() throws Exception {
        send("1 1001 5\n");
        send("1 5 -1\n");
        send("2 0 1001\n");
        assertEquals(List.of("Invalid window size: 1001x5 (must be between 0 and 1000)",
                "Invalid window size: 5x-1 (must be between 0 and 1000)",
                "Invalid window size: 0x1001 (must be between 0 and 1000)"), warnings);
        assertEquals("", winszContent());
        assertEquals(0, reopens.get());
    }

    @Test
    void aRejectedLineDropsTheRestOfItsRead() throws Exception {
        send("1 3 4\nfoo\n1 7 8\n2 0 0\n");
        assertEquals("3 4\n", winszContent());
        assertEquals(0, reopens.get());
        assertEquals(List.of("Invalid control message format"), warnings);
    }

    @Test
    void partialLinesWaitForTheirEnd() throws Exception {
        send("1 12");
        assertEquals("", winszContent());
        send(" 34\n1 5");
        assertEquals("12 34\n", winszContent());
        send("6 78\n");
        assertEquals("56 78\n", winszContent());
        assertEquals(List.of(), warnings);
    }

    @Test
    void overlongLinesAreDiscardedInChunks() throws Exception {
        send("x".repeat(250) + "\n");
        assertEquals(List.of("Could not find newline in entire buffer", "Invalid control message format"), warnings);
        warnings.clear();
        send("1 9 9\n");
        assertEquals("9 9\n", winszContent());

        // a line that fills the buffer over several writes is discarded too (conmon would spin)
        send("1 1 1" + " ".repeat(100));
        send(" ".repeat(100));
        assertEquals(List.of("Could not find newline in entire buffer"), warnings);
        // the spaces left after the discarded chunk start a line; sscanf's %d skips the
        // newline and reads the next line's numbers, as conmon's does: two resizes
        send("\n1 4 4\n");
        assertEquals("4 4\n4 4\n", winszContent());
    }

    @Test
    void bytesAfterANulAreIgnored() throws Exception {
        send("1 3 3\n1 4\0 4\n");
        send("\n");
        assertEquals("3 3\n", winszContent());
        assertEquals(List.of("Invalid control message format"), warnings);
    }

    @Test
    void writersClosingDoNotCauseHangups() throws Exception {
        for (int i = 0; i < 3; i++) {
            send("1 1 " + i + "\n");
        }
        assertEquals("1 0\n1 1\n1 2\n", winszContent());
        assertEquals(List.of(), warnings, "no EOF/read failures after writers closed");
    }

    @Test
    void aFullWinszFifoDropsResizesInsteadOfStalling() throws Exception {
        // nobody reads winsz without a terminal; 64 KiB hold 6553 "1000 1000\n" lines
        String line = "1 1000 1000\n";
        for (int batch = 0; batch < 8; batch++) {
            send(line.repeat(1000)); // handled whole before the next batch, whatever the machine's load
        }
        assertEquals(List.of("Failed to write to window resizing fd. A resize event may have been dropped"
                + " (winsz FIFO full: nobody reads it without a terminal; further drops not reported)"), warnings);
        String full = winszContent(); // 64 KiB pipe: 16 pages of 409 lines with 4 KiB pages
        assertTrue(full.length() >= 60000, "filled: " + full.length());
        assertEquals("1000 1000\n".repeat(full.length() / 10), full, "whole lines only: each write is atomic");
        send("2 0 0\n");
        assertEquals(1, reopens.get(), "still serving ctl");
        send("1 7 7\n");
        assertEquals("7 7\n", winszContent(), "resizes flow again once there is room");
    }

    @Test
    void terminalModeReadsWinszIncludingEarlierLines() throws Exception {
        send("1 33 77\n"); // before the pty exists: stays in the FIFO
        fifos.watchWinsz((rows, cols) -> resizes.add(rows + "x" + cols));
        assertTrue(driver.runUntil(() -> resizes.size() == 1));
        assertEquals(List.of("33x77"), resizes);

        send("1 24 80\n");
        awaitRead("winsz");
        assertEquals(List.of("33x77", "24x80"), resizes);

        // external writers may write winsz directly
        int fd = Sys.open(bundle.resolve("winsz").toString(), Sys.O_WRONLY | Sys.O_NONBLOCK, 0);
        Sys.writeAll(fd, "50 60\nbad\n1001 1\n".getBytes(StandardCharsets.US_ASCII));
        Sys.close(fd);
        awaitRead("winsz");
        assertEquals(List.of("33x77", "24x80", "50x60"), resizes);
        assertEquals(List.of("Failed to parse window size"), warnings);
    }
}
