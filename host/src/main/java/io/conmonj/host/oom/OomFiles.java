package io.conmonj.host.oom;

import io.conmonj.host.sys.NativeCallException;
import io.conmonj.host.sys.Sys;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The files that tell Podman the container was OOM-killed (conmon-behaviour.md §10.5):
 * an empty {@code oom} in the persist dir (if given) and in the bundle,
 * created with {@code O_CREAT} and mode 0666 (0644 after the usual umask
 * 0022), existing files left as they are. Failures are warnings.
 */
public final class OomFiles {
    private OomFiles() {}

    static final String NAME = "oom";

    /**
     * Creates both files, persist dir first. Pass the real {@code --bundle}
     * path: conmon (2.1.6 and still upstream) creates its second file as
     * {@code open("oom")} relative to its working directory, and Podman does
     * not start conmon in the bundle (conmon issue #504), so with a Podman
     * that passes no {@code --persist-dir} (4.3.1 here) and checks only
     * BUNDLE/oom, C conmon's OOM reports are lost. Only a null bundle (no
     * {@code -b}, where conmon's bundle defaults to the working directory)
     * falls back to the working directory. Returns true if the bundle's file
     * exists afterwards.
     */
    public static boolean create(Path persistDir, Path bundle, Consumer<String> warn) {
        if (persistDir != null) {
            createOne(persistDir.resolve(NAME), warn);
        }
        return createOne(bundle == null ? Path.of(NAME) : bundle.resolve(NAME), warn);
    }

    private static boolean createOne(Path file, Consumer<String> warn) {
        try {
            Sys.close(Sys.open(file.toString(), Sys.O_RDONLY | Sys.O_CREAT | Sys.O_CLOEXEC, 0666));
            return true;
        } catch (NativeCallException e) {
            warn.accept("Failed to write oom file " + file + ": " + e.reason());
            return false;
        }
    }
}
