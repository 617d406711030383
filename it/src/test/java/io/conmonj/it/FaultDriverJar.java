package io.conmonj.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * A real Java log driver jar with faults on demand, {@code fault-test}, compiled from source at test time against
 * the plugin API (so it is a driver an operator could have built) and put on {@code CONMONJ_DRIVER_PATH}.
 * Option {@code fault}: {@code error} throws an {@link AssertionError} from write once a record contains
 * {@code trigger}; {@code oom} then allocates until the heap is exhausted; {@code stuck} blocks every write for
 * ever (a collector that stopped reading), ignoring containerExited.
 */
final class FaultDriverJar {
    static final String NAME = "fault-test";

    private static final String SOURCE = """
            package faulttest;

            import io.conmonj.plugin.*;
            import java.util.*;
            import java.util.function.Consumer;

            public final class FaultDriverProvider implements LogDriverProvider {
                public String name() { return "fault-test"; }

                public LogDriver open(ContainerMetadata c, Map<String, String> options, Consumer<String> warnings) {
                    String fault = options.getOrDefault("fault", "error");
                    String trigger = options.getOrDefault("trigger", "BOOM");
                    return new LogDriver() {
                        final List<byte[]> hoard = new ArrayList<>();
                        public void write(LogRecord r) {
                            if (fault.equals("stuck")) {
                                while (true) {
                                    try { Thread.sleep(60_000); } catch (InterruptedException e) { }
                                }
                            }
                            String text = new String(r.data(), r.offset(), r.length(), java.nio.charset.StandardCharsets.ISO_8859_1);
                            if (!text.contains(trigger)) return;
                            if (fault.equals("oom")) {
                                while (true) hoard.add(new byte[1 << 20]);
                            }
                            throw new AssertionError("fault-test: deliberate Error on " + text.strip());
                        }
                        public void flush() { }
                        public void reopen() { }
                        public void sync() { }
                        public void containerExited() { }
                        public void close() { }
                    };
                }
            }
            """;

    private static Path jar;

    /** Builds the jar once per test JVM, under {@code dir}. */
    static synchronized Path get(Path dir) throws IOException {
        if (jar != null && Files.exists(jar)) return jar;
        Path src = dir.resolve("fault-driver-src/faulttest/FaultDriverProvider.java");
        Path classes = dir.resolve("fault-driver-classes");
        Files.createDirectories(src.getParent());
        Files.createDirectories(classes);
        Files.writeString(src, SOURCE);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "no system Java compiler in the test JVM");
        int rc = javac.run(null, null, null, "-d", classes.toString(), "-cp", pluginApiJar(), "--release", "21",
                src.toString());
        assertEquals(0, rc, "javac of the fault-test driver");
        Path out = dir.resolve("fault-test-driver.jar");
        try (OutputStream file = Files.newOutputStream(out); JarOutputStream j = new JarOutputStream(file)) {
            j.putNextEntry(new JarEntry("META-INF/services/io.conmonj.plugin.LogDriverProvider"));
            j.write("faulttest.FaultDriverProvider\n".getBytes(StandardCharsets.US_ASCII));
            j.closeEntry();
            try (Stream<Path> s = Files.walk(classes)) {
                for (Path c : s.filter(Files::isRegularFile).toList()) {
                    j.putNextEntry(new JarEntry(classes.relativize(c).toString()));
                    j.write(Files.readAllBytes(c));
                    j.closeEntry();
                }
            }
        }
        jar = out;
        return jar;
    }

    private static String pluginApiJar() {
        try {
            return Path.of(io.conmonj.plugin.LogDriverProvider.class.getProtectionDomain().getCodeSource().getLocation()
                    .toURI()).toString();
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * {@code podman run} options selecting drivers ({@code io.conmon-j.log-driver}, a list quoted as one CSV field
     * for Podman) and their options, each "INSTANCE.KEY=VALUE".
     */
    static List<String> annotations(String drivers, String... instanceOptions) {
        List<String> a = new java.util.ArrayList<>(List.of("--annotation", "\"io.conmon-j.log-driver=" + drivers + "\""));
        for (String o : instanceOptions) a.addAll(List.of("--annotation", "io.conmon-j.log-opt." + o));
        return a;
    }

    private FaultDriverJar() {}
}
