package io.conmonj.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class VersionAndUsageTest {

    @Test
    void versionPrintsExactlyTwoLines() {
        Version v = Version.load();
        assertEquals("2.2.1", v.compatVersion(), "from Maven-filtered version.properties");
        assertFalse(v.projectVersion().isEmpty());
        assertFalse(v.projectVersion().contains("${"));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        v.print(new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals("conmon version 2.2.1\ncommit: conmon-j " + v.projectVersion() + "\n", out);
        // What Podman / containers-common match:
        assertTrue(out.matches("(?s)^conmon version (\\d+).(\\d+).(\\d+)\n.*"));
        assertEquals(2, out.split("\n").length);
    }

    @Test
    void usageHasGlibLayout() {
        String text = Usage.text();
        assertTrue(text.startsWith("Usage:\n  conmon [OPTION\u2026] - conmon utility\n\nHelp Options:\n"));
        assertTrue(text.contains("\n\nApplication Options:\n"));
        assertTrue(text.endsWith("\n\n"));
        // Longest listed entry: "--no-container-partial-message" (28) -> description column 28 + 9.
        int column = 37;
        assertTrue(text.contains("\n  -h, --help" + " ".repeat(column - 12) + "Show help options\n"));
        assertTrue(text.contains("\n  --api-version" + " ".repeat(column - 15) + "Conmon API version to use\n"));
        assertTrue(text.contains("\n  -c, --cid" + " ".repeat(column - 11) + "Identification of Container\n"));
        assertTrue(text.contains("\n  --no-container-partial-message" + " ".repeat(5)));
    }

    @Test
    void usageListsEveryVisibleOptionOnceAndNoHiddenAlias() {
        String text = Usage.text();
        for (ConmonOption o : ConmonOption.values()) {
            String needle = o.shortName() != '\0'
                    ? "\n  -" + o.shortName() + ", --" + o.longName() + " "
                    : "\n  --" + o.longName() + " ";
            int first = text.indexOf(needle);
            if (o.hidden()) {
                assertEquals(-1, first, o.longName());
            } else {
                assertTrue(first >= 0, o.longName());
                assertEquals(-1, text.indexOf(needle, first + 1), o.longName());
            }
        }
        assertEquals(ConmonOption.values().length - 2 + 1, text.split("\n  -").length - 1,
                "every visible option plus -h, --help");
    }
}
