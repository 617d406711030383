package io.conmonj.host.lifecycle;

import io.conmonj.host.sys.Sys;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class SyncPipeTest {
    @Test
    void messagesAreOneJsonLineInConmonsExactShape() throws Exception {
        int[] pipe = Sys.pipe();
        SyncPipe sync = new SyncPipe(pipe[1], "data");
        sync.send(4242);
        sync.send(-1, "runc: \"bad\" /path\n");
        sync.close();
        byte[] buf = new byte[4096];
        int n = Sys.read(pipe[0], buf, buf.length);
        Sys.close(pipe[0]);
        assertEquals("{\"data\": 4242}\n{\"data\": -1, \"message\": \"runc: \\\"bad\\\" \\/path\\n\"}\n",
                new String(buf, 0, n, StandardCharsets.UTF_8));
    }

    @Test
    void escapingFollowsConmon22() {
        byte[] raw = {'a', '\\', '\t', '\r', '\b', '\f', 0x01, 0x7f, (byte) 0xc3, (byte) 0xa9};
        byte[] expected = "a\\\\\\t\\r\\b\\f\\u0001\\u007f".getBytes(StandardCharsets.US_ASCII);
        byte[] withRaw = new byte[expected.length + 2];
        System.arraycopy(expected, 0, withRaw, 0, expected.length);
        withRaw[expected.length] = (byte) 0xc3; // bytes >= 0x80 are copied raw
        withRaw[expected.length + 1] = (byte) 0xa9;
        assertArrayEquals(withRaw, SyncPipe.escape(raw));
    }

    @Test
    void aReaderThatWentAwayIsNotAnError() throws Exception {
        int[] pipe = Sys.pipe();
        Sys.close(pipe[0]);
        SyncPipe sync = new SyncPipe(pipe[1], "data"); // SIGPIPE is ignored by the JVM: EPIPE
        sync.send(1);
        sync.send(2); // silently closed after the first EPIPE
    }
}
