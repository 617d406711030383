package io.conmonj.host.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The monitor's effective uid, which decides whose files the policy may be. */
class OwnerCheckTest {
    @Test
    void effectiveUidIsTheOwnerOfOurOwnProcDirectory() throws Exception {
        // /proc/self belongs to the process's effective uid
        assertEquals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"), OwnerCheck.effectiveUid());
    }
}
