package io.conmonj.host.policy;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.conmonj.host.logging.select.DriverSelection;
import io.conmonj.host.logging.select.SelectionException;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Generated inputs up to 4 KiB for the parsers of untrusted input this package owns: the policy file, and driver
 * selection from annotations under the default and a permissive policy. Each input gets a result or the documented
 * error ({@link PolicyException} / {@link SelectionException}), nothing else (no other exception, no hang): the
 * stated bound is 2 s per input, far above the microseconds they take, so that a loop or a backtracking blow-up
 * fails the test rather than a slow machine. Fixed seeds: a failure is reproducible.
 */
class UntrustedInputTest {
    static final int MAX_INPUT = 4096;
    static final long BOUND_NS = 2_000_000_000L;
    static final String[] POLICY_WORDS = {"[annotations]", "[plugin.a]", "[profile.p]", "[driver-jar.j]", "[", "]",
        "driver", "=", "\"", "'", "\\", "\\u00e9", "\\u", "path", "allow", "drivers", "destinations", "[\"", "\",",
        "\"]", "true", "false", "-12", "0", "007", "\n", "\r\n", "#", " ", "\t", "<=", "max-size", "10m", "unix:/run",
        "10.0.0.0/8", "::/0", "c-plugin", "plugin", "/usr/lib/x.so", "always", "\u0000", "\u00ff", "é", "."};
    static final String[] ANNOTATION_WORDS = {"k8s-file", "json-file", "journald", "c-plugin", "syslog", "none", ":",
        ",", "x", "a.log", "/etc/passwd", "..", "/", "tcp://10.0.0.1:5", "unix:///run/c/s", "10m", "99999999999", "(a+)+$",
        "{{.Name}}", "{{", "\n", " ", "", "é"};
    static final String[] KEYS = {"log-driver", "log-profile", "log-opt.x.path", "log-opt.x.plugin", "log-opt.x.max-file",
        "log-opt.x.max-size", "log-opt.x.labels-regex", "log-opt.x.syslog-address", "log-opt.x.tag", "log-opt.x.mode",
        "log-opt.x.max-buffer-size", "log-opt.p.tag", "log-opt..", "log-opt.x", "image", "other"};

    static String words(Random r, String[] words, int maxLen) {
        StringBuilder b = new StringBuilder();
        int target = r.nextInt(maxLen + 1);
        while (b.length() < target) {
            if (r.nextInt(8) == 0) {
                b.append((char) r.nextInt(0x250));
            } else {
                b.append(words[r.nextInt(words.length)]);
            }
        }
        return b.length() > maxLen ? b.substring(0, maxLen) : b.toString();
    }

    @Test
    void policyFileParser() {
        Random r = new Random(10);
        for (int i = 0; i < 20_000; i++) {
            byte[] input = words(r, POLICY_WORDS, MAX_INPUT).getBytes(StandardCharsets.UTF_8);
            if (input.length > MAX_INPUT) {
                input = java.util.Arrays.copyOf(input, MAX_INPUT);
            }
            long t0 = System.nanoTime();
            try {
                PolicyReader.read("f", input);
            } catch (PolicyException e) {
                assertTrue(e.getMessage().startsWith("f:"), e.getMessage());
            } catch (RuntimeException e) {
                fail("input " + new String(input, StandardCharsets.UTF_8) + " threw " + e, e);
            }
            assertTrue(System.nanoTime() - t0 < BOUND_NS, "bounded");
        }
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
        Random r = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            Map<String, String> ann = new LinkedHashMap<>();
            int budget = MAX_INPUT;
            int n = r.nextInt(6);
            for (int k = 0; k < n && budget > 0; k++) {
                String key = "io.conmon-j." + KEYS[r.nextInt(KEYS.length)];
                String value = words(r, ANNOTATION_WORDS, Math.min(budget, 200));
                budget -= key.length() + value.length();
                ann.put(key, value);
            }
            for (AnnotationGate g : gates) {
                long t0 = System.nanoTime();
                try {
                    DriverSelection.select(Map.of(), ann, g);
                } catch (SelectionException e) {
                    assertTrue(!e.getMessage().isEmpty());
                } catch (RuntimeException e) {
                    fail("annotations " + ann + " threw " + e, e);
                }
                assertTrue(System.nanoTime() - t0 < BOUND_NS, "bounded");
            }
        }
    }
}
