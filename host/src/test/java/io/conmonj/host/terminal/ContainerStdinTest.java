package io.conmonj.host.terminal;

import io.conmonj.host.loop.LoopDriver;
import io.conmonj.host.sys.NativeCallException;
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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ContainerStdinTest {
    private LoopDriver driver;
    private final List<String> warnings = new ArrayList<>();
    private final List<Integer> fds = new ArrayList<>();
    private final ByteArrayOutputStream arrived = new ByteArrayOutputStream();
    private ContainerStdin stdin;
    private int readEnd = -1;
    private boolean eof;

    @BeforeEach
    void setUp() throws Exception {
        driver = new LoopDriver();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (stdin != null) {
            stdin.close();
        }
        fds.forEach(Sys::closeQuietly);
        driver.close();
    }

    /** -i: a real stdin pipe; the test is the container reading the read end (non-blocking). */
    private void pipeMode() throws Exception {
        int[] pipe = Sys.pipe();
        readEnd = pipe[0];
        fds.add(readEnd);
        Sys.setNonBlocking(readEnd);
        stdin = ContainerStdin.forPipe(driver.loop, pipe[1], warnings::add);
    }

    /** What the container can read now; sets {@link #eof} at end of file. */
    private int containerReads() {
        byte[] buf = new byte[65536];
        int total = 0;
        try {
            while (true) {
                int n = Sys.read(readEnd, buf, buf.length);
                if (n == 0) {
                    eof = true;
                    return total;
                }
                if (n < 0) {
                    return total;
                }
                arrived.write(buf, 0, n);
                total += n;
            }
        } catch (NativeCallException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void send(ContainerStdin stdin, byte[] data) {
        stdin.write(data, 0, data.length);
    }

    /** Distinct bytes so that reordering or loss shows. */
    private static byte[] pattern(int length, int seed) {
        byte[] data = new byte[length];
        for (int i = 0; i < length; i++) {
            data[i] = (byte) ((i * 31 + seed) ^ (i >>> 8));
        }
        return data;
    }

    @Test
    void inputArrivesInOrder() throws Exception {
        pipeMode();
        send(stdin, bytes("one "));
        stdin.write(bytes("xxtwo yy"), 2, 4);
        send(stdin, bytes("three\n"));
        assertEquals(0, stdin.pending());
        containerReads();
        assertEquals("one two three\n", arrived.toString(StandardCharsets.UTF_8));
        assertTrue(warnings.isEmpty(), warnings.toString());
    }

    @Test
    void aFullPipeBuffersWithoutBlockingAndFlushesInOrderWhenTheContainerReads() throws Exception {
        pipeMode();
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        for (int i = 0; i < 10; i++) { // 10 × 32 KiB attach packets: 320 KiB, five times the pipe
            byte[] packet = pattern(32768, i);
            send(stdin, packet);
            sent.write(packet, 0, packet.length);
        }
        assertTrue(stdin.pending() >= 320 * 1024 - 65536, "pending " + stdin.pending());
        assertTrue(stdin.watching(), "waits for EPOLLOUT");

        // nobody reads: the loop does not spin on it and nothing is lost
        driver.runFor(50);
        assertTrue(stdin.pending() > 0);

        assertTrue(driver.runUntil(() -> {
            containerReads();
            return arrived.size() == sent.size();
        }), "arrived " + arrived.size());
        assertArrayEquals(sent.toByteArray(), arrived.toByteArray());
        assertEquals(0, stdin.pending());
        assertFalse(stdin.watching(), "off the loop once flushed");
        assertTrue(warnings.isEmpty(), warnings.toString());
    }

    @Test
    void closeStdinGivesEofAfterThePendingBytes() throws Exception {
        pipeMode();
        byte[] data = pattern(200_000, 7);
        send(stdin, data);
        assertTrue(stdin.pending() > 0);
        stdin.closeStdin();
        assertFalse(stdin.isClosed(), "pending bytes go first");
        send(stdin, bytes("after close: dropped"));

        assertTrue(driver.runUntil(() -> {
            containerReads();
            return eof;
        }));
        assertArrayEquals(data, arrived.toByteArray());
        assertTrue(stdin.isClosed());
        assertEquals(-1, stdin.fd());
        assertTrue(warnings.isEmpty(), warnings.toString());
    }

    @Test
    void closeStdinWithNothingPendingClosesAtOnce() throws Exception {
        pipeMode();
        send(stdin, bytes("hi\n"));
        stdin.closeStdin();
        assertTrue(stdin.isClosed());
        containerReads();
        assertTrue(eof);
        assertEquals("hi\n", arrived.toString(StandardCharsets.UTF_8));
        stdin.closeStdin(); // idempotent
    }

    @Test
    void aContainerThatClosedItsStdinCostsAWarningNotTheMonitor() throws Exception {
        pipeMode();
        Sys.close(readEnd);
        fds.remove((Integer) readEnd);
        send(stdin, bytes("nobody reads this"));
        assertEquals(List.of("Failed to write container stdin"), warnings);
        assertEquals(0, stdin.pending());
    }

    @Test
    void aPacketThatDoesNotFitStopsAcceptingUntilItIsWrittenNothingIsDropped() throws Exception {
        pipeMode();
        int[] resumed = {0};
        stdin.onAccepting(() -> resumed[0]++);
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        int packets = 0;
        while (stdin.accepting()) { // the sources' rule: send only while accepting
            byte[] packet = pattern(32768, packets++);
            send(stdin, packet);
            sent.write(packet, 0, packet.length);
        }
        assertTrue(packets <= 3, "a 64 KiB pipe takes two packets and a part: " + packets);
        assertTrue(stdin.pending() > 0 && stdin.pending() <= 32768, "holds only the packet that did not fit: "
                + stdin.pending());
        driver.runFor(50);
        assertEquals(0, resumed[0], "no resume while the container reads nothing");

        assertTrue(driver.runUntil(() -> {
            containerReads();
            return stdin.accepting();
        }));
        assertEquals(1, resumed[0], "resumed once when the kept bytes were written");
        containerReads();
        assertArrayEquals(sent.toByteArray(), arrived.toByteArray());
        assertTrue(warnings.isEmpty(), warnings.toString());
    }

    @Test
    void inputBeforeThePtyStopsAcceptingUntilThePtyTakesIt() throws Exception {
        stdin = ContainerStdin.forTerminal(driver.loop, warnings::add);
        int[] resumed = {0};
        stdin.onAccepting(() -> resumed[0]++);
        assertTrue(stdin.accepting());
        send(stdin, bytes("early"));
        assertFalse(stdin.accepting(), "held until the pty exists");
        int[] pty = Tty.openPty();
        fds.add(pty[1]);
        stdin.setFd(pty[0]);
        assertTrue(stdin.accepting());
        assertEquals(1, resumed[0]);
    }

    @Test
    void terminalInputBeforeThePtyIsHeldAndFlushedWhenItArrives() throws Exception {
        stdin = ContainerStdin.forTerminal(driver.loop, warnings::add);
        assertTrue(stdin.isTerminal());
        send(stdin, bytes("typed "));
        send(stdin, bytes("early\n"));
        stdin.closeStdin(); // nothing to close yet: ignored, as in conmon
        assertEquals(12, stdin.pending());
        assertFalse(stdin.isClosed());

        int[] pty = Tty.openPty();
        fds.add(pty[1]);
        stdin.setFd(pty[0]);
        assertEquals(0, stdin.pending());

        Sys.setNonBlocking(pty[1]);
        byte[] buf = new byte[256];
        int n = Sys.read(pty[1], buf, buf.length);
        assertEquals("typed early\n", new String(buf, 0, n, StandardCharsets.UTF_8));
        assertTrue(warnings.isEmpty(), warnings.toString());
    }

    @Test
    void terminalCloseStdinClosesOnlyTheStdinDescriptorOfTheMaster() throws Exception {
        stdin = ContainerStdin.forTerminal(driver.loop, warnings::add);
        int[] pty = Tty.openPty();
        fds.add(pty[1]);
        int out = io.conmonj.host.sys.Descriptors.dup(pty[0]); // the monitor's stdout fd
        fds.add(out);
        stdin.setFd(pty[0]);
        stdin.closeStdin();
        assertTrue(stdin.isClosed());
        // the pty is still alive through the dup: the container's output still arrives
        Sys.writeAll(pty[1], bytes("still here"));
        byte[] buf = new byte[64];
        int n = Sys.read(out, buf, buf.length);
        assertEquals("still here", new String(buf, 0, n, StandardCharsets.UTF_8));
    }

    @Test
    void aPtyWithoutSlaveNeverStallsTheLoop() throws Exception {
        // Without a slave the master reports HUP all along. Whether the kernel keeps
        // or discards what is written then is timing-dependent, so this checks the
        // outcome either way: everything taken, or the watch paused (off the loop,
        // polled every 100 ms) instead of spinning on the HUP.
        stdin = ContainerStdin.forTerminal(driver.loop, warnings::add);
        int[] pty = Tty.openPty();
        Sys.close(pty[1]);
        stdin.setFd(pty[0]);
        send(stdin, pattern(100_000, 5));
        assertTrue(driver.runUntil(() -> stdin.pending() == 0 || stdin.paused()),
                "pending " + stdin.pending() + " watching " + stdin.watching());
        if (stdin.pending() > 0) {
            assertFalse(stdin.watching());
        }
        driver.runFor(250); // a few polls
        assertTrue(stdin.pending() == 0 || stdin.paused() || stdin.watching());
        assertTrue(warnings.isEmpty(), warnings.toString());
    }
}
