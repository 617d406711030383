package io.conmonj.plugin;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class LogRecordTest {
    @Test
    void bytesCopiesExactlyTheRecordsSlice() {
        byte[] buffer = "xxhello\nyy".getBytes();
        LogRecord record = new LogRecord(LogStream.STDERR, 1L, buffer, 2, 6, false);
        byte[] copy = record.bytes();
        buffer[2] = 'H'; // the host reuses its buffer; the copy must not change
        assertArrayEquals("hello\n".getBytes(), copy);
        assertEquals("stderr", record.stream().label());
    }

    @Test
    void shortIdIsTwelveCharacters() {
        ContainerMetadata c = new ContainerMetadata("0123456789abcdef", "n", null, Map.of(), Map.of(), null);
        assertEquals("0123456789ab", c.shortId());
        assertEquals("abc", new ContainerMetadata("abc", null, null, Map.of(), Map.of(), null).shortId());
    }
}
