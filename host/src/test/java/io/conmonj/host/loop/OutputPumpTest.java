package io.conmonj.host.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conmonj.host.logging.Stream;
import io.conmonj.host.sys.Sys;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How a real pipe is read on a real loop: chunks of at most 8192 bytes, each delivered on its own; more than one
 * read per wake-up only while the reads come back full, and never more than {@link OutputPump#READS_PER_WAKEUP}.
 */
class OutputPumpTest {
    private EventLoop loop;
    private int[] pipe;
    private OutputPump pump;
    private final List<Integer> chunks = new ArrayList<>();
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() throws Exception {
        loop = new EventLoop();
        pipe = Sys.pipe();
        pump = new OutputPump(Stream.STDOUT, pipe[0], (stream, buf, off, len) -> {
            assertEquals(Stream.STDOUT, stream);
            chunks.add(len);
            received.write(buf, off, len);
        });
        pump.register(loop);
    }

    @AfterEach
    void tearDown() {
        pump.close();
        Sys.closeQuietly(pipe[1]);
        loop.close();
    }

    /** Exactly one batch of ready events (the loop checks its condition before each wait). */
    private void oneWakeUp() throws Exception {
        int[] checks = {0};
        loop.runUntil(() -> checks[0]++ > 0);
    }

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + i / 8192);
        }
        return b;
    }

    @Test
    void aFullPipeIsReadInChunksAtMostFourPerWakeUp() throws Exception {
        int chunk = OutputPump.CHUNK;
        byte[] data = pattern(5 * chunk + 100); // fits the pipe's default 64 KiB
        Sys.writeAll(pipe[1], data);

        oneWakeUp();
        assertEquals(List.of(chunk, chunk, chunk, chunk), chunks, "a wake-up stops after READS_PER_WAKEUP reads");
        oneWakeUp();
        assertEquals(List.of(chunk, chunk, chunk, chunk, chunk, 100), chunks, "the rest at the next wake-up");
        assertArrayEquals(data, received.toByteArray());
    }

    @Test
    void aShortReadEndsTheWakeUp() throws Exception {
        Sys.writeAll(pipe[1], pattern(100));
        oneWakeUp();
        assertEquals(List.of(100), chunks);

        Sys.writeAll(pipe[1], pattern(OutputPump.CHUNK + 1));
        oneWakeUp();
        assertEquals(List.of(100, OutputPump.CHUNK, 1), chunks);
    }

    @Test
    void endOfFileAfterDataClosesThePump() throws Exception {
        byte[] data = pattern(3 * OutputPump.CHUNK);
        Sys.writeAll(pipe[1], data);
        Sys.close(pipe[1]);
        pipe[1] = -1;
        for (int i = 0; i < 3 && !pump.atEnd(); i++) {
            oneWakeUp();
        }
        assertTrue(pump.atEnd(), "end of file closes the pump");
        assertEquals(List.of(OutputPump.CHUNK, OutputPump.CHUNK, OutputPump.CHUNK), chunks);
        assertArrayEquals(data, received.toByteArray());
    }
}
