package io.conmonj.host.terminal;

import io.conmonj.host.sys.NativeCallException;
import io.conmonj.host.sys.Sys;
import io.conmonj.host.sys.Tty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PtyTest {
    private int master = -1, slave = -1;
    private final List<String> warnings = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        int[] pty = Tty.openPty();
        master = pty[0];
        slave = pty[1];
    }

    @AfterEach
    void tearDown() {
        Sys.closeQuietly(master);
        Sys.closeQuietly(slave);
    }

    private String roundTrip(String text) throws Exception {
        Sys.writeAll(slave, text.getBytes(StandardCharsets.UTF_8));
        byte[] buf = new byte[256];
        int n = Sys.read(master, buf, buf.length);
        return new String(buf, 0, n, StandardCharsets.UTF_8);
    }

    @Test
    void onlcrTurnsNewlinesIntoCrLfAndChangesNothingElse() throws Exception {
        // a fresh pty already has OPOST|ONLCR: clear ONLCR to see the effect
        Tty.Termios termios = Tty.getAttributes(master);
        termios.setOutputFlags(termios.outputFlags() & ~Tty.ONLCR);
        Tty.setAttributes(master, termios);
        assertEquals("hi\n", roundTrip("hi\n"));
        int before = Tty.getAttributes(master).outputFlags();

        assertTrue(Pty.setOnlcr(master, warnings::add));

        assertEquals(before | Tty.ONLCR, Tty.getAttributes(master).outputFlags());
        assertEquals("hi\r\n", roundTrip("hi\n"));
        assertTrue(warnings.isEmpty(), warnings.toString());
    }

    @Test
    void resizeIsSeenOnTheSlave() throws Exception {
        assertTrue(Pty.resize(master, 33, 77, warnings::add));
        assertArrayEquals(new int[] {33, 77}, Tty.windowSize(slave));
        assertTrue(Pty.resize(master, 0, 1000, warnings::add));
        assertArrayEquals(new int[] {0, 1000}, Tty.windowSize(slave));
        // through a dup of the master (conmon resizes through its stdout fd)
        int dup = io.conmonj.host.sys.Descriptors.dup(master);
        try {
            assertTrue(Pty.resize(dup, 24, 80, warnings::add));
        } finally {
            Sys.closeQuietly(dup);
        }
        assertArrayEquals(new int[] {24, 80}, Tty.windowSize(slave));
        assertTrue(warnings.isEmpty(), warnings.toString());
    }

    @Test
    void failuresAreWarningsWithConmonsTexts() throws Exception {
        int[] pipe = Sys.pipe();
        try {
            assertFalse(Pty.setOnlcr(pipe[1], warnings::add));
            assertFalse(Pty.resize(pipe[1], 10, 10, warnings::add));
        } finally {
            Sys.closeQuietly(pipe[0]);
            Sys.closeQuietly(pipe[1]);
        }
        assertEquals(List.of("Failed to get console terminal settings",
                "Failed to set process pty terminal size: Inappropriate ioctl for device"), warnings);
    }

    @Test
    void readingTheMasterWithoutSlaveIsEndOfDataNotAnError() throws Exception {
        Sys.writeAll(slave, "last words".getBytes(StandardCharsets.UTF_8));
        Sys.close(slave);
        slave = -1;
        byte[] buf = new byte[64];
        int n = Sys.read(master, buf, buf.length);
        assertEquals("last words", new String(buf, 0, n, StandardCharsets.UTF_8), "buffered data first");
        NativeCallException e = assertThrows(NativeCallException.class, () -> Sys.read(master, buf, buf.length));
        assertTrue(Pty.isEndOfData(e), e.getMessage());
    }
}
