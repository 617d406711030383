package io.conmonj.host.exit;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The files that tell Podman how the container ended (conmon-behaviour.md §10.4):
 * --persist-dir/exit first, then --exit-dir/CID, each the status in decimal
 * without a newline, written atomically. A failure to write the persist file
 * stops before the exit-dir file, as in conmon.
 */
public final class ExitFiles {
    private final Path persistDir;
    private final Path exitDir;
    private final String name;

    /** Either directory may be null (option not given). */
    public ExitFiles(Path persistDir, Path exitDir, String name) {
        this.persistDir = persistDir;
        this.exitDir = exitDir;
        this.name = name;
    }

    public void write(int status) throws IOException {
        String content = Integer.toString(status);
        if (persistDir != null) {
            AtomicFile.write(persistDir.resolve("exit"), content);
        }
        if (exitDir != null) {
            AtomicFile.write(exitDir.resolve(name), content);
        }
    }
}
