package io.conmonj.host.logging.select;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where Java log drivers outside the monitor's own jars come from: every jar
 * in the install tree's {@code lib/drivers/}, then the jars (or directories
 * of jars) listed in {@code CONMONJ_DRIVER_PATH}, colon-separated, which an
 * operator sets through {@code conmon_env_vars}, and the jars the policy registers
 * ({@code [driver-jar.NAME]}, checked by the caller). Never a path from an annotation. The monitor itself runs with
 * {@code java -jar} (its manifest enables native access and matches the AOT
 * cache), so these are loaded by a class loader of their own, and only when a
 * container selects a driver.
 */
final class DriverClassPath {
    static final String ENV = "CONMONJ_DRIVER_PATH";

    private DriverClassPath() {}

    /** The loader to find providers with: the monitor's own, or a child of it over the driver jars. */
    static ClassLoader loader(String installRoot, String envValue, List<Path> registered, ClassLoader parent)
            throws SelectionException {
        List<URL> jars = new ArrayList<>();
        if (installRoot != null) {
            addJarsIn(Path.of(installRoot, "lib", "drivers"), jars, false);
        }
        for (Path jar : registered) {
            jars.add(url(jar));
        }
        if (envValue != null) {
            for (String entry : envValue.split(":")) {
                if (entry.isEmpty()) {
                    continue;
                }
                Path path = Path.of(entry);
                if (Files.isDirectory(path)) {
                    addJarsIn(path, jars, true);
                } else if (Files.isRegularFile(path)) {
                    jars.add(url(path));
                } else {
                    throw new SelectionException(ENV + ": no such jar or directory: " + entry);
                }
            }
        }
        return jars.isEmpty() ? parent : new URLClassLoader(jars.toArray(URL[]::new), parent);
    }

    private static void addJarsIn(Path dir, List<URL> jars, boolean required) throws SelectionException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path jar : files.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                jars.add(url(jar));
            }
        } catch (java.io.IOException e) {
            if (required) {
                throw new SelectionException(ENV + ": cannot list " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    private static URL url(Path jar) throws SelectionException {
        try {
            return jar.toAbsolutePath().toUri().toURL();
        } catch (MalformedURLException e) {
            throw new SelectionException("bad driver jar path " + jar + File.pathSeparator, e);
        }
    }
}
