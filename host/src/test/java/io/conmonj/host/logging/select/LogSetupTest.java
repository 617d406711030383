package io.conmonj.host.logging.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conmonj.host.logging.LogPipeline;
import io.conmonj.host.logging.Stream;
import io.conmonj.plugin.ContainerMetadata;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogSetupTest {
    @TempDir
    Path dir;
    final List<String> warnings = new ArrayList<>();

    private LogSetup.Request request(Map<String, String> env) {
        return new LogSetup.Request(dir.toString(), "0123456789abcdef", "web", null, List.of("team=a"), true, env,
                dir.resolve("ctr.log").toString());
    }

    private void config(String annotations) throws IOException {
        Files.writeString(dir.resolve("config.json"), "{\"process\":{\"env\":[\"A=1\"]},\"annotations\":{"
                + annotations + "}}");
    }

    private LogPipeline open(Map<String, String> env) throws SelectionException {
        List<LogPipeline.Attachment> own = ConmonLogs.open(ConmonLogsTest.k8sFile(dir.resolve("ctr.log")), warnings::add);
        return LogSetup.open(request(env), own, warnings::add);
    }

    @Test
    void withoutSelectionOnlyConmonsLog() throws Exception {
        config("\"a\":\"b\"");
        try (LogPipeline p = open(Map.of())) {
            assertEquals(List.of("k8s-file"), p.driverNames());
        }
    }

    @Test
    void annotationAddsASecondK8sFileThroughTheServiceLoader() throws Exception {
        Path copy = dir.resolve("copy.log");
        config("\"io.conmon-j.log-driver\":\"k8s-file:copy\",\"io.conmon-j.log-opt.copy.path\":\"copy.log\"");
        try (LogPipeline p = open(Map.of())) {
            assertEquals(List.of("k8s-file", "copy"), p.driverNames());
            byte[] b = "hello\nwor".getBytes(StandardCharsets.US_ASCII);
            p.write(Stream.STDOUT, b, 0, b.length);
        }
        String own = Files.readString(dir.resolve("ctr.log"));
        assertTrue(own.endsWith(" stdout F hello\n") || own.contains(" stdout F hello\n"), own);
        assertEquals(own, Files.readString(copy)); // same records, same timestamp
    }

    @Test
    void environmentSelectsForEveryContainer() throws Exception {
        Path copy = dir.resolve("env.log");
        config("\"a\":\"b\"");
        try (LogPipeline p = open(Map.of("CONMONJ_LOG_DRIVER", "k8s-file", "CONMONJ_LOG_OPTS", "k8s-file.path=" + copy))) {
            assertEquals(List.of("k8s-file", "k8s-file"), p.driverNames());
        }
        assertTrue(Files.exists(copy));
    }

    @Test
    void jsonFileGetsTheSelectedLabelsEnvAndExpandedTag() throws Exception {
        Path json = dir.resolve("c.json");
        config("\"a\":\"b\",\"other\":\"not selected\",\"io.conmon-j.log-driver\":\"json-file:j,k8s-file:k\","
                + "\"io.conmon-j.log-opt.j.path\":\"c.json\",\"io.conmon-j.log-opt.j.labels\":\"team,a,nosuch\","
                + "\"io.conmon-j.log-opt.j.env\":\"A\",\"io.conmon-j.log-opt.j.tag\":\"{{.Name}}-{{.ID}}\","
                + "\"io.conmon-j.log-opt.k.path\":\"k.log\",\"io.conmon-j.log-opt.k.labels\":\"a\"");
        try (LogPipeline p = open(Map.of())) {
            byte[] b = "x\n".getBytes(StandardCharsets.US_ASCII);
            p.write(Stream.STDOUT, b, 0, b.length);
        }
        String line = Files.readString(json);
        assertTrue(line.contains(",\"attrs\":{\"A\":\"1\",\"a\":\"b\",\"tag\":\"web-0123456789ab\",\"team\":\"a\"},"), line);
    }

    @Test
    void badTagTemplateIsAStartUpError() throws Exception {
        config("\"io.conmon-j.log-driver\":\"journald:j\",\"io.conmon-j.log-opt.j.tag\":\"{{.Image}}\"");
        assertEquals("log driver j: invalid tag template '{{.Image}}': unknown field '.Image' (known: {{.ID}}, "
                + "{{.FullID}}, {{.Name}}, {{.ImageName}}, {{.ImageID}}, {{.DaemonName}})",
                assertThrows(SelectionException.class, () -> open(Map.of())).getMessage());
    }

    @Test
    void execSessionsDoNotSelect() throws Exception {
        config("\"io.conmon-j.log-driver\":\"nosuch\"");
        LogSetup.Request exec = new LogSetup.Request(dir.toString(), "c", null, null, List.of(), false, Map.of(),
                null);
        try (LogPipeline p = LogSetup.open(exec, List.of(), warnings::add)) {
            assertTrue(p.isEmpty());
        }
    }

    @Test
    void unknownDriverAndBadOptionsAreStartUpErrors() throws Exception {
        config("\"a\":\"b\"");
        assertEquals("unknown log driver nosuch (available: c-plugin, fluentd, gelf, journald, json-file, k8s-file, none, syslog)",
                assertThrows(SelectionException.class, () -> open(Map.of("CONMONJ_LOG_DRIVER", "nosuch"))).getMessage());
        config("\"io.conmon-j.log-driver\":\"k8s-file:copy\",\"io.conmon-j.log-opt.copy.colour\":\"red\"");
        assertEquals("log driver copy (k8s-file): option colour: unknown (known: path, max-size, max-file, global-max-size, compress)",
                assertThrows(SelectionException.class, () -> open(Map.of())).getMessage());
        config("\"a\":\"b\"");
        assertEquals("log driver copy (k8s-file): Failed to open log file No such file or directory: /nonexistent/dir/x",
                assertThrows(SelectionException.class, () -> open(Map.of("CONMONJ_LOG_DRIVER", "k8s-file:copy",
                        "CONMONJ_LOG_OPTS", "copy.path=/nonexistent/dir/x"))).getMessage());
        Files.writeString(dir.resolve("config.json"), "{\"annotations\":{\"io.conmon-j.log-driver\":");
        assertTrue(assertThrows(SelectionException.class, () -> open(Map.of())).getMessage()
                .startsWith("cannot read the annotations of " + dir + "/config.json: "));
    }

    @Test
    void anOversizedConfigIsRefusedWithoutReadingItAll() throws Exception {
        config("\"io.conmon-j.log-driver\":\"journald:j\",\"pad\":\"" + "x".repeat(LogSetup.MAX_CONFIG) + "\"");
        assertEquals(dir.resolve("config.json") + " is larger than " + LogSetup.MAX_CONFIG + " bytes",
                assertThrows(SelectionException.class, () -> open(Map.of())).getMessage());
    }

    private static DriverSelection.Spec spec(String tag, List<String> labels, List<String> env) {
        return new DriverSelection.Spec("i", "p", Map.of(), LogPipeline.Mode.BLOCKING, 1,
                tag == null ? null : TagTemplate.parse(tag), labels, env, null, null);
    }

    @Test
    void metadata() {
        MetadataReader.BundleConfig config = new MetadataReader.BundleConfig(
                Map.of("a", "b", "team", "x", "io.conmon-j.image", "busybox", "io.conmon-j.image-id", "sha256:f00"),
                Map.of("A", "1", "B", "2"));
        LogSetup.Request r = new LogSetup.Request(null, "0123456789abcdef", "web", "cli-tag", List.of("team=a"), true,
                Map.of(), null);
        ContainerMetadata m = LogSetup.metadata(r, config, spec(null, List.of(), List.of()));
        assertEquals("0123456789abcdef", m.id());
        assertEquals("web", m.name());
        assertEquals("cli-tag", m.tag());
        assertEquals(Map.of(), m.labels()); // nothing selected, nothing given (Docker's extra attributes)
        assertEquals(Map.of(), m.env());
        assertEquals("busybox", m.image());
        m = LogSetup.metadata(r, config, spec("opt-tag", List.of("team", "a", "missing"), List.of("B", "C")));
        assertEquals("opt-tag", m.tag());
        assertEquals(Map.of("team", "a", "a", "b"), m.labels()); // --log-label wins over an annotation
        assertEquals(Map.of("B", "2"), m.env());
    }

    @Test
    void regexOptionsSelectMoreLabelsAndVariablesByName() {
        MetadataReader.BundleConfig config = new MetadataReader.BundleConfig(
                Map.of("app.name", "shop", "app.tier", "web", "team", "x", "io.podman.internal", "y"),
                Map.of("APP_MODE", "prod", "SECRET", "s", "HOME", "/root"));
        LogSetup.Request r = new LogSetup.Request(null, "0123456789abcdef", "web", null, List.of(), true, Map.of(), null);
        DriverSelection.Spec spec = new DriverSelection.Spec("i", "p", Map.of(), LogPipeline.Mode.BLOCKING, 1, null,
                List.of("team"), List.of("HOME"), com.google.re2j.Pattern.compile("^app\\."),
                com.google.re2j.Pattern.compile("MODE"));
        ContainerMetadata m = LogSetup.metadata(r, config, spec);
        assertEquals(Map.of("app.name", "shop", "app.tier", "web", "team", "x"), m.labels());
        assertEquals(Map.of("APP_MODE", "prod", "HOME", "/root"), m.env()); // found anywhere, as Go's MatchString
    }

    @Test
    void tagTemplateIsExpandedWithTheContainersFields() {
        MetadataReader.BundleConfig config = new MetadataReader.BundleConfig(
                Map.of("io.conmon-j.image", "docker.io/busybox", "io.conmon-j.image-id", "sha256:f00"), Map.of());
        LogSetup.Request r = new LogSetup.Request(null, "0123456789abcdef01", "web", "cli", List.of(), true, Map.of(), null);
        assertEquals("web/0123456789ab/docker.io/busybox@sha256:f00 by conmon-j", LogSetup.metadata(r, config,
                spec("{{.Name}}/{{.ID}}/{{.ImageName}}@{{.ImageID}} by {{.DaemonName}}", List.of(), List.of())).tag());
        LogSetup.Request noName = new LogSetup.Request(null, "0123456789abcdef01", null, null, List.of(), true,
                Map.of(), null);
        MetadataReader.BundleConfig empty = new MetadataReader.BundleConfig(Map.of(), Map.of());
        assertEquals(null, LogSetup.metadata(noName, empty, spec("{{.ImageName}}{{.Name}}", List.of(), List.of())).tag());
        assertEquals("x-0123456789abcdef01", LogSetup.metadata(noName, empty,
                spec("x-{{.FullID}}", List.of(), List.of())).tag());
    }
}
