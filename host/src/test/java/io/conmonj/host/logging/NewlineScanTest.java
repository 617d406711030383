package io.conmonj.host.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The word-at-a-time newline search must agree with a plain byte loop. */
class NewlineScanTest {
    private static int naive(byte[] b, int from, int end) {
        int i = from;
        while (i < end && b[i] != '\n') {
            i++;
        }
        return i;
    }

    @Test
    void everyPositionAndNearMisses() {
        // Bytes that differ from '\n' (0x0A) by one bit or by borrow patterns must not match.
        byte[] fillers = {0x0B, 0x09, 0x0A ^ (byte) 0x80, (byte) 0x8A, 0x00, (byte) 0xFF, 0x01, 0x1A, 0x0E, 0x08};
        for (byte filler : fillers) {
            byte[] b = new byte[40];
            java.util.Arrays.fill(b, filler);
            for (int from = 0; from < 9; from++) {
                for (int end = from; end <= b.length; end++) {
                    assertEquals(end, Lines.indexOfNewline(b, from, end));
                }
            }
            for (int nl = 0; nl < b.length; nl++) {
                b[nl] = '\n';
                for (int from = 0; from <= nl; from++) {
                    assertEquals(nl, Lines.indexOfNewline(b, from, b.length), "filler " + filler);
                    assertEquals(nl, Lines.indexOfNewline(b, from, nl + 1));
                    assertEquals(nl, Lines.indexOfNewline(b, from, nl));
                }
                b[nl] = filler;
            }
        }
    }

    @Test
    void randomBuffers() {
        SplittableRandom r = new SplittableRandom(7);
        byte[] b = new byte[257];
        for (int round = 0; round < 2000; round++) {
            for (int i = 0; i < b.length; i++) {
                int x = r.nextInt(40);
                b[i] = (byte) (x == 0 ? '\n' : x < 5 ? 0x0A ^ (1 << r.nextInt(8)) : r.nextInt(256));
            }
            int from = r.nextInt(b.length);
            int end = from + r.nextInt(b.length - from + 1);
            assertEquals(naive(b, from, end), Lines.indexOfNewline(b, from, end));
        }
    }
}
