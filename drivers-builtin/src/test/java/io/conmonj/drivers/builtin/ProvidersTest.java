package io.conmonj.drivers.builtin;



import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogDriverException;
import io.conmonj.plugin.LogDriverProvider;
import io.conmonj.plugin.LogRecord;
import io.conmonj.plugin.LogStream;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The providers of this module, as the host finds them. */
class ProvidersTest {
    @Test
    void bothAreFoundByTheServiceLoader() {
        List<String> names = new ArrayList<>();
        for (LogDriverProvider p : ServiceLoader.load(LogDriverProvider.class)) {
            names.add(p.name());
        }
        assertEquals(List.of("k8s-file", "none", "json-file", "journald"), names);
    }
}
