package io.conmonj.drivers.contrib.gelf;

import io.conmonj.plugin.LogRecord;
import io.conmonj.plugin.LogStream;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LineAssemblerTest {
    private final List<String> lines = new ArrayList<>();
    private final LineAssembler.LineSink sink = (s, ts, d, off, len) ->
            lines.add(s.label() + "@" + ts + ":" + new String(d, off, len, StandardCharsets.ISO_8859_1));

    private static LogRecord rec(LogStream s, long ts, String data, boolean partial) {
        byte[] b = ("##" + data).getBytes(StandardCharsets.ISO_8859_1); // an offset into the host's buffer
        return new LogRecord(s, ts, b, 2, b.length - 2, partial);
    }

    @Test
    void joinsPartialRecordsPerStreamWithTheFirstTimestamp() throws IOException {
        LineAssembler a = new LineAssembler();
        a.add(rec(LogStream.STDOUT, 1, "whole\n", false), sink);
        a.add(rec(LogStream.STDOUT, 2, "par", true), sink);
        a.add(rec(LogStream.STDERR, 3, "e-par", true), sink);
        a.add(rec(LogStream.STDOUT, 4, "t", true), sink);
        a.add(rec(LogStream.STDOUT, 5, "ial\n", false), sink);
        a.add(rec(LogStream.STDERR, 6, "t\n", false), sink);
        a.add(rec(LogStream.STDOUT, 7, "\n", false), sink);
        a.add(rec(LogStream.STDOUT, 8, "tail", true), sink);
        a.drain(sink);
        a.drain(sink);
        assertEquals(List.of("stdout@1:whole", "stdout@2:partial", "stderr@3:e-part", "stdout@7:",
                "stdout@8:tail"), lines);
    }

    @Test
    void longLinesAreCutAtTheBoundAsDockerCutsThem() throws IOException {
        LineAssembler a = new LineAssembler(10);
        a.add(rec(LogStream.STDOUT, 1, "0123456", true), sink);
        a.add(rec(LogStream.STDOUT, 2, "789abcdefghijklmnopq", true), sink);
        a.add(rec(LogStream.STDOUT, 3, "rs\n", false), sink);
        a.add(rec(LogStream.STDOUT, 4, "0123456789\n", false), sink); // exactly the bound: one message
        a.add(rec(LogStream.STDOUT, 5, "0123456789ABCDEFGHIJK\n", false), sink);
        assertEquals(List.of("stdout@1:0123456789", "stdout@2:abcdefghij", "stdout@2:klmnopqrs",
                "stdout@4:0123456789", "stdout@5:0123456789", "stdout@5:ABCDEFGHIJ", "stdout@5:K"), lines);
    }
}
