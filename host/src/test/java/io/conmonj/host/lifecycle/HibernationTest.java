package io.conmonj.host.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conmonj.host.cli.ConfigError;
import io.conmonj.host.loop.EventLoop;
import io.conmonj.host.sys.Epoll;
import io.conmonj.host.sys.Sys;

import org.junit.jupiter.api.Test;

/** CONMONJ_HIBERNATE, and the idle check on a real event loop. */
class HibernationTest {
    @Test
    void defaultIsTenSecondsAndOffTurnsItOff() throws Exception {
        assertEquals(10_000, Hibernation.parse(null).periodMillis());
        assertEquals(10_000, Hibernation.parse("").periodMillis());
        assertEquals(2_000, Hibernation.parse("2").periodMillis());
        assertFalse(Hibernation.parse("off").enabled());
    }

    @Test
    void aBadValueFailsTheStartWithTheVariableInTheMessage() {
        for (String bad : new String[] {"abc", "0", "-1", "86401", "10s", "1e3", "OFF"}) {
            ConfigError e = assertThrows(ConfigError.class, () -> Hibernation.parse(bad), bad);
            assertTrue(e.line().contains("CONMONJ_HIBERNATE=" + bad), e.line());
        }
    }

    @Test
    void handsOffOnlyAfterAPeriodWithoutEvents() throws Exception {
        int[] pipe = Sys.pipe();
        try (EventLoop loop = new EventLoop(); Hibernation hibernation = Hibernation.parse("1")) {
            byte[] buf = new byte[16];
            int[] reads = {0};
            loop.register(pipe[0], Epoll.IN, events -> reads[0] += Sys.read(pipe[0], buf, buf.length));
            int[] attempts = {0};
            long start = System.nanoTime();
            hibernation.watch(loop, () -> ++attempts[0] > 0);
            // an event every 300 ms for 1.5 s: no period is idle
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < 5; i++) {
                        Thread.sleep(300);
                        Sys.writeAll(pipe[1], new byte[] {'x'});
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            writer.start();
            loop.runUntil(() -> attempts[0] > 0);
            writer.join();
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(5, reads[0]);
            assertEquals(1, attempts[0]);
            // the last event came at ≈ 1.5 s; the first whole idle period after it ends at 3 s at the earliest
            assertTrue(elapsedMillis >= 2_500, "handed off after " + elapsedMillis + " ms");
        } finally {
            Sys.closeQuietly(pipe[0]);
            Sys.closeQuietly(pipe[1]);
        }
    }
}
