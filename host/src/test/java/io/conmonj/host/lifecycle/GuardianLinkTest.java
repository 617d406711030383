package io.conmonj.host.lifecycle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conmonj.host.sys.Sys;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The records the monitor sends its guardian (src/main/c/guardian.c parses them): tag byte, then text, one write
 * each. Read back here from a real pipe, byte for byte.
 */
class GuardianLinkTest {
    private static byte[] next(int fd) throws Exception {
        byte[] buf = new byte[70_000];
        int n = Sys.read(fd, buf, buf.length);
        assertTrue(n > 0, "a record");
        return Arrays.copyOf(buf, n);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void recordsAreTagThenTextOneWriteEach() throws Exception {
        int[] pipe = Sys.pipe();
        try {
            GuardianLink link = new GuardianLink(pipe[1], 42);
            link.containerId("abc");
            assertArrayEquals(bytes("Iabc"), next(pipe[0]));
            link.exitFile(Path.of("/run/exits/abc"));
            assertArrayEquals(bytes("E/run/exits/abc"), next(pipe[0]));
            link.k8sLog(Path.of("/var/log/ctr.log"));
            assertArrayEquals(bytes("L/var/log/ctr.log"), next(pipe[0]));
            // an empty argument survives: every field is NUL-terminated
            link.exitCommand("/usr/bin/podman", List.of("container", "", "cleanup"), 5);
            assertArrayEquals(bytes("C5\0/usr/bin/podman\0container\0\0cleanup\0"), next(pipe[0]));
            link.containerPid(1234);
            assertArrayEquals(bytes("P1234"), next(pipe[0]));
            link.outputFds(21, -1);
            assertArrayEquals(bytes("O21\0-1"), next(pipe[0]));
            link.containerStatus(137);
            assertArrayEquals(bytes("S137"), next(pipe[0]));
            link.finished();
            assertArrayEquals(bytes("F"), next(pipe[0]));
            assertEquals(42, link.guardianPid());
        } finally {
            Sys.closeQuietly(pipe[0]);
            Sys.closeQuietly(pipe[1]);
        }
    }

    @Test
    void theExitStatusIsSentOnlyAfterTheExitPathIsComplete() throws Exception {
        int[] pipe = Sys.pipe();
        try {
            GuardianLink link = new GuardianLink(pipe[1], 42);
            link.exiting(1); // before 'F' the guardian must wait for our death: nothing is sent
            link.finished();
            assertArrayEquals(bytes("F"), next(pipe[0]), "the first record is 'F', not an early 'X'");
            link.exiting(-1); // as the process's status: 8 bits
            assertArrayEquals(bytes("X255"), next(pipe[0]));
        } finally {
            Sys.closeQuietly(pipe[0]);
            Sys.closeQuietly(pipe[1]);
        }
    }

    @Test
    void aFailureIsOneLineOfAtMost512BytesCutAtACharacter() throws Exception {
        int[] pipe = Sys.pipe();
        try {
            GuardianLink link = new GuardianLink(pipe[1], 42);
            link.failing("IOException: disk\nfull");
            assertArrayEquals(bytes("RIOException: disk full"), next(pipe[0]));
            link.failing("é".repeat(400)); // 800 bytes of two-byte characters
            byte[] record = next(pipe[0]);
            assertEquals(1 + 512, record.length);
            assertEquals("é".repeat(256), new String(record, 1, record.length - 1, StandardCharsets.UTF_8));
        } finally {
            Sys.closeQuietly(pipe[0]);
            Sys.closeQuietly(pipe[1]);
        }
    }

    @Test
    void aGoneGuardianStopsTheRecordsWithoutFailingTheMonitor() throws Exception {
        int[] pipe = Sys.pipe();
        Sys.close(pipe[0]);
        try {
            GuardianLink link = new GuardianLink(pipe[1], 42);
            assertTrue(!link.broken());
            link.containerPid(1); // EPIPE (the JVM ignores SIGPIPE): reported once, the monitor goes on
            assertTrue(link.broken());
            link.containerStatus(0);
            link.finished();
            assertTrue(link.broken());
        } finally {
            Sys.closeQuietly(pipe[1]);
        }
    }

    @Test
    void withoutTheLauncherEveryRecordIsDropped() {
        GuardianLink absent = GuardianLink.absent();
        absent.containerPid(1);
        absent.finished();
        assertEquals(-1, absent.fd());
        assertTrue(!absent.present());
    }
}
