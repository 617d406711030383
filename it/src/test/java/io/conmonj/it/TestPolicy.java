package io.conmonj.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * conmon-j policy files (docs/security.md) for the Podman cases, written as an administrator would: a file of mode
 * 0644 in a directory of mode 0755, both owned by root (the tests run as root), named to the monitor by
 * {@code CONMONJ_POLICY} in {@code conmon_env_vars}.
 */
final class TestPolicy {
    static final String ENV = "CONMONJ_POLICY";

    private TestPolicy() {
    }

    /** Writes {@code text} as {@code PARENT/policy-NAME/policy.conf}, replacing an earlier one. */
    static Path write(Path parent, String name, String text) throws IOException {
        Path dir = Files.createDirectories(parent.resolve("policy-" + name));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path file = dir.resolve("policy.conf");
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        return file;
    }

    /**
     * The policy of the log-driver cases that predate the trust boundary: annotations are trusted like the
     * administrator ({@code unrestricted}, as on a host where only root runs containers) and the example C plugins
     * are registered by name, since even then an annotation never names a {@code .so} by path.
     */
    static String permissive() {
        return "[annotations]\nunrestricted = true\nregex = true\n"
                + "[plugin.file-plugin]\npath = " + Json.quote(ExamplePlugins.FILE_PLUGIN.toString()) + "\n"
                + "[plugin.socket-plugin]\npath = " + Json.quote(ExamplePlugins.SOCKET_PLUGIN.toString()) + "\n";
    }
}
