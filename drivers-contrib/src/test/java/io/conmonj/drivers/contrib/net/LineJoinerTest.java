package io.conmonj.drivers.contrib.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.conmonj.plugin.LogRecord;
import io.conmonj.plugin.LogStream;

import java.io.IOException;
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

    // the cases of GELF's former LineAssembler, which this class replaced: the same messages and timestamps

    final List<String> lines = new ArrayList<>();
    final LineJoiner.Messages sink = (s, ts, d, off, len) ->
            lines.add(s.label() + "@" + ts + ":" + new String(d, off, len, StandardCharsets.ISO_8859_1));

    @Test
    void joinsPartialRecordsPerStreamWithTheFirstTimestamp() throws IOException {
        LineJoiner a = new LineJoiner(sink);
        a.accept(rec(LogStream.STDOUT, 1, "whole\n", false));
        a.accept(rec(LogStream.STDOUT, 2, "par", true));
        a.accept(rec(LogStream.STDERR, 3, "e-par", true));
        a.accept(rec(LogStream.STDOUT, 4, "t", true));
        a.accept(rec(LogStream.STDOUT, 5, "ial\n", false));
        a.accept(rec(LogStream.STDERR, 6, "t\n", false));
        a.accept(rec(LogStream.STDOUT, 7, "\n", false));
        a.accept(rec(LogStream.STDOUT, 8, "tail", true));
        a.flushPending();
        a.flushPending();
        assertEquals(List.of("stdout@1:whole", "stdout@2:partial", "stderr@3:e-part", "stdout@7:",
                "stdout@8:tail"), lines);
    }

    @Test
    void longLinesAreCutAtTheBoundAsDockerCutsThem() throws IOException {
        LineJoiner a = new LineJoiner(sink, 10);
        a.accept(rec(LogStream.STDOUT, 1, "0123456", true));
        a.accept(rec(LogStream.STDOUT, 2, "789abcdefghijklmnopq", true));
        a.accept(rec(LogStream.STDOUT, 3, "rs\n", false));
        a.accept(rec(LogStream.STDOUT, 4, "0123456789\n", false)); // exactly the bound: one message
        a.accept(rec(LogStream.STDOUT, 5, "0123456789ABCDEFGHIJK\n", false));
        assertEquals(List.of("stdout@1:0123456789", "stdout@2:abcdefghij", "stdout@2:klmnopqrs",
                "stdout@4:0123456789", "stdout@5:0123456789", "stdout@5:ABCDEFGHIJ", "stdout@5:K"), lines);
    }
}
