package io.conmonj.drivers.builtin.journald;

import io.conmonj.plugin.LogRecord;
import io.conmonj.plugin.LogStream;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Entries of the journald driver: which entries, which fields, and their exact bytes (conmon-behaviour.md §7.2). */
class JournaldLogTest {
    static final String CID = "0123456789abcdef0123";

    final List<byte[]> sent = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();

    JournaldLog log(JournaldEntry entry) {
        return new JournaldLog(entry, () -> new JournaldLog.Sink() {
            @Override
            public void send(byte[] d, int n) {
                sent.add(Arrays.copyOf(d, n));
            }

            @Override
            public void close() {
            }
        }, warnings::add);
    }

    static LogRecord rec(LogStream s, String text, boolean partial) {
        byte[] b = ("xx" + text).getBytes(StandardCharsets.UTF_8);
        return new LogRecord(s, 1L, b, 2, b.length - 2, partial);
    }

    List<String> fields(int i) {
        return JournaldEntry.decode(sent.get(i), sent.get(i).length);
    }

    static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof String s) {
                out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            } else {
                out.writeBytes((byte[]) p);
            }
        }
        return out.toByteArray();
    }

    static byte[] le64(long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (v >>> (8 * i));
        }
        return b;
    }

    @Test
    void completeLineExactBytesAllFields() {
        JournaldLog log = log(new JournaldEntry(CID, "web", "tg", List.of("A=1", "B_2=x y"), true));
        log.write(rec(LogStream.STDOUT, "hello\n", false));
        assertEquals(1, sent.size());
        byte[] expected = bytes("MESSAGE\n", le64(6), "hello\n", "\n",
                "CONTAINER_ID_FULL=" + CID + "\n",
                "PRIORITY=6\n",
                "CONTAINER_ID=0123456789ab\n",
                "CONTAINER_TAG=tg\n",
                "CONTAINER_NAME=web\n",
                "SYSLOG_IDENTIFIER=tg\n",
                "A=1\n", "B_2=x y\n");
        assertArrayEquals(expected, sent.get(0));
    }

    @Test
    void minimalFieldsStderrAndIdentifierFallbacks() {
        JournaldLog log = log(new JournaldEntry(CID, null, null, List.of(), true));
        log.write(rec(LogStream.STDERR, "oops\n", false));
        assertArrayEquals(bytes("MESSAGE\n", le64(5), "oops\n\n", "CONTAINER_ID_FULL=" + CID + "\n", "PRIORITY=3\n",
                "CONTAINER_ID=0123456789ab\n", "SYSLOG_IDENTIFIER=0123456789ab\n"), sent.get(0));
        sent.clear();
        log(new JournaldEntry(CID, "nm", null, List.of(), true)).write(rec(LogStream.STDOUT, "x\n", false));
        assertEquals(List.of("MESSAGE=x\n", "CONTAINER_ID_FULL=" + CID, "PRIORITY=6", "CONTAINER_ID=0123456789ab",
                "CONTAINER_NAME=nm", "SYSLOG_IDENTIFIER=nm"), fields(0));
    }

    @Test
    void partialIsBufferedAndJoinedWithTheNextLineOfItsStream() {
        JournaldLog log = log(new JournaldEntry(CID, "web", null, List.of(), true));
        log.write(rec(LogStream.STDOUT, "par", true));
        log.write(rec(LogStream.STDERR, "err\n", false));
        log.write(rec(LogStream.STDOUT, "tial\n", false));
        assertEquals(2, sent.size());
        assertEquals("MESSAGE=err\n", fields(0).get(0));
        assertEquals(List.of("MESSAGE=partial\n", "CONTAINER_ID_FULL=" + CID, "PRIORITY=6", "CONTAINER_ID=0123456789ab",
                "CONTAINER_NAME=web", "SYSLOG_IDENTIFIER=web"), fields(1));
    }

    @Test
    void remainderAtCloseIsAPartialEntryWithoutNewline() {
        JournaldLog log = log(new JournaldEntry(CID, null, null, List.of("L=v"), true));
        log.write(rec(LogStream.STDERR, "no newline", true));
        assertEquals(0, sent.size());
        log.close();
        assertArrayEquals(bytes("MESSAGE=no newline\n", "CONTAINER_ID_FULL=" + CID + "\n", "PRIORITY=3\n",
                "CONTAINER_ID=0123456789ab\n", "SYSLOG_IDENTIFIER=0123456789ab\n",
                "CONTAINER_PARTIAL_MESSAGE=true\n", "L=v\n"), sent.get(0));
    }

    @Test
    void noContainerPartialMessage() {
        JournaldLog log = log(new JournaldEntry(CID, null, null, List.of(), false));
        log.write(rec(LogStream.STDOUT, "tail", true));
        log.close();
        assertEquals(List.of("MESSAGE=tail", "CONTAINER_ID_FULL=" + CID, "PRIORITY=6", "CONTAINER_ID=0123456789ab",
                "SYSLOG_IDENTIFIER=0123456789ab"), fields(0));
    }

    @Test
    void bufferHoldsUpTo8191BytesThenSendsAPartialEntry() {
        JournaldLog log = log(new JournaldEntry(CID, null, null, List.of(), true));
        log.write(rec(LogStream.STDOUT, "a".repeat(8000), true));
        log.write(rec(LogStream.STDOUT, "b".repeat(191), true)); // 8191: still fits
        assertEquals(0, sent.size());
        log.write(rec(LogStream.STDOUT, "c", true)); // 8192 would not
        assertEquals(1, sent.size());
        List<String> f = fields(0);
        assertEquals("MESSAGE=" + "a".repeat(8000) + "b".repeat(191) + "c", f.get(0));
        assertTrue(f.contains("CONTAINER_PARTIAL_MESSAGE=true"));
        log.write(rec(LogStream.STDOUT, "d\n", false));
        assertEquals("MESSAGE=d\n", fields(1).get(0));
        assertTrue(!fields(1).contains("CONTAINER_PARTIAL_MESSAGE=true"));
    }

    @Test
    void a8192ByteTailAloneIsSentAtOnce() {
        JournaldLog log = log(new JournaldEntry(CID, null, null, List.of(), true));
        log.write(rec(LogStream.STDOUT, "<4>" + "z".repeat(8189), true));
        assertEquals(1, sent.size());
        // nothing was buffered: conmon 2.2 takes the prefix off this one too
        assertEquals("MESSAGE=" + "z".repeat(8189), fields(0).get(0));
        assertEquals("PRIORITY=4", fields(0).get(2));
    }

    @Test
    void priorityPrefix() {
        JournaldLog log = log(new JournaldEntry(CID, null, null, List.of(), true));
        log.write(rec(LogStream.STDOUT, "<3>bad\n", false));
        log.write(rec(LogStream.STDERR, "<7>dbg\n", false));
        log.write(rec(LogStream.STDOUT, "<8>no\n", false));
        log.write(rec(LogStream.STDOUT, "<3", true));
        log.write(rec(LogStream.STDOUT, ">kept\n", false));
        log.write(rec(LogStream.STDOUT, "x<1>y\n", false));
        log.write(rec(LogStream.STDOUT, "<0>\n", false));
        assertEquals(List.of("MESSAGE=bad\n", "PRIORITY=3"), fields(0).subList(0, 3).stream().filter(s -> !s.startsWith("CONTAINER")).toList());
        assertEquals("MESSAGE=dbg\n", fields(1).get(0));
        assertEquals("PRIORITY=7", fields(1).get(2));
        assertEquals("MESSAGE=<8>no\n", fields(2).get(0));
        assertEquals("PRIORITY=6", fields(2).get(2));
        assertEquals("MESSAGE=<3>kept\n", fields(3).get(0));
        assertEquals("PRIORITY=6", fields(3).get(2));
        assertEquals("MESSAGE=x<1>y\n", fields(4).get(0));
        assertEquals("MESSAGE=\n", fields(5).get(0));
        assertEquals("PRIORITY=0", fields(5).get(2));
    }

    @Test
    void binaryBytesAndNewlineInLabelValue() {
        JournaldLog log = log(new JournaldEntry(CID, null, null, List.of("X=a\nb"), true));
        byte[] data = {(byte) 0xff, 0, 'q', '\n'};
        log.write(new LogRecord(LogStream.STDOUT, 1L, data, 0, 4, false));
        byte[] expected = bytes("MESSAGE\n", le64(4), data, "\n", "CONTAINER_ID_FULL=" + CID + "\n", "PRIORITY=6\n",
                "CONTAINER_ID=0123456789ab\n", "SYSLOG_IDENTIFIER=0123456789ab\n", "X\n", le64(3), "a\nb", "\n");
        assertArrayEquals(expected, sent.get(0));
    }

    @Test
    void sendFailuresAreWarningsOnceThenCounted() {
        JournaldLog log = new JournaldLog(new JournaldEntry(CID, null, null, List.of(), true),
                () -> { throw new java.io.IOException("No such file or directory"); }, warnings::add);
        log.write(rec(LogStream.STDOUT, "a\n", false));
        log.write(rec(LogStream.STDOUT, "b\n", false));
        log.write(rec(LogStream.STDOUT, "c", true));
        log.close();
        assertEquals(List.of("sd_journal_sendv: No such file or directory (further failures are counted and reported when the container exits)",
                "sd_journal_sendv: 3 entries could not be sent in total"), warnings);
    }
}
