package io.conmonj.drivers.contrib.syslog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.conmonj.plugin.LogRecord;
import io.conmonj.plugin.LogStream;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class LineJoinerTest {
    final List<String> out = new ArrayList<>();
    final LineJoiner joiner = new LineJoiner((s, t, d, o, l) -> out.add(s.label().charAt(3) + "@" + t + ":"
            + new String(d, o, l, StandardCharsets.ISO_8859_1)), 8);

    static LogRecord rec(LogStream s, long t, String data, boolean partial) {
        // the host's buffer has other bytes around the record
        byte[] b = ("##" + data + "##").getBytes(StandardCharsets.ISO_8859_1);
        return new LogRecord(s, t, b, 2, data.length(), partial);
    }

    @Test
    void wholeLinesLoseTheirLf() throws Exception {
        joiner.accept(rec(LogStream.STDOUT, 1, "a\n", false));
        joiner.accept(rec(LogStream.STDERR, 2, "\n", false));
        joiner.accept(rec(LogStream.STDOUT, 3, "b\r\n", false));
        assertEquals(List.of("o@1:a", "e@2:", "o@3:b\r"), out);
    }

    @Test
    void partialsAreJoinedPerStreamWithTheTimeOfTheFirstPiece() throws Exception {
        joiner.accept(rec(LogStream.STDOUT, 1, "pa", true));
        joiner.accept(rec(LogStream.STDERR, 2, "e-", true));
        joiner.accept(rec(LogStream.STDOUT, 3, "rt", true));
        joiner.accept(rec(LogStream.STDERR, 4, "x\n", false));
        joiner.accept(rec(LogStream.STDOUT, 5, "!\n", false));
        assertEquals(List.of("e@2:e-x", "o@1:part!"), out);
    }

    @Test
    void longLinesGoOutInPiecesOfTheBound() throws Exception {
        joiner.accept(rec(LogStream.STDOUT, 1, "12345", true));
        joiner.accept(rec(LogStream.STDOUT, 2, "6789abcdefghijklm", true));
        assertEquals(List.of("o@1:12345678", "o@2:9abcdefg"), out);
        joiner.accept(rec(LogStream.STDOUT, 3, "n\n", false));
        assertEquals(List.of("o@1:12345678", "o@2:9abcdefg", "o@2:hijklmn"), out);
        out.clear();
        // one record longer than the bound, no copy needed; exactly the bound: one message
        joiner.accept(rec(LogStream.STDOUT, 4, "ABCDEFGHIJ\n", false));
        joiner.accept(rec(LogStream.STDOUT, 5, "12345678\n", false));
        assertEquals(List.of("o@4:ABCDEFGH", "o@4:IJ", "o@5:12345678"), out);
    }

    @Test
    void aLineEndingRightAfterAFullPieceAddsNoEmptyMessage() throws Exception {
        joiner.accept(rec(LogStream.STDOUT, 1, "12345678", true));
        joiner.accept(rec(LogStream.STDOUT, 2, "\n", false));
        joiner.accept(rec(LogStream.STDOUT, 3, "\n", false));
        assertEquals(List.of("o@1:12345678", "o@3:"), out);
    }

    @Test
    void unterminatedLinesGoOutOnFlush() throws Exception {
        joiner.accept(rec(LogStream.STDERR, 1, "err", true));
        joiner.accept(rec(LogStream.STDOUT, 2, "tail", true));
        joiner.flushPending();
        joiner.flushPending();
        assertEquals(List.of("o@2:tail", "e@1:err"), out);
    }

    @Test
    void defaultBoundIsDockers16KiB() {
        assertEquals(16384, LineJoiner.MAX_MESSAGE);
    }
}
