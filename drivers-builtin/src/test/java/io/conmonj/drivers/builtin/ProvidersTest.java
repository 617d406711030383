package io.conmonj.drivers.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.conmonj.plugin.LogDriverProvider;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

import org.junit.jupiter.api.Test;

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
