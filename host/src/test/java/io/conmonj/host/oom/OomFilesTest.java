package io.conmonj.host.oom;

import io.conmonj.host.sys.Sys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OomFilesTest {
    @Test
    void bothFilesAreCreatedEmptyWithMode0644(@TempDir Path dir) throws Exception {
        Path persist = Files.createDirectory(dir.resolve("persist"));
        Path bundle = Files.createDirectory(dir.resolve("bundle"));
        List<String> warnings = new ArrayList<>();
        int old = Sys.umask(022);
        try {
            assertTrue(OomFiles.create(persist, bundle, warnings::add));
        } finally {
            Sys.umask(old);
        }
        for (Path file : List.of(persist.resolve("oom"), bundle.resolve("oom"))) {
            assertEquals(0, Files.size(file));
            assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
        assertEquals(List.of(), warnings);
    }

    @Test
    void anExistingFileIsKeptAndCreatingTwiceIsHarmless(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("oom"), "x");
        List<String> warnings = new ArrayList<>();
        assertTrue(OomFiles.create(null, dir, warnings::add));
        assertTrue(OomFiles.create(null, dir, warnings::add));
        assertEquals("x", Files.readString(dir.resolve("oom")));
        assertEquals(List.of(), warnings);
    }

    @Test
    void aMissingPersistDirIsAWarningAndTheBundleFileStillAppears(@TempDir Path dir) {
        List<String> warnings = new ArrayList<>();
        assertTrue(OomFiles.create(dir.resolve("missing"), dir, warnings::add));
        assertTrue(Files.exists(dir.resolve("oom")));
        assertEquals(1, warnings.size());
        assertTrue(warnings.getFirst().contains("No such file or directory"), warnings.getFirst());
    }
}
