package io.conmonj.it;

import java.nio.file.Path;

/** The example log drivers built by the {@code examples} module: the C plugins and the Java driver's jar. */
final class ExamplePlugins {
    private ExamplePlugins() {}

    static final Path PLUGINS = Path.of(System.getProperty("conmonj.plugins", "../examples/target/plugins")).toAbsolutePath().normalize();
    static final Path FILE_PLUGIN = PLUGINS.resolve("file-plugin.so");
    static final Path SOCKET_PLUGIN = PLUGINS.resolve("socket-plugin.so");
    static final Path JSONL_JAR = PLUGINS.resolveSibling("example-jsonl-driver.jar");
}
