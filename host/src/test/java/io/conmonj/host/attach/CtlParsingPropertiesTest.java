package io.conmonj.host.attach;

import io.conmonj.host.sys.NativeCallException;
import io.conmonj.host.sys.Sys;
import io.conmonj.plugin.property.ForAll;
import io.conmonj.plugin.property.Gen;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Property tests of the ctl and winsz line parsing (issue 10: every parser of untrusted
 * input): {@link CtlLineReader} assembling lines from FIFO reads and {@link CtlScanner}
 * converting them. Whoever may open {@code BUNDLE/ctl} for writing can send any bytes.
 *
 * <p>The documented answers: each complete line goes to the line handler (at most 199 bytes,
 * NUL-free, ending in a newline); a run of 199 bytes without a newline is dropped with the
 * warning {@code Could not find newline in entire buffer}; nothing else is reported; the
 * scanner returns {@link CtlScanner#EOF} or the number of integers converted (0 to 3), with
 * the values glibc's {@code sscanf("%d %d %d")} gives.
 *
 * <p>Bounds: every input of at most 4 KiB is answered within {@link #BOUND} (1 s, the project's
 * bound for parsers of up to 4 KiB, asserted for every try with a preemptive timeout; a scan or
 * a read takes microseconds, the margin is for a loaded, shared machine), in at most one reader wake-up per byte (each wake-up consumes
 * at least one byte while data waits), in the reader's fixed 200-byte buffer. After any input
 * the reader still parses the next well-formed line.
 */
class CtlParsingPropertiesTest {
    static final int MAX_BYTES = 4096;
    static final Duration BOUND = Duration.ofSeconds(1);
    private static final String NO_NEWLINE = "Could not find newline in entire buffer";
    private static final List<String> TOKENS = List.of("1", "2", "3", "0", "-", "+", " ", "  ", "\t", "\n", "\r",
            "\u000b", "\f", "0010", "1000", "1001", "-1", "4294967306", "99999999999999999999", "-9223372036854775808",
            "0x10", "10.5", "x", "1 2 3\n", "2 0 0\n", "1 24 80\n", "\u0000");

    /** Loading the native layer is not the parser's time: the first timed try must not pay for it. */
    @BeforeAll
    static void loadTheNativeLayer() throws NativeCallException {
        Sys.closeQuietly(Sys.pipe()[0]);
    }

    // ------------------------------------------------------------------ CtlScanner

    @Test
    void scannerAgreesWithAModelOfSscanf() {
        ForAll.of(r -> withoutNul(ctlText(r, MAX_BYTES))).tries(5000).within(BOUND).check(s -> {
            int[] got = {-7, -7, -7};
            int ret = CtlScanner.scanInts(s, 0, s.length, got);
            int[] expected = {-7, -7, -7};
            assertEquals(sscanfModel(s, expected), ret, "return value");
            assertEquals(Arrays.toString(expected), Arrays.toString(got), "values");
        });
    }

    /**
     * An independent model of glibc's {@code %d}: skip {@code isspace}, an optional sign, one or
     * more decimal digits read as an unbounded integer, saturated to {@code long} (strtol), then
     * truncated to {@code int}. Input that ends before the first conversion is EOF.
     */
    static int sscanfModel(byte[] s, int[] out) {
        int pos = 0;
        for (int n = 0; n < out.length; n++) {
            while (pos < s.length && (s[pos] == ' ' || (s[pos] >= '\t' && s[pos] <= '\r'))) {
                pos++;
            }
            if (pos == s.length) {
                return n == 0 ? CtlScanner.EOF : n;
            }
            int begin = pos;
            if (s[pos] == '+' || s[pos] == '-') {
                pos++;
            }
            int digits = pos;
            while (pos < s.length && s[pos] >= '0' && s[pos] <= '9') {
                pos++;
            }
            if (pos == digits) {
                return n;
            }
            BigInteger v = new BigInteger(new String(s, begin, pos - begin, StandardCharsets.US_ASCII));
            v = v.max(BigInteger.valueOf(Long.MIN_VALUE)).min(BigInteger.valueOf(Long.MAX_VALUE));
            out[n] = (int) v.longValue();
        }
        return out.length;
    }

    // ------------------------------------------------------------------ CtlLineReader over a real pipe

    /**
     * Any bytes, written in any pieces: the lines handed over are well-formed, the only warning
     * is the overlong-line one, the pipe is drained within one wake-up per byte, every resize
     * applied is within 0..1000, and a well-formed line written afterwards is parsed. The handler
     * applies the ctl rules (three integers, type 1 or 2, sizes 0..1000) and rejects the rest,
     * which drops the rest of that read, as in the monitor.
     */
    @Test
    void anyInputIsConsumedInBoundedWakeUpsAndTheReaderRecovers() {
        ForAll.of(CtlParsingPropertiesTest::chunks).tries(1500).within(BOUND).check(chunks -> {
            try (Fixture f = new Fixture(false)) {
                int total = 0;
                for (byte[] chunk : chunks.pieces()) {
                    Sys.writeAll(f.write, chunk);
                    total += chunk.length;
                }
                for (int i = 0; i <= total; i++) {
                    f.reader.readOnce();
                }
                assertEquals(Sys.WOULD_BLOCK, Sys.read(f.read, new byte[1], 1), "drained within " + (total + 1) + " wake-ups");
                for (String w : f.warnings) {
                    assertEquals(NO_NEWLINE, w);
                }
                for (int[] size : f.applied) {
                    assertTrue(size[0] >= 0 && size[0] <= ControlFifos.MAX_DIMENSION
                            && size[1] >= 0 && size[1] <= ControlFifos.MAX_DIMENSION, Arrays.toString(size));
                }

                // recovery: a newline ends whatever was pending, then a resize is parsed on its own
                Sys.writeAll(f.write, new byte[] {'\n'});
                f.reader.readOnce();
                f.lines.clear();
                Sys.writeAll(f.write, "1 10 20\n".getBytes(StandardCharsets.US_ASCII));
                f.reader.readOnce();
                assertEquals(List.of("1 10 20"), f.lines);
                assertEquals("[10, 20]", Arrays.toString(f.applied.get(f.applied.size() - 1)));
            }
        });
    }

    record Pieces(List<String> lines, List<Integer> cuts) {}

    /** Bytes written to the FIFO in separate writes. */
    record Chunks(List<byte[]> pieces) {
        @Override
        public String toString() {
            List<String> shown = new ArrayList<>();
            for (byte[] b : pieces) {
                shown.add(show(b));
            }
            return shown.toString();
        }
    }

    /**
     * Well-formed input (lines under 199 bytes, no NUL), cut into any pieces with a wake-up
     * between them, gives exactly its lines, in order, and no warning, when every line is
     * accepted.
     */
    @Test
    void shortLinesComeOutExactlyAsWrittenWhateverThePieces() {
        Gen<Pieces> pieces = r -> {
            List<String> lines = new ArrayList<>();
            int n = Gen.lengths(25).next(r);
            for (int i = 0; i < n; i++) {
                StringBuilder line = new StringBuilder();
                int len = Gen.lengths(150).next(r);
                for (int j = 0; j < len; j++) {
                    char c = (char) (1 + r.nextInt(255));
                    line.append(c == '\n' ? ' ' : c);
                }
                lines.add(line.toString());
            }
            List<Integer> cuts = new ArrayList<>();
            int k = Gen.lengths(20).next(r);
            for (int i = 0; i < k; i++) {
                cuts.add(r.nextInt(401));
            }
            return new Pieces(lines, cuts);
        };
        ForAll.of(pieces).tries(1500).within(BOUND).check(p -> {
            StringBuilder text = new StringBuilder();
            for (String line : p.lines()) {
                text.append(line).append('\n');
            }
            byte[] all = text.toString().getBytes(StandardCharsets.ISO_8859_1);
            try (Fixture f = new Fixture(true)) {
                int from = 0;
                for (int cut : p.cuts()) {
                    int to = Math.min(all.length, from + cut);
                    Sys.writeAll(f.write, Arrays.copyOfRange(all, from, to));
                    f.reader.readOnce();
                    from = to;
                }
                Sys.writeAll(f.write, Arrays.copyOfRange(all, from, all.length));
                for (int i = 0; i <= all.length; i++) {
                    f.reader.readOnce();
                }
                assertEquals(p.lines(), f.lines);
                assertEquals(List.of(), f.warnings);
            }
        });
    }

    /** A pipe read the way the monitor reads ctl: non-blocking, through a {@link CtlLineReader}. */
    static final class Fixture implements AutoCloseable {
        final int read, write;
        final boolean acceptAll;
        final List<String> lines = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();
        final List<int[]> applied = new ArrayList<>();
        final CtlLineReader reader;

        Fixture(boolean acceptAll) throws NativeCallException {
            this.acceptAll = acceptAll;
            int[] p = Sys.pipe();
            read = p[0];
            write = p[1];
            Sys.setNonBlocking(read);
            reader = new CtlLineReader(read, this::line, warnings::add);
        }

        private boolean line(byte[] buf, int start, int end) {
            assertTrue(start >= 0 && start < end && end <= CtlLineReader.BUFFER_SIZE, start + ".." + end);
            int newline = -1;
            for (int i = start; i < end; i++) {
                assertTrue(buf[i] != 0, "no NUL reaches the parser");
                if (buf[i] == '\n' && newline < 0) {
                    newline = i;
                }
            }
            assertTrue(newline >= 0, "a line ends in a newline");
            assertTrue(newline - start < CtlLineReader.BUFFER_SIZE - 1, "at most 199 bytes");
            lines.add(new String(buf, start, newline - start, StandardCharsets.ISO_8859_1));
            if (acceptAll) {
                return true;
            }
            int[] v = new int[3];
            if (CtlScanner.scanInts(buf, start, end, v) != 3) {
                return false;
            }
            if (v[0] != ControlFifos.WIN_RESIZE_EVENT && v[0] != ControlFifos.REOPEN_LOGS_EVENT) {
                return false;
            }
            if (v[1] < 0 || v[2] < 0 || v[1] > ControlFifos.MAX_DIMENSION || v[2] > ControlFifos.MAX_DIMENSION) {
                return false;
            }
            if (v[0] == ControlFifos.WIN_RESIZE_EVENT) {
                applied.add(new int[] {v[1], v[2]});
            }
            return true;
        }

        @Override
        public void close() {
            Sys.closeQuietly(read);
            Sys.closeQuietly(write);
        }
    }

    // ------------------------------------------------------------------ generators

    /** ctl-like text (the tokens a parser cares about) or any bytes at all, up to {@code max}. */
    static byte[] ctlText(Random r, int max) {
        if (r.nextInt(4) == 0) {
            return Gen.bytes(max).next(r);
        }
        byte[] b = Gen.tokens(TOKENS, 400).next(r).getBytes(StandardCharsets.ISO_8859_1);
        return b.length > max ? Arrays.copyOf(b, max) : b;
    }

    /** Up to 4 KiB in pieces: ctl-like text, any bytes, and runs of digits longer than a line may be. */
    static Chunks chunks(Random r) {
        List<byte[]> out = new ArrayList<>();
        int total = 0;
        int n = Gen.lengths(40).next(r);
        for (int i = 0; i < n && total < MAX_BYTES; i++) {
            byte[] piece;
            if (r.nextInt(5) == 0) {
                piece = new byte[150 + r.nextInt(451)];
                Arrays.fill(piece, (byte) '7');
            } else {
                piece = ctlText(r, 300);
            }
            piece = Arrays.copyOf(piece, Math.min(piece.length, MAX_BYTES - total));
            out.add(piece);
            total += piece.length;
        }
        return new Chunks(out);
    }

    /** The scanner is given C strings: what follows a NUL is not part of them. */
    private static byte[] withoutNul(byte[] b) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) {
                return Arrays.copyOf(b, i);
            }
        }
        return b;
    }

    /** Bytes as text, non-printable ones as {@code \xHH}, for failure messages. */
    static String show(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(x >= 32 && x < 127 && x != '\\' ? String.valueOf((char) x) : String.format("\\x%02x", x & 0xff));
        }
        return s.toString();
    }
}
