package io.conmonj.host.exit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;

class ExitFilesTest {
    @Test
    void bothFilesHoldTheBareNumberWithMode0644AndNoTempFilesRemain(@TempDir Path dir) throws Exception {
        Path persist = Files.createDirectory(dir.resolve("persist"));
        Path exits = Files.createDirectory(dir.resolve("exits"));
        new ExitFiles(persist, exits, "abc123").write(-1);
        assertEquals("-1", Files.readString(persist.resolve("exit")));
        assertEquals("-1", Files.readString(exits.resolve("abc123")));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(exits.resolve("abc123"))));
        try (var listing = Files.list(exits)) {
            assertEquals(1, listing.count());
        }
    }

    @Test
    void aPersistFailureStopsBeforeTheExitDirFile(@TempDir Path dir) throws Exception {
        Path exits = Files.createDirectory(dir.resolve("exits"));
        ExitFiles files = new ExitFiles(dir.resolve("missing"), exits, "cid");
        assertThrows(java.io.IOException.class, () -> files.write(137));
        assertFalse(Files.exists(exits.resolve("cid")));
    }
}
