package io.conmonj.host.terminal;

import io.conmonj.host.loop.LoopDriver;
import io.conmonj.host.logging.Stream;
import io.conmonj.host.sys.Descriptors;
import io.conmonj.host.sys.Sys;
import io.conmonj.host.sys.Tty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PtyOutputTest {
    private LoopDriver driver;
    private int master = -1, slave = -1;
    private PtyOutput output;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final List<Stream> streams = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        driver = new LoopDriver();
        int[] pty = Tty.openPty();
        master = pty[0];
        slave = pty[1];
        output = new PtyOutput(driver.loop, Descriptors.dup(master), (stream, buf, off, len) -> {
            streams.add(stream);
            received.write(buf, off, len);
        }, warnings::add);
    }

    @AfterEach
    void tearDown() throws Exception {
        output.close();
        Sys.closeQuietly(master);
        Sys.closeQuietly(slave);
        driver.close();
    }

    private String text() {
        return received.toString(StandardCharsets.UTF_8);
    }

    private void write(int fd, String text) throws Exception {
        Sys.writeAll(fd, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void containerOutputIsStdout() throws Exception {
        output.register();
        write(slave, "hello\n");
        assertTrue(driver.runUntil(() -> text().equals("hello\r\n")), text());
        assertTrue(streams.stream().allMatch(s -> s == Stream.STDOUT));
        assertTrue(warnings.isEmpty(), warnings.toString());
    }

    @Test
    void hupPausesTheWatchAndASlaveOpenedAgainIsReadWithin100Ms() throws Exception {
        output.register();
        write(slave, "before");
        Sys.close(slave);
        slave = -1;
        assertTrue(driver.runUntil(() -> text().equals("before") && !output.watching()), text());
        assertTrue(output.paused());
        // while nobody has the slave open the fd stays off the loop but is looked at again every 100 ms
        driver.runFor(250);
        assertFalse(output.atEnd());

        slave = Tty.openSlave(Tty.slaveName(master));
        write(slave, "after");
        long start = System.nanoTime();
        assertTrue(driver.runUntil(() -> text().equals("beforeafter")), text());
        assertTrue(System.nanoTime() - start < 1_000_000_000L);
        assertTrue(warnings.isEmpty(), "EIO is not reported: " + warnings);
    }

    @Test
    void drainReadsWhatIsLeftAndStopsAtEio() throws Exception {
        write(slave, "x".repeat(3000)); // fits in the pty buffer: the write must not block
        Sys.close(slave);
        slave = -1;
        output.drain();
        assertEquals(3000, received.size());
        assertTrue(warnings.isEmpty(), warnings.toString());
        assertFalse(output.atEnd());
    }

    @Test
    void closeStopsEverything() throws Exception {
        output.register();
        output.close();
        assertTrue(output.atEnd());
        assertEquals(-1, output.fd());
        write(slave, "ignored");
        driver.runFor(50);
        assertEquals("", text());
        output.close();
    }
}
