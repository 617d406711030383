package io.conmonj.host.logging.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conmonj.host.logging.LogPipeline;
import io.conmonj.host.policy.AnnotationGate;
import io.conmonj.host.policy.LogDirectory;
import io.conmonj.host.policy.PolicyException;
import io.conmonj.host.policy.PolicyReader;

import java.nio.charset.StandardCharsets;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class DriverSelectionTest {

    /**
     * The syntax and the host's options, under a policy that trusts annotations ({@code unrestricted}); what the
     * policy refuses is {@link SelectionTrustTest}'s.
     */
    static final AnnotationGate TRUSTING;

    static {
        try {
            TRUSTING = new AnnotationGate(PolicyReader.read("test.conf",
                    "[annotations]\nunrestricted = true\n".getBytes(StandardCharsets.UTF_8)),
                    LogDirectory.of("/var/lib/c/ctr.log"), 0);
        } catch (PolicyException e) {
            throw new AssertionError(e);
        }
    }

    private static List<DriverSelection.Spec> select(Map<String, String> env, Map<String, String> ann)
            throws SelectionException {
        return DriverSelection.select(env, ann, TRUSTING);
    }

    private static String error(Map<String, String> env, Map<String, String> ann) {
        return assertThrows(SelectionException.class, () -> select(env, ann)).getMessage();
    }

    @Test
    void nothingSelectedByDefault() throws SelectionException {
        assertEquals(List.of(), select(Map.of("PATH", "/bin"), Map.of("a", "b")));
    }

    @Test
    void annotationsSelectDriversWithOptionsAndHostKeys() throws SelectionException {
        List<DriverSelection.Spec> specs = select(Map.of(), Map.of(
                "io.conmon-j.log-driver", "example:fwd, k8s-file:copy",
                "io.conmon-j.log-opt.fwd.path", "/usr/lib/x.so",
                "io.conmon-j.log-opt.fwd.mode", "non-blocking",
                "io.conmon-j.log-opt.fwd.max-buffer-size", "4m",
                "io.conmon-j.log-opt.fwd.tag", "web",
                "io.conmon-j.log-opt.copy.path", "/tmp/a.log",
                "io.conmon-j.log-opt.copy.x.y", "dots stay in the key"));
        assertEquals(2, specs.size());
        DriverSelection.Spec fwd = specs.get(0);
        assertEquals("fwd", fwd.instance());
        assertEquals("example", fwd.provider());
        assertEquals(Map.of("path", "/usr/lib/x.so"), fwd.options());
        assertEquals(LogPipeline.Mode.NON_BLOCKING, fwd.mode());
        assertEquals(4L << 20, fwd.maxBufferSize());
        assertEquals("web", fwd.tag().source());
        DriverSelection.Spec copy = specs.get(1);
        assertEquals("copy", copy.instance());
        assertEquals(Map.of("path", "/tmp/a.log", "x.y", "dots stay in the key"), copy.options());
        assertEquals(LogPipeline.Mode.BLOCKING, copy.mode());
        assertNull(copy.tag());
    }

    @Test
    void environmentIsTheHostDefaultAndAnnotationsAddToIt() throws SelectionException {
        Map<String, String> env = Map.of("CONMONJ_LOG_DRIVER", "k8s-file:all",
                "CONMONJ_LOG_OPTS", "all.path=/var/log/a\\;b\\\\c.log ; all.max-size=10m;other.k=v");
        DriverSelection.Spec spec = select(env, Map.of()).get(0);
        assertEquals("all", spec.instance());
        assertEquals(Map.of("path", "/var/log/a;b\\c.log ", "max-size", "10m"), spec.options());

        // The container's list adds to the default; on the administrator's instance it may set only its tag,
        // labels and env.
        List<DriverSelection.Spec> specs = select(env, Map.of("io.conmon-j.log-driver", "k8s-file:mine",
                "io.conmon-j.log-opt.mine.path", "/mine.log", "io.conmon-j.log-opt.all.tag", "t"));
        assertEquals(List.of("all", "mine"), specs.stream().map(DriverSelection.Spec::instance).toList());
        assertEquals(Map.of("path", "/var/log/a;b\\c.log ", "max-size", "10m"), specs.get(0).options());
        assertEquals("t", specs.get(0).tag().source());
        assertTrue(error(env, Map.of("io.conmon-j.log-opt.all.path", "/mine.log")).contains("admin-instance"));
        assertTrue(error(env, Map.of("io.conmon-j.log-driver", "k8s-file:all")).contains("admin-instance"));

        // "none" adds nothing and removes nothing.
        assertEquals(List.of("all"), select(env, Map.of("io.conmon-j.log-driver", "none")).stream()
                .map(DriverSelection.Spec::instance).toList());
    }

    @Test
    void mistakesAreClearErrors() {
        assertEquals("bad driver entry 'a b' in annotation io.conmon-j.log-driver (expected PROVIDER or"
                + " PROVIDER:INSTANCE, letters, digits, '-' and '_')",
                error(Map.of(), Map.of("io.conmon-j.log-driver", "a b")));
        assertEquals("empty driver name in environment CONMONJ_LOG_DRIVER=a,",
                error(Map.of("CONMONJ_LOG_DRIVER", "a,"), Map.of()));
        assertEquals("driver instance x selected twice in annotation io.conmon-j.log-driver (name the second one"
                + " PROVIDER:OTHERNAME)", error(Map.of(), Map.of("io.conmon-j.log-driver", "x,y:x")));
        assertEquals("log driver x: mode=fast (expected blocking or non-blocking)",
                error(Map.of(), Map.of("io.conmon-j.log-driver", "x", "io.conmon-j.log-opt.x.mode", "fast")));
        assertEquals("log driver x: max-buffer-size=lots is not a positive size (e.g. 65536, 512k, 4m)",
                error(Map.of(), Map.of("io.conmon-j.log-driver", "x", "io.conmon-j.log-opt.x.mode", "non-blocking",
                        "io.conmon-j.log-opt.x.max-buffer-size", "lots")));
        assertEquals("log driver x: max-buffer-size needs mode=non-blocking",
                error(Map.of(), Map.of("io.conmon-j.log-driver", "x", "io.conmon-j.log-opt.x.max-buffer-size", "1k")));
        assertEquals("options given for log driver y (annotation io.conmon-j.log-opt.y.*), which is not selected"
                + " (annotation io.conmon-j.log-driver=x)",
                error(Map.of(), Map.of("io.conmon-j.log-driver", "x", "io.conmon-j.log-opt.y.k", "v")));
        assertEquals("options given for log driver y (annotation io.conmon-j.log-opt.y.*), which is not selected"
                + " (no annotation io.conmon-j.log-driver)", error(Map.of(), Map.of("io.conmon-j.log-opt.y.k", "v")));
        assertEquals("annotation io.conmon-j.log-opt.nokey: 'nokey' is not INSTANCE.KEY",
                error(Map.of(), Map.of("io.conmon-j.log-opt.nokey", "v")));
        assertEquals("unknown annotation io.conmon-j.log-drivers (conmon-j knows io.conmon-j.log-driver,"
                + " io.conmon-j.log-profile, io.conmon-j.log-opt.DRIVER.KEY, io.conmon-j.image and io.conmon-j.image-id)",
                error(Map.of(), Map.of("io.conmon-j.log-drivers", "x")));
        assertEquals("environment CONMONJ_LOG_OPTS: 'x.k' is not INSTANCE.KEY=VALUE",
                error(Map.of("CONMONJ_LOG_OPTS", "x.k"), Map.of()));
        assertEquals("log driver none takes no options",
                error(Map.of(), Map.of("io.conmon-j.log-driver", "none", "io.conmon-j.log-opt.none.k", "v")));
    }

    @Test
    void sizes() throws SelectionException {
        assertEquals(65536, DriverSelection.parseSize("65536", "x"));
        assertEquals(512 * 1024, DriverSelection.parseSize("512k", "x"));
        assertEquals(512 * 1024, DriverSelection.parseSize("512KiB", "x"));
        assertEquals(1L << 30, DriverSelection.parseSize("1g", "x"));
        assertEquals(2L << 20, DriverSelection.parseSize("2MB", "x"));
        assertThrows(SelectionException.class, () -> DriverSelection.parseSize("0", "x"));
        assertThrows(SelectionException.class, () -> DriverSelection.parseSize("-1k", "x"));
        assertThrows(SelectionException.class, () -> DriverSelection.parseSize("", "x"));
    }

    @Test
    void regexOptionsAreHostOptionsAndMustCompile() throws SelectionException {
        DriverSelection.Spec spec = select(Map.of(), Map.of("io.conmon-j.log-driver", "json-file",
                "io.conmon-j.log-opt.json-file.labels-regex", "^app\\.", "io.conmon-j.log-opt.json-file.env-regex", "MODE$",
                "io.conmon-j.log-opt.json-file.path", "/x")).get(0);
        assertEquals(Map.of("path", "/x"), spec.options());
        assertTrue(spec.selectsLabel("app.tier") && !spec.selectsLabel("myapp.tier"));
        assertTrue(spec.selectsEnv("APP_MODE") && !spec.selectsEnv("MODE_X"));
        assertEquals("log driver json-file: labels-regex=app[: invalid regular expression: missing closing ]",
                error(Map.of(), Map.of("io.conmon-j.log-driver", "json-file",
                        "io.conmon-j.log-opt.json-file.labels-regex", "app[")));
    }

    @Test
    void labelsAndEnvAreHostOptionsWithValidatedNames() throws SelectionException {
        DriverSelection.Spec spec = select(Map.of(), Map.of("io.conmon-j.log-driver", "json-file",
                "io.conmon-j.log-opt.json-file.path", "/x",
                "io.conmon-j.log-opt.json-file.labels", "app,io.k8s.tier,a-b,a_b,app",
                "io.conmon-j.log-opt.json-file.env", "HOSTNAME")).get(0);
        assertEquals(Map.of("path", "/x"), spec.options());
        assertEquals(List.of("app", "io.k8s.tier", "a-b", "a_b"), spec.labels());
        assertEquals(List.of("HOSTNAME"), spec.env());
        DriverSelection.Spec none = select(Map.of("CONMONJ_LOG_DRIVER", "k8s-file:c"), Map.of()).get(0);
        assertEquals(List.of(), none.labels());
        assertEquals(List.of(), none.env());
    }

    @Test
    void badLabelAndEnvNamesAreStartUpErrors() {
        assertEquals("log driver fwd: labels=a,,b: empty name (expected NAME[,NAME...])", error(Map.of(),
                Map.of("io.conmon-j.log-driver", "example:fwd", "io.conmon-j.log-opt.fwd.labels", "a,,b")));
        assertEquals("log driver fwd: labels=: empty name (expected NAME[,NAME...])", error(Map.of(),
                Map.of("io.conmon-j.log-driver", "example:fwd", "io.conmon-j.log-opt.fwd.labels", "")));
        assertEquals("log driver j: env=A, B: name ' B' has a character other than letters, digits, '.', '-' and '_'",
                error(Map.of("CONMONJ_LOG_DRIVER", "journald:j", "CONMONJ_LOG_OPTS", "j.env=A, B"), Map.of()));
        assertEquals("log driver j: labels=io/x: name 'io/x' has a character other than letters, digits, '.', '-' and"
                + " '_'", error(Map.of("CONMONJ_LOG_DRIVER", "journald:j", "CONMONJ_LOG_OPTS", "j.labels=io/x"), Map.of()));
        assertEquals("log driver j: env=A=1: name 'A=1' has a character other than letters, digits, '.', '-' and '_'",
                error(Map.of("CONMONJ_LOG_DRIVER", "journald:j", "CONMONJ_LOG_OPTS", "j.env=A=1"), Map.of()));
    }

    @Test
    void tagTemplateErrorsNameTheInstanceAndTheTemplate() {
        assertEquals("log driver web: invalid tag template '{{.Nme}}': unknown field '.Nme' (known: {{.ID}}, "
                + "{{.FullID}}, {{.Name}}, {{.ImageName}}, {{.ImageID}}, {{.DaemonName}})", error(Map.of(),
                Map.of("io.conmon-j.log-driver", "json-file:web", "io.conmon-j.log-opt.web.tag", "{{.Nme}}")));
        assertEquals("log driver web: invalid tag template 'x-{{.Name': unclosed '{{' at offset 2", error(Map.of(),
                Map.of("io.conmon-j.log-driver", "json-file:web", "io.conmon-j.log-opt.web.tag", "x-{{.Name")));
    }

    @Test
    void imageIdAnnotationIsKnown() throws SelectionException {
        assertEquals(List.of(), select(Map.of(), Map.of("io.conmon-j.image-id", "sha256:1")));
    }
}
