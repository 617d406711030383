package io.conmonj.host.logging.select;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conmonj.plugin.property.ForAll;
import io.conmonj.plugin.property.Gen;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Tag templates come from annotations: every template up to 4 KiB is parsed, or refused with the documented
 * {@link IllegalArgumentException} and a message of bounded length; a parsed one expands to a bounded string. The
 * parser is one pass over the text, so a try takes microseconds; the stated bound, {@link #BOUND} per template, is
 * generous (a loaded machine): it catches a parser that loops or back-tracks, it measures nothing.
 */
class TagTemplatePropertiesTest {
    static final Duration BOUND = Duration.ofSeconds(1);
    private static final TagTemplate.Fields F = new TagTemplate.Fields("0123456789abcdef0123", "web",
            "docker.io/library/busybox:latest", "sha256:abc");

    /** Templates made of the parser's own tokens (actions, fields, braces, dots, spaces) and of anything at all. */
    static Gen<String> templates() {
        List<String> tokens = List.of("{{", "}}", "{", "}", ".", " ", "ID", "FullID", "Name", "ImageName", "ImageID",
                "DaemonName", "Unknown", "{{.Name}}", "{{ .ID }}", "x", "\n", "\0", "é", "{{{", "}}}");
        return Gen.oneOf(Gen.strings(4096), Gen.tokens(tokens, 600).map(s -> s.length() > 4096 ? s.substring(0, 4096) : s));
    }

    @Test
    void everyTemplateIsParsedOrRefusedWithTheDocumentedError() {
        ForAll.of(templates()).tries(3000).within(BOUND).check(template -> {
            TagTemplate t;
            try {
                t = TagTemplate.parse(template);
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage() != null && !e.getMessage().isEmpty(), "a reason");
                return;
            }
            String tag = t.expand(F);
            // each action expands to at most the longest field: the tag stays within a fixed factor of the template
            assertTrue(tag.length() <= template.length() * 16L + 64, "expanded to " + tag.length() + " chars");
        });
    }
}
