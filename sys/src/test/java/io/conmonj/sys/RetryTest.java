package io.conmonj.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The one retry helper, on real descriptors: results, "not now", and failures naming the call. */
class RetryTest {
    private static final int O_NONBLOCK = 04000, O_CLOEXEC = 02000000;
    private static final Retry.Failures<Failed> FAILURES = Failed::new;

    static final class Failed extends IOException {
        final String call;
        final int errno;

        Failed(String call, int errno) {
            super(call + ": " + Errno.text(errno));
            this.call = call;
            this.errno = errno;
        }
    }

    private final int[] pipe = new int[2];

    @BeforeEach
    void openPipe() {
        assertEquals(0, LibC.pipe2(pipe, O_NONBLOCK | O_CLOEXEC));
    }

    @AfterEach
    void closePipe() {
        LibC.close(pipe[0]);
        LibC.close(pipe[1]);
    }

    @Test
    void aSuccessfulCallReturnsItsResult() throws Failed {
        byte[] data = {'a', 'b', 'c'};
        assertEquals(3, Retry.call("write", () -> LibC.write(pipe[1], data, data.length), FAILURES));
        byte[] buf = new byte[8];
        assertEquals(3, Retry.call("read", () -> LibC.read(pipe[0], buf, buf.length), FAILURES, Retry.AGAIN));
        assertEquals('c', buf[2]);
    }

    @Test
    void eagainIsNotNowWhenTheCallerSaysSo() throws Failed {
        byte[] buf = new byte[8];
        assertEquals(Retry.WOULD_BLOCK,
                Retry.call("read", () -> LibC.read(pipe[0], buf, buf.length), FAILURES, Retry.AGAIN));
    }

    @Test
    void eagainIsAFailureOtherwise() {
        byte[] buf = new byte[8];
        Failed f = assertThrows(Failed.class, () -> Retry.call("read", () -> LibC.read(pipe[0], buf, buf.length), FAILURES));
        assertEquals(Errno.EAGAIN, f.errno);
        assertEquals("read: Resource temporarily unavailable", f.getMessage());
    }

    @Test
    void aFailureNamesTheCallAndCarriesErrno() {
        byte[] buf = new byte[8];
        Failed f = assertThrows(Failed.class, () -> Retry.call("read", () -> LibC.read(-1, buf, buf.length), FAILURES, Retry.AGAIN));
        assertEquals("read", f.call);
        assertEquals(Errno.EBADF, f.errno);
        assertEquals("read: Bad file descriptor", f.getMessage());
    }
}
