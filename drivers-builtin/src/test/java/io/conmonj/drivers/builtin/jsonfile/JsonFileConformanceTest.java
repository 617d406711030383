package io.conmonj.drivers.builtin.jsonfile;

import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogStream;
import io.conmonj.plugin.conformance.LogDriverConformance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.io.TempDir;

/**
 * plugin-api's LogDriver conformance suite against json-file, read back as Docker's readers read it: each line
 * decoded with a real JSON parser (jackson-core), the {@code log} pieces of a stream joined until one that ends with
 * {@code \n}, a stream's unfinished pieces given at the end of the file.
 */
class JsonFileConformanceTest extends LogDriverConformance {
    @TempDir
    Path dir;

    @Override
    protected LogDriver open(ContainerMetadata container, Consumer<String> warnings) throws Exception {
        return new JsonFileProvider().open(container, Map.of("path", log().toString(), "max-size", "1m",
                "max-file", "3"), warnings);
    }

    private Path log() {
        return dir.resolve("ctr.json");
    }

    @Override
    protected List<Line> received(ContainerMetadata container, int atLeast) throws Exception {
        List<Line> lines = new ArrayList<>();
        Map<LogStream, StringBuilder> pending = new EnumMap<>(LogStream.class);
        for (byte[] raw : JsonTestSupport.lines(Files.readAllBytes(log()))) {
            JsonTestSupport.Line l = JsonTestSupport.parse(raw);
            LogStream s = l.stream().equals("stderr") ? LogStream.STDERR : LogStream.STDOUT;
            StringBuilder b = pending.computeIfAbsent(s, k -> new StringBuilder()).append(l.log());
            if (b.length() > 0 && b.charAt(b.length() - 1) == '\n') {
                lines.add(new Line(s, b.substring(0, b.length() - 1)));
                b.setLength(0);
            }
        }
        pending.forEach((s, b) -> {
            if (!b.isEmpty()) {
                lines.add(new Line(s, b.toString()));
            }
        });
        return lines;
    }
}
