package io.conmonj.drivers.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.conmonj.plugin.ContainerMetadata;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JournaldProviderTest {

    @Test
    void fieldNamesAsDockersJournaldDriver() {
        assertEquals("APP", JournaldProvider.fieldName("app"));
        assertEquals("IO_K8S_TIER", JournaldProvider.fieldName("io.k8s.tier"));
        assertEquals("A_B_C", JournaldProvider.fieldName("a-b_c"));
        assertEquals("X", JournaldProvider.fieldName("__x"));
        assertEquals("X_", JournaldProvider.fieldName("-x."));
        assertEquals("HOSTNAME", JournaldProvider.fieldName("HOSTNAME"));
        assertEquals("9LIVES", JournaldProvider.fieldName("9lives"));
        assertEquals("", JournaldProvider.fieldName("._-"));
    }

    @Test
    void selectedLabelsAndEnvBecomeFieldsInNameOrderEnvWinning() {
        ContainerMetadata meta = new ContainerMetadata("0123456789abcdef", "web", null,
                Map.of("tier", "front", "app", "label", "..", "dropped"), Map.of("APP", "env", "LANG", "C"), null);
        assertEquals(List.of("APP=env", "LANG=C", "TIER=front"), JournaldProvider.extraFields(meta));
        ContainerMetadata none = new ContainerMetadata("0123456789abcdef", "web", null, Map.of(), Map.of(), null);
        assertEquals(List.of(), JournaldProvider.extraFields(none));
    }
}
