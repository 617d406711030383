package io.conmonj.plugin.conformance;

import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogDriver;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** The suite passes for a driver that follows the contract, and fails one that keeps the host's buffer. */
class MemoryDriverConformanceTest extends LogDriverConformance {
    private MemoryDriver driver;

    @Override
    protected LogDriver open(ContainerMetadata container, Consumer<String> warnings) {
        driver = new MemoryDriver(false);
        return driver;
    }

    @Override
    protected List<Line> received(ContainerMetadata container, int atLeast) {
        return driver.lines();
    }

    @Test
    void aDriverThatKeepsTheHostsBufferFailsTheOwnershipCase() {
        assertThrows(AssertionFailedError.class, () -> new BufferKeepingDriverSuite().recordBytesAreCopiedNotKept());
    }
}
