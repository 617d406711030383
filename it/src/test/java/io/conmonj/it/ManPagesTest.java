package io.conmonj.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conmonj.host.cli.ConmonOption;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The man pages of {@code man/}: each renders with {@code man --warnings} without a warning, and each documents
 * what it is about, checked against the source of truth: every option conmon-j parses, every option of
 * {@code conmon-logs --help}, every name the plugin header declares.
 */
class ManPagesTest {
    static final Path MAN = Path.of("../man");
    static final Path INSTALL_TREE = MonitorUnderTest.conmonJ().binary().getParent().getParent();

    record Rendered(int status, String out, String err) {}

    static Rendered render(Path page) throws IOException, InterruptedException {
        Required.orSkip(Files.isExecutable(Path.of("/usr/bin/man")), "man (package man-db) renders the man pages");
        Path out = Files.createTempFile("man-out", ".txt"), err = Files.createTempFile("man-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder("man", "--warnings", "-E", "UTF-8", "-l", page.toString())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().put("MANWIDTH", "80");
            pb.environment().put("LC_ALL", "C.UTF-8");
            pb.environment().put("MAN_DISABLE_SECCOMP", "1");
            pb.environment().remove("MANPAGER");
            pb.environment().remove("PAGER");
            Process p = pb.start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("man -l " + page + " did not finish in 60 s");
            }
            return new Rendered(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"conmon-j.8", "conmon-logs.1", "conmon_log_plugin.3"})
    void rendersWithoutAWarning(String page) throws Exception {
        Rendered r = render(MAN.resolve(page));
        assertEquals("", r.err(), "man --warnings -l " + page);
        assertEquals(0, r.status());
        assertTrue(r.out().contains("NAME") && r.out().contains("DESCRIPTION"), r.out());
    }

    /** The rendered text with hyphenation and justification undone enough to search for option names. */
    private static String text(String page) throws Exception {
        // a hyphenation break (U+2010, then the line's indent) is undone; a break after a real hyphen keeps it
        return render(MAN.resolve(page)).out().replaceAll("\u2010\n\\s*", "").replaceAll("-\n\\s*", "-")
                .replaceAll("\\s+", " ");
    }

    @Test
    void conmonJ8DocumentsEveryOptionTheMonitorParses() throws Exception {
        String text = text("conmon-j.8");
        List<String> missing = new ArrayList<>();
        for (ConmonOption o : ConmonOption.values()) {
            if (!text.contains("--" + o.longName())) missing.add("--" + o.longName());
        }
        assertEquals(List.of(), missing, "options missing from conmon-j(8)");
        for (String section : List.of("ENVIRONMENT", "FILES", "DIFFERENCES FROM CONMON")) {
            assertTrue(text.contains(section), section);
        }
        for (String env : List.of("CONMONJ_LOG_DRIVER", "CONMONJ_LOG_OPTS", "CONMONJ_DRIVER_PATH",
                "CONMONJ_DIAGNOSTICS_FILE", "CONMONJ_POLICY", "CONMONJ_MEMORY_SHARING",
                "CONMONJ_HIBERNATE")) {
            assertTrue(text.contains(env), env);
        }
    }

    @Test
    void conmonLogs1DocumentsEveryOptionOfItsHelp() throws Exception {
        Path bin = INSTALL_TREE.resolve("bin/conmon-logs");
        Required.orSkip(Files.isExecutable(bin), "the install tree's conmon-logs: " + bin);
        Fixtures.Proc help = Fixtures.run(List.of(bin.toString(), "--help"), 60);
        assertEquals(0, help.status(), help.err());
        TreeSet<String> options = new TreeSet<>();
        Matcher m = Pattern.compile("(?<![\\w-])--?[a-z][a-z-]*").matcher(help.out());
        while (m.find()) options.add(m.group());
        assertTrue(options.size() >= 8, "options found in --help: " + options);
        String text = text("conmon-logs.1");
        assertEquals(List.of(), options.stream().filter(o -> !text.contains(o)).toList(),
                "options of conmon-logs --help missing from conmon-logs(1)");
    }

    @Test
    void conmonLogPlugin3DocumentsEveryNameOfTheHeader() throws Exception {
        String header = Files.readString(Path.of("../plugin-api-c/src/main/c/include/conmon_log_plugin.h"));
        TreeSet<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("#define (CONMON_LOG_\\w+)|(CONMON_LOG_\\w+) = |struct (conmon_log_\\w+) \\{"
                + "|\\(\\*(\\w+)\\)\\(").matcher(header);
        while (m.find()) {
            for (int g = 1; g <= 4; g++) if (m.group(g) != null) names.add(m.group(g));
        }
        names.remove("CONMON_LOG_PLUGIN_H"); // the include guard
        names.remove("CONMON_LOG_PLUGIN_EXPORT"); // an implementation detail of the entry point's prototype
        assertTrue(names.size() >= 15, "names found in the header: " + names);
        String text = text("conmon_log_plugin.3");
        assertEquals(List.of(), names.stream().filter(n -> !text.contains(n)).toList(),
                "names of conmon_log_plugin.h missing from conmon_log_plugin(3)");
        assertTrue(header.contains("CONMON_LOG_PLUGIN_ABI_VERSION 1u"), "the page documents ABI version 1: update it");
    }
}
