package io.conmonj.drivers.contrib.fluentd;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Byte vectors from the MessagePack specification's "Formats" section, at every size boundary. */
class MsgPackWriterTest {

    private static String hex(MsgPackWriter w) {
        return HexFormat.of().formatHex(w.toByteArray());
    }

    private static MsgPackWriter w() {
        return new MsgPackWriter(4);
    }

    @Test
    void integersTakeTheShortestFormat() {
        assertEquals("00", hex(w().uint(0)));
        assertEquals("7f", hex(w().uint(127)));                   // positive fixint 0xxxxxxx
        assertEquals("cc80", hex(w().uint(128)));                 // uint 8
        assertEquals("ccff", hex(w().uint(255)));
        assertEquals("cd0100", hex(w().uint(256)));               // uint 16, big-endian
        assertEquals("cdffff", hex(w().uint(65535)));
        assertEquals("ce00010000", hex(w().uint(65536)));         // uint 32
        assertEquals("ce6553f100", hex(w().uint(1_700_000_000L)));
        assertEquals("cf0000000100000000", hex(w().uint(1L << 32))); // uint 64
    }

    @Test
    void strings() {
        assertEquals("a0", hex(w().str("")));                     // fixstr 101xxxxx
        assertEquals("a3616263", hex(w().str("abc")));
        assertEquals("a2c3a9", hex(w().str("é")));                // length in UTF-8 bytes
        assertEquals("bf" + "61".repeat(31), hex(w().str("a".repeat(31))));
        assertEquals("d920" + "61".repeat(32), hex(w().str("a".repeat(32))));   // str 8
        assertEquals("d9ff", hex(w().str("a".repeat(255))).substring(0, 4));
        assertEquals("da0100", hex(w().str("a".repeat(256))).substring(0, 6));  // str 16
        assertEquals("db00010000", hex(w().str("a".repeat(65536))).substring(0, 10)); // str 32
        byte[] invalid = {(byte) 0xff, 0, (byte) 0xc3};
        assertEquals("a3ff00c3", hex(w().str(invalid, 0, 3)), "bytes copied as they are");
    }

    @Test
    void binArrayAndMapHeaders() {
        assertEquals("c400", hex(w().binHeader(0)));              // bin 8
        assertEquals("c4ff", hex(w().binHeader(255)));
        assertEquals("c50100", hex(w().binHeader(256)));          // bin 16
        assertEquals("c600010000", hex(w().binHeader(65536)));    // bin 32
        assertEquals("90", hex(w().arrayHeader(0)));              // fixarray 1001xxxx
        assertEquals("9f", hex(w().arrayHeader(15)));
        assertEquals("dc0010", hex(w().arrayHeader(16)));         // array 16
        assertEquals("dd00010000", hex(w().arrayHeader(65536)));  // array 32
        assertEquals("80", hex(w().mapHeader(0)));                // fixmap 1000xxxx
        assertEquals("8f", hex(w().mapHeader(15)));
        assertEquals("de0010", hex(w().mapHeader(16)));           // map 16
        assertEquals("df00010000", hex(w().mapHeader(65536)));    // map 32
    }

    /** Forward protocol "EventTime Ext Format": fixext 8, type 0, seconds and nanoseconds as big-endian uint 32. */
    @Test
    void eventTime() {
        assertEquals("d700" + "6553f100" + "3b9ac9ff", hex(w().eventTime(1_700_000_000L, 999_999_999)));
        assertEquals("d700" + "00000001" + "000001f4", hex(w().eventTime(1, 500)));
    }

    @Test
    void theTestDecoderReadsBackWhatTheWriterWrites() throws IOException {
        MsgPackWriter w = w().arrayHeader(3).str("t").uint(70000).mapHeader(1).str("k").str("a".repeat(300));
        MsgPackDecoder d = new MsgPackDecoder(new ByteArrayInputStream(w.toByteArray()));
        Object v = d.next();
        assertEquals(List.of(MsgPackDecoder.Str.of("t"), 70000L,
                java.util.Map.of(MsgPackDecoder.Str.of("k"), MsgPackDecoder.Str.of("a".repeat(300)))), v);
        MsgPackWriter reused = w();
        reused.str("first");
        reused.reset();
        assertArrayEquals(new byte[]{(byte) 0xa1, 'x'}, reused.str("x").toByteArray(), "reset reuses the buffer");
    }
}
