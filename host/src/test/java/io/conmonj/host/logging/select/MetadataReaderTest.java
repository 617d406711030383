package io.conmonj.host.logging.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

class MetadataReaderTest {
    /** Shaped like Podman 4.3.1's config.json (abridged): annotations after mounts, env inside process. */
    static final String PODMAN = """
            {"ociVersion":"1.0.2-dev","process":{"user":{"uid":0,"gid":0,"umask":18},"args":["sleep","5"],\
            "env":["PATH=/usr/local/sbin:/usr/bin","TERM=xterm","container=podman","FOO=a=b","HOSTNAME=75a42d825917"],\
            "cwd":"/","capabilities":{"bounding":["CAP_CHOWN"]},"rlimits":[{"type":"RLIMIT_NOFILE","hard":4096,"soft":4096}]},\
            "root":{"path":"/x/merged"},"hostname":"75a42d825917","mounts":[{"destination":"/proc","type":"proc",\
            "source":"proc","options":["nosuid","noexec","nodev"]}],"annotations":{"a":"b",\
            "io.conmon-j.log-driver":"x","io.container.manager":"libpod","io.kubernetes.cri-o.TTY":"false",\
            "unicode":"caf\\u00e9 \\"quoted\\""},"linux":{"namespaces":[{"type":"pid"}],"maskedPaths":["/proc/acpi"]}}
            """;

    @Test
    void readsAnnotationsAndEnvOnly() throws IOException {
        MetadataReader.BundleConfig c = MetadataReader.parse(PODMAN.getBytes(StandardCharsets.UTF_8));
        assertEquals(Map.of("a", "b", "io.conmon-j.log-driver", "x", "io.container.manager", "libpod",
                "io.kubernetes.cri-o.TTY", "false", "unicode", "café \"quoted\""), c.annotations());
        assertEquals("a=b", c.env().get("FOO"));
        assertEquals(5, c.env().size());
        assertNull(c.image()); // Podman 4.3.1 does not say
    }

    @Test
    void imageFromAnnotations() throws IOException {
        String json = "{\"annotations\":{\"io.kubernetes.cri-o.ImageName\":\"docker.io/library/nginx:1\"}}";
        assertEquals("docker.io/library/nginx:1", MetadataReader.parse(json.getBytes(StandardCharsets.UTF_8)).image());
        json = "{\"annotations\":{\"io.kubernetes.cri-o.ImageName\":\"a\",\"io.conmon-j.image\":\"b\"}}";
        assertEquals("b", MetadataReader.parse(json.getBytes(StandardCharsets.UTF_8)).image());
    }

    @Test
    void cheapMarkerSearch() {
        assertTrue(MetadataReader.mentionsConmonJ(PODMAN.getBytes(StandardCharsets.UTF_8)));
        assertFalse(MetadataReader.mentionsConmonJ(PODMAN.replace("conmon-j", "conmon").getBytes(StandardCharsets.UTF_8)));
        assertFalse(MetadataReader.mentionsConmonJ(new byte[0]));
        assertTrue(MetadataReader.mentionsConmonJ("io.conmon-j.".getBytes(StandardCharsets.US_ASCII)));
        assertFalse(MetadataReader.mentionsConmonJ("io.conmon-j".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void brokenJsonIsAnIoError() {
        assertThrows(IOException.class, () -> MetadataReader.parse("{\"annotations\":{\"a\":".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IOException.class, () -> MetadataReader.parse("[]".getBytes(StandardCharsets.UTF_8)));
    }
}
