package io.conmonj.host.policy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conmonj.host.logging.select.DriverSelection;
import io.conmonj.host.logging.select.SelectionException;
import io.conmonj.plugin.property.ForAll;
import io.conmonj.plugin.property.Gen;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Property tests of the parsers of untrusted input this package owns: the policy file, and driver selection from
 * annotations under the default and a permissive policy. Every input up to 4 KiB gets a result or the documented
 * error ({@link PolicyException} / {@link SelectionException}), nothing else (no other exception), within the
 * stated bound of 2 s per input, far above the microseconds they take: a loop or a backtracking blow-up fails the
 * test rather than a slow machine.
 */
class UntrustedInputTest {
    static final int MAX_INPUT = 4096;
    static final Duration BOUND = Duration.ofSeconds(2);
    static final List<String> POLICY_WORDS = List.of("[annotations]", "[plugin.a]", "[profile.p]", "[driver-jar.j]",
            "[", "]", "driver", "=", "\"", "'", "\\", "\\u00e9", "\\u", "path", "allow", "drivers", "destinations", "[\"",
            "\",", "\"]", "true", "false", "-12", "0", "007", "\n", "\r\n", "#", " ", "\t", "<=", "max-size", "10m",
            "unix:/run", "10.0.0.0/8", "::/0", "c-plugin", "plugin", "/usr/lib/x.so", "always", "\u0000", "\u00ff", "é",
            ".");
    static final List<String> ANNOTATION_WORDS = List.of("k8s-file", "json-file", "journald", "c-plugin", "syslog",
            "none", ":", ",", "x", "a.log", "/etc/passwd", "..", "/", "tcp://10.0.0.1:5", "unix:///run/c/s", "10m",
            "99999999999", "(a+)+$", "{{.Name}}", "{{", "\n", " ", "", "é", "=");
    static final List<String> KEYS = List.of("log-driver", "log-profile", "log-opt.x.path", "log-opt.x.plugin",
            "log-opt.x.max-file", "log-opt.x.max-size", "log-opt.x.labels-regex", "log-opt.x.syslog-address",
            "log-opt.x.tag", "log-opt.x.mode", "log-opt.x.max-buffer-size", "log-opt.p.tag", "log-opt..", "log-opt.x",
            "log-opt.x.a=b", "image", "other");

    @Test
    void policyFileParser() {
        Gen<byte[]> text = Gen.tokens(POLICY_WORDS, 600).map(s -> s.getBytes(StandardCharsets.UTF_8));
        ForAll.of(Gen.oneOf(text, Gen.bytes(MAX_INPUT)).map(b -> b.length > MAX_INPUT ? Arrays.copyOf(b, MAX_INPUT) : b))
                .tries(5000).within(BOUND).check(input -> {
                    try {
                        PolicyReader.read("f", input);
                    } catch (PolicyException e) {
                        assertTrue(e.getMessage().startsWith("f:"), e.getMessage());
                    }
                });
    }

    @Test
    void selectionFromAnnotations() throws PolicyException {
        List<AnnotationGate> gates = List.of(
                new AnnotationGate(Policy.DEFAULT, LogDirectory.of("/var/lib/c/ctr.log"), 0),
                new AnnotationGate(PolicyReader.read("p", """
                        [annotations]
                        drivers = ["k8s-file", "json-file", "journald", "syslog"]
                        regex = true
                        destinations = ["10.0.0.0/8", "unix:/run/c"]
                        [profile.p]
                        driver = "syslog"
                        syslog-address = "udp://10.0.0.1:514"
                        allow = ["tag", "max-size<=1m", "labels-regex"]
                        """.getBytes(StandardCharsets.UTF_8)), LogDirectory.of("/var/lib/c/ctr.log"), 0));
        Gen<String> value = Gen.oneOf(Gen.tokens(ANNOTATION_WORDS, 30), Gen.strings(300));
        Gen<Map<String, String>> annotations = Gen.maps(Gen.of(KEYS).map(k -> "io.conmon-j." + k), value, 8);
        ForAll.of(annotations).tries(5000).within(BOUND).check(ann -> {
            int size = ann.entrySet().stream().mapToInt(e -> e.getKey().length() + e.getValue().length()).sum();
            assertTrue(size <= MAX_INPUT, "inputs up to 4 KiB: " + size);
            for (AnnotationGate g : gates) {
                try {
                    List<DriverSelection.Spec> specs = DriverSelection.select(Map.of(), new LinkedHashMap<>(ann), g);
                    for (DriverSelection.Spec s : specs) {
                        String path = s.options().get("path");
                        assertFalse(path != null && !path.startsWith("/var/lib/c/"), "confined: " + path);
                        assertFalse(s.options().containsKey("plugin"), "no plugin without a registered one");
                    }
                } catch (SelectionException e) {
                    assertFalse(e.getMessage().isEmpty());
                }
            }
        });
    }
}
