package io.conmonj.host.notify;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class NotifyFilterTest {
    private static String filter(String datagram) {
        byte[] b = datagram.getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = NotifyFilter.filter(b, b.length);
        return out == null ? null : new String(out, StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"READY=1", "RELOADING=1", "STOPPING=1", "WATCHDOG=1", "WATCHDOG=trigger", "STATUS=",
            "STATUS=serving 3 clients", "ERRNO=2", "BUSERROR=org.example.Failed", "MONOTONIC_USEC=123456"})
    void theStateLinesPass(String line) {
        assertEquals(line, filter(line));
    }

    @ParameterizedTest
    @ValueSource(strings = {"MAINPID=1", "READY=0", "READY=1 ", "ready=1", "FDSTORE=1", "NOTIFYACCESS=all",
            "WATCHDOG_USEC=1000", "EXTEND_TIMEOUT_USEC=1", "BARRIER=1", "X_STATUS=1", "", "\n\r\n", "\0READY=1"})
    void everythingElseIsDropped(String datagram) {
        assertNull(filter(datagram));
    }

    @Test
    void keptLinesAreJoinedWithLfWhateverTheSeparator() {
        assertEquals("READY=1\nSTATUS=up", filter("MAINPID=4242\r\nREADY=1\rFDSTORE=1\n\nSTATUS=up\n"));
    }

    @Test
    void aContainerCannotSmuggleMainpidInsideAKeptLine() {
        // the host splits on LF only; a kept STATUS line never contains one, so MAINPID stays a value
        assertEquals("STATUS=x\nREADY=1", filter("STATUS=x\nMAINPID=1\nREADY=1"));
    }

    @Test
    void onlyThePrefixOfTheBufferIsRead() {
        byte[] b = "READY=1\nSTATUS=ignored".getBytes(StandardCharsets.US_ASCII);
        assertEquals("READY=1", new String(NotifyFilter.filter(b, 7), StandardCharsets.US_ASCII));
    }

    @Test
    void binaryValuesPassUnchanged() {
        byte[] b = {'S', 'T', 'A', 'T', 'U', 'S', '=', (byte) 0xff, 0, 1};
        byte[] out = NotifyFilter.filter(b, b.length);
        assertEquals(10, out.length);
        assertEquals((byte) 0xff, out[7]);
    }
}
