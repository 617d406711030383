package io.conmonj.host.logging.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TagTemplateTest {
    private static final TagTemplate.Fields F = new TagTemplate.Fields("0123456789abcdef0123", "web",
            "docker.io/library/busybox:latest", "sha256:abc");

    private static String expand(String template) {
        return TagTemplate.parse(template).expand(F);
    }

    private static String error(String template) {
        return assertThrows(IllegalArgumentException.class, () -> TagTemplate.parse(template)).getMessage();
    }

    @Test
    void everyField() {
        assertEquals("0123456789ab", expand("{{.ID}}"));
        assertEquals("0123456789abcdef0123", expand("{{.FullID}}"));
        assertEquals("web", expand("{{.Name}}"));
        assertEquals("docker.io/library/busybox:latest", expand("{{.ImageName}}"));
        assertEquals("sha256:abc", expand("{{.ImageID}}"));
        assertEquals("conmon-j", expand("{{.DaemonName}}"));
    }

    @Test
    void textAroundAndBetweenFields() {
        assertEquals("plain tag", expand("plain tag"));
        assertEquals("", expand(""));
        assertEquals("app-web.0123456789ab!", expand("app-{{.Name}}.{{.ID}}!"));
        assertEquals("webweb", expand("{{.Name}}{{.Name}}"));
        assertEquals("web", expand("{{ .Name }}"));
        assertEquals("a}}b web {", expand("a}}b {{.Name}} {"));
        assertEquals("a{b", expand("a{b"));
    }

    @Test
    void unknownValuesAreEmpty() {
        TagTemplate t = TagTemplate.parse("[{{.Name}}|{{.ImageName}}|{{.ImageID}}|{{.ID}}]");
        assertEquals("[|||short]", t.expand(new TagTemplate.Fields("short", null, null, null)));
        assertEquals("[|||]", t.expand(new TagTemplate.Fields(null, null, null, null)));
    }

    @Test
    void errors() {
        String known = " (known: {{.ID}}, {{.FullID}}, {{.Name}}, {{.ImageName}}, {{.ImageID}}, {{.DaemonName}})";
        assertEquals("unclosed '{{' at offset 0", error("{{.Name"));
        assertEquals("unclosed '{{' at offset 4", error("tag-{{.Name}"));
        assertEquals("unclosed '{{' at offset 9", error("{{.Name}}{{"));
        assertEquals("empty '{{}}' at offset 1", error("x{{ }}"));
        assertEquals("unknown field '.Nme'" + known, error("{{.Nme}}"));
        assertEquals("unknown field '.id'" + known, error("{{.id}}"));
        assertEquals("unknown field 'Name'" + known, error("{{Name}}"));
        assertEquals("unknown field '.'" + known, error("{{.}}"));
        assertEquals("unknown field '.Name | upper'" + known, error("{{.Name | upper}}"));
        assertEquals("unknown field '.Config.Labels'" + known, error("{{.Config.Labels}}"));
    }

    @Test
    void sourceIsKept() {
        assertEquals("x{{.ID}}", TagTemplate.parse("x{{.ID}}").source());
    }
}
