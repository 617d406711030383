package io.conmonj.pluginc;

import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogDriverException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Planted plugin files, in both isolations: each unsafe one is refused with its reason before any of
 * its code runs (marker.so's constructor leaves FILE.ran when it does); the positive control shows
 * that a safe copy of the same file does run. Runs as root (the CI does), where ownership counts.
 */
class PluginFileTest {
    static final ContainerMetadata META = new ContainerMetadata("feedbeef", "c", null, Map.of(), Map.of(), null);

    @TempDir
    Path tmp;

    Path safeDir() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("plugins"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    Path plant(Path dir, String name) throws IOException {
        Path so = dir.resolve(name);
        Files.copy(Path.of(CPluginProviderTest.so("marker")), so, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(so, PosixFilePermissions.fromString("rwxr-xr-x"));
        return so;
    }

    String refused(String isolation, Path so) {
        LogDriverException e = assertThrows(LogDriverException.class, () -> new CPluginProvider().open(META,
                Map.of("plugin", so.toString(), "isolation", isolation), w -> { }));
        return e.getMessage();
    }

    static void assertNotRun(Path so) {
        assertFalse(Files.exists(Path.of(so + ".ran")), "the plugin's constructor ran: " + so + ".ran exists");
    }

    @ParameterizedTest
    @ValueSource(strings = {"process", "in-process"})
    void aSafeFileIsLoadedThroughItsDescriptor(String isolation) throws Exception {
        assertEquals(0, io.conmonj.pluginc.sys.Posix.geteuid(), "these cases need root (ownership is checked)");
        Path so = plant(safeDir(), "ok-" + isolation + ".so");
        try (LogDriver d = new CPluginProvider().open(META, Map.of("plugin", so.toString(), "isolation", isolation),
                w -> { })) {
            assertTrue(Files.exists(Path.of(so + ".ran")), "positive control: the constructor leaves its marker");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"process", "in-process"})
    void worldWritableFile(String isolation) throws Exception {
        Path so = plant(safeDir(), "ww-" + isolation + ".so");
        Files.setPosixFilePermissions(so, PosixFilePermissions.fromString("rwxr-xrwx"));
        assertEquals("cannot open log plugin " + so + ": it is writable by group or others (refused)", refused(isolation, so));
        assertNotRun(so);
    }

    @ParameterizedTest
    @ValueSource(strings = {"process", "in-process"})
    void symbolicLink(String isolation) throws Exception {
        Path dir = safeDir();
        Path target = plant(dir, "target-" + isolation + ".so");
        Path link = Files.createSymbolicLink(dir.resolve("link-" + isolation + ".so"), target);
        assertEquals("cannot open log plugin " + link + ": it is a symbolic link (refused)", refused(isolation, link));
        assertNotRun(target);
        assertNotRun(link);
    }

    @ParameterizedTest
    @ValueSource(strings = {"process", "in-process"})
    void writableDirectory(String isolation) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("open-dir"));
        Path so = plant(dir, "in-open-dir-" + isolation + ".so");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertEquals("cannot open log plugin " + so + ": its directory is writable by group or others (refused)",
                refused(isolation, so));
        assertNotRun(so);
    }

    @ParameterizedTest
    @ValueSource(strings = {"process", "in-process"})
    void secondHardLink(String isolation) throws Exception {
        Path dir = safeDir();
        Path so = plant(dir, "linked-" + isolation + ".so");
        Files.createLink(dir.resolve("other-name-" + isolation + ".so"), so);
        assertEquals("cannot open log plugin " + so + ": it has more than one hard link (refused)", refused(isolation, so));
        assertNotRun(so);
    }

    @ParameterizedTest
    @ValueSource(strings = {"process", "in-process"})
    void notOwnedByRoot(String isolation) throws Exception {
        Path so = plant(safeDir(), "nobody-" + isolation + ".so");
        UserPrincipalLookupService users = so.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(so, users.lookupPrincipalByName("nobody"));
        assertEquals("cannot open log plugin " + so + ": it is not owned by root (refused)", refused(isolation, so));
        assertNotRun(so);
    }

    @ParameterizedTest
    @ValueSource(strings = {"process", "in-process"})
    void directoryNotOwnedByRoot(String isolation) throws Exception {
        Path dir = safeDir();
        Path so = plant(dir, "nobody-dir-" + isolation + ".so");
        Files.setOwner(dir, dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        assertEquals("cannot open log plugin " + so + ": its directory is not owned by root (refused)",
                refused(isolation, so));
        assertNotRun(so);
    }

    @ParameterizedTest
    @ValueSource(strings = {"process", "in-process"})
    void notARegularFile(String isolation) throws Exception {
        Path dir = Files.createDirectories(safeDir().resolve("a-dir-" + isolation + ".so"));
        assertEquals("cannot open log plugin " + dir + ": not a regular file (refused)", refused(isolation, dir));
    }
}
