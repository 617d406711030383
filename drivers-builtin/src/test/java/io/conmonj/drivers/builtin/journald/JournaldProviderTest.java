package io.conmonj.drivers.builtin.journald;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.conmonj.plugin.ContainerMetadata;

import java.util.ArrayList;
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
        List<String> warnings = new ArrayList<>();
        assertEquals(List.of("APP=env", "LANG=C", "TIER=front"), JournaldProvider.extraFields(meta, warnings::add));
        assertEquals(List.of("label .. is not written as journal field '': no letter or digit"), warnings);
        ContainerMetadata none = new ContainerMetadata("0123456789abcdef", "web", null, Map.of(), Map.of(), null);
        assertEquals(List.of(), JournaldProvider.extraFields(none, warnings::add));
    }

    @Test
    void namesThatWouldReplaceConmonsFieldsOrThatJournaldDropsAreLeftOutWithAWarning() {
        String long65 = "a".repeat(65);
        ContainerMetadata meta = new ContainerMetadata("0123456789abcdef", "web", null,
                Map.of("message", "m", "container.name", "n", "9lives", "x", long65, "y", "ok", "1"),
                Map.of("PRIORITY", "0", "SYSLOG_IDENTIFIER", "s"), null);
        List<String> warnings = new ArrayList<>();
        assertEquals(List.of("OK=1"), JournaldProvider.extraFields(meta, warnings::add));
        assertEquals(List.of(
                "label 9lives is not written as journal field '9LIVES': journald drops names that start with a digit",
                "label " + long65 + " is not written as journal field '" + long65.toUpperCase()
                        + "': journald drops names longer than 64 characters",
                "label container.name is not written as journal field 'CONTAINER_NAME': it would replace conmon's field",
                "label message is not written as journal field 'MESSAGE': it would replace conmon's field",
                "env PRIORITY is not written as journal field 'PRIORITY': it would replace conmon's field",
                "env SYSLOG_IDENTIFIER is not written as journal field 'SYSLOG_IDENTIFIER': it would replace conmon's field"),
                warnings);
    }
}
