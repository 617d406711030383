package io.conmonj.host.logging.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conmonj.host.policy.AnnotationGate;
import io.conmonj.host.policy.LogDirectory;
import io.conmonj.host.policy.Policy;
import io.conmonj.host.policy.PolicyException;
import io.conmonj.host.policy.PolicyReader;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The attacks of issue 10 on driver selection, refused with the rule named; and what a policy allows. */
class SelectionTrustTest {
    static final LogDirectory LOGS = LogDirectory.of("/var/lib/containers/abc/userdata/ctr.log");
    static final AnnotationGate DEFAULT = new AnnotationGate(Policy.DEFAULT, LOGS, 0);

    static Map<String, String> ann(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i].startsWith("io.") ? kv[i] : "io.conmon-j." + kv[i], kv[i + 1]);
        }
        return m;
    }

    static String refused(AnnotationGate gate, Map<String, String> env, Map<String, String> ann) {
        return assertThrows(SelectionException.class, () -> DriverSelection.select(env, ann, gate)).getMessage();
    }

    static AnnotationGate gate(String policy) throws PolicyException {
        return new AnnotationGate(PolicyReader.read("/etc/conmon-j/policy.conf",
                policy.getBytes(StandardCharsets.UTF_8)), LOGS, 0);
    }

    @Test
    void pluginByPathIsRefusedWithoutAPolicy() {
        assertEquals("policy built-in default: annotation-plugin: annotation io.conmon-j.log-opt.p.plugin=/any/file.so:"
                + " plugins are chosen by name, never by path (registered: none)", refused(DEFAULT, Map.of(),
                ann("log-driver", "c-plugin:p", "log-opt.p.plugin", "/any/file.so")));
        assertTrue(refused(DEFAULT, Map.of(), ann("log-driver", "c-plugin:p")).contains("annotation-plugin"));
    }

    @Test
    void pathsOutsideTheLogDirectoryAreRefused() {
        for (String path : List.of("/etc/anything", "../../etc/passwd", "sub/x.log", "..", ".hidden.log", "ctr.log",
                "ctr.log.1", "config.json", "0.log", "x.txt", "x\n.log", "")) {
            for (String driver : List.of("k8s-file", "json-file")) {
                String m = refused(DEFAULT, Map.of(), ann("log-driver", driver + ":x", "log-opt.x.path", path));
                assertTrue(m.startsWith("policy built-in default: annotation-path: annotation io.conmon-j.log-opt.x.path="),
                        path + ": " + m);
            }
        }
    }

    @Test
    void aNameInTheLogDirectoryIsAllowedWithinTheCaps() throws SelectionException {
        DriverSelection.Spec s = DriverSelection.select(Map.of(), ann("log-driver", "json-file:j", "log-opt.j.path",
                "app.json", "log-opt.j.max-size", "10m", "log-opt.j.max-file", "5"), DEFAULT).get(0);
        assertEquals("/var/lib/containers/abc/userdata/app.json", s.options().get("path"));
        assertTrue(refused(DEFAULT, Map.of(), ann("log-driver", "json-file:j", "log-opt.j.path", "a.json",
                "log-opt.j.max-file", "2147483647")).contains("annotation-cap"));
        assertTrue(refused(DEFAULT, Map.of(), ann("log-driver", "k8s-file:j", "log-opt.j.path", "a.log",
                "log-opt.j.max-size", "1g")).contains("annotation-cap"));
        assertTrue(refused(DEFAULT, Map.of(), ann("log-driver", "k8s-file:j", "log-opt.j.path", "a.log",
                "log-opt.j.max-size", "1.5m")).contains("annotation-cap"));
        assertTrue(refused(new AnnotationGate(Policy.DEFAULT, LogDirectory.NONE, 0), Map.of(),
                ann("log-driver", "k8s-file:j", "log-opt.j.path", "a.log")).contains("no log directory"));
    }

    @Test
    void remoteAndJavaDriversNeedTheAdministrator() {
        for (String d : List.of("syslog", "gelf", "fluentd", "example-jsonl")) {
            String m = refused(DEFAULT, Map.of(), ann("log-driver", d, "log-opt." + d + "." + d + "-address", "tcp://127.0.0.1:22"));
            assertTrue(m.startsWith("policy built-in default: annotation-driver: annotation io.conmon-j.log-driver ("
                    + d + "): log driver " + d + " may not be chosen by an annotation"), m);
        }
        assertTrue(refused(DEFAULT, Map.of(), ann("log-driver", "journald", "log-opt.journald.socket", "/run/x"))
                .contains("annotation-option"));
    }

    @Test
    void annotationsCannotSilenceOrChangeTheAdministratorsDrivers() throws SelectionException {
        Map<String, String> env = Map.of("CONMONJ_LOG_DRIVER", "k8s-file:archive", "CONMONJ_LOG_OPTS",
                "archive.path=/var/log/all.log");
        assertEquals(List.of("archive"), DriverSelection.select(env, ann("log-driver", "none"), DEFAULT).stream()
                .map(DriverSelection.Spec::instance).toList());
        assertTrue(refused(DEFAULT, env, ann("log-opt.archive.path", "x.log")).contains("admin-instance"));
        assertTrue(refused(DEFAULT, env, ann("log-driver", "k8s-file:archive", "log-opt.archive.path", "x.log"))
                .contains("admin-instance"));
        assertEquals("/var/log/all.log", DriverSelection.select(env, ann("log-opt.archive.tag", "t"), DEFAULT).get(0)
                .options().get("path"));
    }

    @Test
    void regexFromAnnotationsIsRefusedUnlessAllowedAndThenLinear() throws Exception {
        String evil = "(a+)+$";
        assertTrue(refused(DEFAULT, Map.of(), ann("log-driver", "journald:j", "log-opt.j.labels-regex", evil))
                .contains("annotation-regex"));
        AnnotationGate g = gate("[annotations]\nregex = true\n");
        DriverSelection.Spec s = DriverSelection.select(Map.of(), ann("log-driver", "journald:j",
                "log-opt.j.labels-regex", evil), g).get(0);
        // RE2/J: linear in the input, where java.util.regex backtracks exponentially on this one
        String name = "a".repeat(100_000) + "!";
        long t0 = System.nanoTime();
        assertEquals(false, s.selectsLabel(name));
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "bounded (10 s is the bound stated, not a benchmark)");
        assertTrue(refused(g, Map.of(), ann("log-driver", "journald:j", "log-opt.j.labels-regex", "a".repeat(257)))
                .contains("annotation-regex"));
    }

    @Test
    void registeredPluginsByNameProfilesAndDestinations() throws Exception {
        AnnotationGate g = gate("""
                [annotations]
                drivers = ["syslog"]
                destinations = ["10.0.0.0/8", "unix:/run/collectors"]
                [plugin.fwd]
                path = "/nonexistent/dir/fwd.so"
                [profile.central]
                driver = "syslog"
                syslog-address = "udp://192.0.2.1:514"
                allow = ["tag", "max-file<=5"]
                """);
        // registered, but the file fails the ownership check: refused before anything is loaded
        String m = refused(g, Map.of(), ann("log-driver", "c-plugin:p", "log-opt.p.plugin", "fwd"));
        assertTrue(m.startsWith("policy /etc/conmon-j/policy.conf:4: registered-file: /nonexistent/dir"), m);
        assertTrue(refused(g, Map.of(), ann("log-driver", "c-plugin:p", "log-opt.p.plugin", "other"))
                .contains("no plugin of that name is registered for annotations (registered: fwd)"));
        m = refused(g, Map.of(), ann("log-driver", "c-plugin:p", "log-opt.p.isolation", "in-process"));
        assertTrue(m.contains("annotation-option: annotation io.conmon-j.log-opt.p.isolation=in-process"), m);

        DriverSelection.Spec central = DriverSelection.select(Map.of(), ann("log-profile", "central",
                "log-opt.central.tag", "web", "log-opt.central.max-file", "5"), g).get(0);
        assertEquals("syslog", central.provider());
        assertEquals(Map.of("syslog-address", "udp://192.0.2.1:514", "max-file", "5"), central.options());
        assertTrue(refused(g, Map.of(), ann("log-profile", "central", "log-opt.central.max-file", "6"))
                .contains("annotation-cap"));
        assertTrue(refused(g, Map.of(), ann("log-profile", "central", "log-opt.central.syslog-address", "udp://10.0.0.1:1"))
                .contains("annotation-option"));
        assertTrue(refused(g, Map.of(), ann("log-profile", "nope")).contains("annotation-profile"));

        DriverSelection.Spec direct = DriverSelection.select(Map.of(), ann("log-driver", "syslog",
                "log-opt.syslog.syslog-address", "tcp://10.9.8.7:601"), g).get(0);
        assertEquals("tcp://10.9.8.7:601", direct.options().get("syslog-address"));
        assertEquals("unix:///run/collectors/s.sock", DriverSelection.select(Map.of(), ann("log-driver", "syslog",
                "log-opt.syslog.syslog-address", "unix:///run/collectors/s.sock"), g).get(0).options().get("syslog-address"));
        for (String bad : List.of("tcp://127.0.0.1:22", "udp://192.0.2.1:514", "unix:///run/collectors/../x.sock",
                "unix:///var/run/docker.sock", "tcp://[::1]:22", "localhost:24224")) {
            m = refused(g, Map.of(), ann("log-driver", "syslog", "log-opt.syslog.syslog-address", bad));
            assertTrue(m.contains("annotation-destination"), bad + ": " + m);
        }
        assertTrue(refused(g, Map.of(), ann("log-driver", "syslog")).contains("annotation-destination"));
    }

    @Test
    void pathsAndAddressesOfAnyDriverChosenByAnnotationAreChecked() throws Exception {
        AnnotationGate g = gate("[annotations]\ndrivers = [\"example\"]\n");
        assertTrue(refused(g, Map.of(), ann("log-driver", "example:x", "log-opt.x.path", "/etc/x"))
                .contains("annotation-path"));
        assertTrue(refused(g, Map.of(), ann("log-driver", "example:x", "log-opt.x.address", "tcp://127.0.0.1:1"))
                .contains("annotation-destination"));
        assertEquals("/var/lib/containers/abc/userdata/out.log", DriverSelection.select(Map.of(), ann("log-driver",
                "example:x", "log-opt.x.output-path", "out.log", "log-opt.x.colour", "red"), g).get(0).options()
                .get("output-path"));
    }

    @Test
    void alwaysProfilesRunForEveryContainerAndTakeOnlyWhatTheyAllow() throws Exception {
        AnnotationGate g = gate("""
                [profile.audit]
                driver = "journald"
                always = true
                partial-message = false
                allow = ["tag"]
                """);
        List<DriverSelection.Spec> specs = DriverSelection.select(Map.of(), ann("log-driver", "none"), g);
        assertEquals(List.of("audit"), specs.stream().map(DriverSelection.Spec::instance).toList());
        assertEquals(Map.of("partial-message", "false"), specs.get(0).options());
        assertEquals("t", DriverSelection.select(Map.of(), ann("log-opt.audit.tag", "t"), g).get(0).tag().source());
        assertEquals(1, DriverSelection.select(Map.of(), ann("log-profile", "audit"), g).size(), "chosen again: once");
        assertTrue(refused(g, Map.of(), ann("log-opt.audit.partial-message", "true")).contains("annotation-option"));
        assertTrue(refused(g, Map.of(), ann("log-driver", "journald:audit")).contains("admin-instance"));
        assertTrue(refused(g, Map.of("CONMONJ_LOG_DRIVER", "k8s-file:audit"), Map.of()).contains("admin-instance"));
    }

    @Test
    void optionKeysAreNamesSoThatNoneSmugglesAnotherOption() {
        // an image's manifest may carry any annotation key; "path=/etc/x" would reach a C plugin as path=/etc/x=...
        for (String key : List.of("path=/etc/passwd", "a\npath", "a b", "", "a/b")) {
            String m = refused(DEFAULT, Map.of(), ann("log-driver", "journald:j", "log-opt.j." + key, "v"));
            assertTrue(m.contains("is not a name") || m.contains("is not INSTANCE.KEY"), key + ": " + m);
        }
    }

    @Test
    void unrestrictedStillChoosesPluginsByName() throws Exception {
        AnnotationGate g = gate("[annotations]\nunrestricted = true\n");
        assertTrue(refused(g, Map.of(), ann("log-driver", "c-plugin:p", "log-opt.p.plugin", "/tmp/x.so"))
                .contains("annotation-plugin"));
        assertEquals("/etc/x", DriverSelection.select(Map.of(), ann("log-driver", "k8s-file:x", "log-opt.x.path",
                "/etc/x"), g).get(0).options().get("path"));
        AnnotationGate rootless = new AnnotationGate(PolicyReader.read("p", "[annotations]\nrootless-unrestricted = true\n"
                .getBytes(StandardCharsets.UTF_8)), LOGS, 1000);
        assertEquals("/etc/x", DriverSelection.select(Map.of(), ann("log-driver", "k8s-file:x", "log-opt.x.path",
                "/etc/x"), rootless).get(0).options().get("path"));
        AnnotationGate rootlessDefault = new AnnotationGate(Policy.DEFAULT, LOGS, 1000);
        assertTrue(refused(rootlessDefault, Map.of(), ann("log-driver", "k8s-file:x", "log-opt.x.path", "/etc/x"))
                .contains("annotation-path"));
    }
}
