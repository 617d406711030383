package io.conmonj.examples.jsonlines;

import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogStream;
import io.conmonj.plugin.conformance.LogDriverConformance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The example Java driver passes the LogDriver conformance suite (plugin-api's test jar): how a third-party driver
 * runs it (examples/java-driver/README.md). {@link #received} reads the driver's file back as a reader of the
 * format would: records in order, partial ones joined per stream, the summary line skipped.
 */
class JsonLinesConformanceTest extends LogDriverConformance {
    @TempDir
    Path dir;

    @Override
    protected LogDriver open(ContainerMetadata container, Consumer<String> warnings) throws Exception {
        return new JsonLinesDriverProvider().open(container, Map.of("path", file().toString()), warnings);
    }

    private Path file() {
        return dir.resolve("out.jsonl");
    }

    @Override
    protected List<Line> received(ContainerMetadata container, int atLeast) throws Exception {
        List<Line> lines = new ArrayList<>();
        if (!Files.exists(file())) {
            return lines;
        }
        Map<LogStream, StringBuilder> open = new EnumMap<>(LogStream.class);
        for (String json : Files.readAllLines(file(), StandardCharsets.UTF_8)) {
            if (json.startsWith("{\"records\":")) {
                continue; // the summary
            }
            LogStream s = json.contains("\"stream\":\"stderr\"") ? LogStream.STDERR : LogStream.STDOUT;
            String text = json.contains("\"log_base64\":")
                    ? new String(Base64.getDecoder().decode(string(json, "log_base64")), StandardCharsets.UTF_8)
                    : string(json, "log");
            StringBuilder b = open.computeIfAbsent(s, k -> new StringBuilder()).append(text);
            if (json.contains("\"partial\":false")) {
                String line = b.toString();
                lines.add(new Line(s, line.endsWith("\n") ? line.substring(0, line.length() - 1) : line));
                open.remove(s);
            }
        }
        open.forEach((s, b) -> lines.add(new Line(s, b.toString()))); // unterminated at the exit
        return lines;
    }

    /** The JSON string member {@code name} of one line as the driver writes it (its escapes only). */
    private static String string(String json, String name) {
        int i = json.indexOf("\"" + name + "\":\"") + name.length() + 4;
        StringBuilder b = new StringBuilder();
        while (json.charAt(i) != '"') {
            char c = json.charAt(i++);
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = json.charAt(i++);
            switch (e) {
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    b.append((char) Integer.parseInt(json.substring(i, i + 4), 16));
                    i += 4;
                }
                default -> b.append(e);
            }
        }
        return b.toString();
    }
}
