package io.conmonj.host.exit;

import io.conmonj.host.sys.Sys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AtomicFileTest {
    /** Links at every temp name this JVM can have used or will use next (the counter is per process). */
    private static List<Path> plantLinks(Path dir, String target, Path victim) throws IOException {
        List<Path> links = new ArrayList<>();
        for (int k = 0; k < 200; k++) {
            Path link = dir.resolve("." + target + "." + Sys.getpid() + "." + k + ".tmp");
            links.add(Files.createSymbolicLink(link, victim));
        }
        return links;
    }

    @Test
    void replacesTheTargetAndLeavesNoTempFile(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("pid");
        Files.writeString(target, "old contents, longer");
        AtomicFile.write(target, "1234");
        assertEquals("1234", Files.readString(target));
        try (var listing = Files.list(dir)) {
            assertEquals(1, listing.count());
        }
    }

    @Test
    void aLinkPlantedAtTheTempNamesIsNeverFollowedAndEveryNameTakenIsAnError(@TempDir Path dir) throws Exception {
        Path victim = Files.writeString(dir.resolve("victim"), "untouched");
        List<Path> links = plantLinks(dir, "exit", victim);
        IOException e = assertThrows(IOException.class, () -> AtomicFile.write(dir.resolve("exit"), "0"));
        assertTrue(e.getMessage().contains("names taken"), e.getMessage());
        assertEquals("untouched", Files.readString(victim));
        assertFalse(Files.exists(dir.resolve("exit")));
        for (Path link : links) {
            assertTrue(Files.isSymbolicLink(link), link + " was replaced");
        }
    }

    @Test
    void takenNamesAreSkipped(@TempDir Path dir) throws Exception {
        Path victim = Files.writeString(dir.resolve("victim"), "untouched");
        List<Path> links = plantLinks(dir, "exit", victim);
        // every other name free again: whatever the counter, a free name comes within two attempts
        for (int k = 0; k < links.size(); k += 2) {
            Files.delete(links.get(k));
        }
        AtomicFile.write(dir.resolve("exit"), "137");
        assertEquals("137", Files.readString(dir.resolve("exit")));
        assertFalse(Files.isSymbolicLink(dir.resolve("exit")));
        assertEquals("untouched", Files.readString(victim));
        for (int k = 1; k < links.size(); k += 2) {
            assertTrue(Files.isSymbolicLink(links.get(k)), links.get(k) + " was replaced");
        }
    }
}
