package io.conmonj.pluginc;

import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogDriverException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An install tree without lib/native/libconmonj-plugin-call.so: isolation=in-process is refused at open with a
 * message naming the file, before anything of the plugin is loaded (marker.so's constructor never runs). In a JVM of
 * its own, as this one has bound the library already (once per process).
 */
class MissingCallLibraryTest {

    @TempDir
    Path tmp;

    /** The child: opens the plugin in process under the install tree it is given, prints the error, exits 3. */
    public static void main(String[] args) {
        try {
            new CPluginProvider().open(new ContainerMetadata("feedbeef", "c", null, Map.of(), Map.of(), null),
                    Map.of("plugin", args[0], "isolation", "in-process"), w -> { }).close();
            System.out.print("opened");
        } catch (LogDriverException e) {
            System.out.print(e.getMessage());
            System.exit(3);
        } catch (Exception e) {
            System.out.print("unexpected: " + e);
        }
    }

    @Test
    void refusedByNameBeforeThePluginRuns() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("plugins"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path so = dir.resolve("marker.so");
        Files.copy(Path.of(CPluginProviderTest.so("marker")), so, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(so, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path root = Files.createDirectories(tmp.resolve("install-tree"));
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Dconmonj.root=" + root,
                "-cp", System.getProperty("java.class.path"), MissingCallLibraryTest.class.getName(), so.toString()))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM did not end");
            assertEquals("the plugin call library " + root.resolve(PluginCalls.LIBRARY) + " is missing (isolation="
                    + "in-process needs it)", out);
            assertEquals(3, p.exitValue());
        } finally {
            p.destroyForcibly();
        }
        PluginFileTest.assertNotRun(so);
    }
}
