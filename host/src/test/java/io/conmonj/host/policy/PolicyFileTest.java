package io.conmonj.host.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policy file is trusted only when nobody but its owner (root, or the rootless monitor's user) can change it. */
class PolicyFileTest {
    @TempDir
    Path tmp;

    private Path policyDir() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("conmon-j"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    private static String refused(Path file, int euid) {
        return assertThrows(PolicyException.class, () -> PolicyFile.load(Map.of(PolicyFile.ENV, file.toString()),
                euid)).getMessage();
    }

    @Test
    void aRootOwnedFileIsRead() throws Exception {
        Path f = Files.writeString(policyDir().resolve("policy.conf"), "[annotations]\nregex = true\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        Policy p = PolicyFile.load(Map.of(PolicyFile.ENV, f.toString()), OwnerCheck.effectiveUid());
        assertEquals(f.toString(), p.source());
        assertTrue(p.annotations().regex());
    }

    @Test
    void writableByOthersOrThroughASymlinkIsRefused() throws Exception {
        Path dir = policyDir();
        Path f = Files.writeString(dir.resolve("policy.conf"), "[annotations]\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-rw-r--"));
        assertEquals(f + ": policy-owner: " + f + " is writable by its group (mode 664): only its owner may write it",
                refused(f, 0));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertTrue(refused(f, 0).contains(dir + " is writable by its group (mode 777)"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path link = Files.createSymbolicLink(dir.resolve("link.conf"), f);
        assertTrue(refused(link, 0).contains("is not a regular file but a symbolic link (not followed)"));
        Files.setOwner(f, f.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        assertTrue(refused(f, 0).contains(" is owned by uid 65534, not root"), refused(f, 0));
        // a rootless monitor may own its policy
        assertEquals(f.toString(), PolicyFile.load(Map.of(PolicyFile.ENV, f.toString()), 65534).source());
    }

    @Test
    void missingDefaultMeansTheSafeDefaultButAMissingNamedFileIsAnError() throws Exception {
        if (!Files.exists(Path.of(PolicyFile.DEFAULT_PATH))) {
            assertSame(Policy.DEFAULT, PolicyFile.load(Map.of(), 0));
        }
        assertTrue(refused(policyDir().resolve("nope.conf"), 0).contains("no such file or directory"));
        assertEquals("relative.conf: policy-owner: CONMONJ_POLICY must be an absolute path",
                refused(Path.of("relative.conf"), 0));
    }

    @Test
    void oversizedFileIsRefusedWithoutReadingItAll() throws Exception {
        Path f = Files.write(policyDir().resolve("big.conf"), new byte[TomlSubset.MAX_BYTES + 10]);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(f + ":1: policy-size: the file is larger than 65536 bytes", refused(f, 0));
    }
}
