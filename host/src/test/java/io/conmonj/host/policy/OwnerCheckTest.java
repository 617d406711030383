package io.conmonj.host.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The effective uid read from /proc/self/status without a regex. */
class OwnerCheckTest {
    @Test
    void theEffectiveUidIsTheSecondField() {
        assertEquals(1000, OwnerCheck.secondField("\t0\t1000\t0\t0"));
        assertEquals(7, OwnerCheck.secondField("  5   7 8 9"));
        assertEquals(0, OwnerCheck.secondField("\t0\t0\t0\t0"));
    }

    @Test
    void aMissingFieldIsRefused() {
        assertThrows(NumberFormatException.class, () -> OwnerCheck.secondField("\t0"));
        assertThrows(NumberFormatException.class, () -> OwnerCheck.secondField(""));
        assertThrows(NumberFormatException.class, () -> OwnerCheck.secondField("\t0\tx\t0"));
    }

    @Test
    void effectiveUidIsTheOwnerOfOurOwnProcDirectory() throws Exception {
        // /proc/self belongs to the process's effective uid
        assertEquals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"), OwnerCheck.effectiveUid());
    }
}
