package io.conmonj.plugin.conformance;

import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogDriver;

import java.util.List;
import java.util.function.Consumer;

/**
 * The suite against a driver that keeps the host's buffer instead of copying it: {@link MemoryDriverConformanceTest}
 * calls its ownership case and expects it to fail. Not a test class of its own (its name matches no test pattern).
 */
final class BufferKeepingDriverSuite extends LogDriverConformance {
    private MemoryDriver driver;

    @Override
    protected LogDriver open(ContainerMetadata container, Consumer<String> warnings) {
        driver = new MemoryDriver(true);
        return driver;
    }

    @Override
    protected List<Line> received(ContainerMetadata container, int atLeast) {
        return driver.lines();
    }
}
