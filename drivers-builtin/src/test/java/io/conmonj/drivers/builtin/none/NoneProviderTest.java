package io.conmonj.drivers.builtin.none;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogDriverException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NoneProviderTest {
    static final ContainerMetadata META = new ContainerMetadata("0123456789abcdef", "web", null, Map.of(), Map.of(), null);

    @TempDir
    Path dir;
    final List<String> warnings = new ArrayList<>();

    @Test
    void noneTakesNothing() throws Exception {
        NoneProvider p = new NoneProvider();
        assertSame(NoneProvider.DISCARD, p.open(META, Map.of(), warnings::add));
        assertEquals("option a: unknown (none takes no options)",
                assertThrows(LogDriverException.class, () -> p.open(META, Map.of("b", "c", "a", "b"), warnings::add))
                        .getMessage());
    }
}
