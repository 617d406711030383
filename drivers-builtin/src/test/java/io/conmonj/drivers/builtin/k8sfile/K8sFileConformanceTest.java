package io.conmonj.drivers.builtin.k8sfile;

import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogStream;
import io.conmonj.plugin.conformance.LogDriverConformance;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.io.TempDir;

/**
 * plugin-api's LogDriver conformance suite against k8s-file selected as a driver (with rotation, so that a reopen
 * rotates), read back as a CRI reader reads the file: {@code TIMESTAMP STREAM P|F CONTENT}, the {@code P} pieces
 * of a stream joined until its {@code F}, and a stream's unfinished pieces given at the end of the file.
 */
class K8sFileConformanceTest extends LogDriverConformance {
    @TempDir
    Path dir;

    @Override
    protected LogDriver open(ContainerMetadata container, Consumer<String> warnings) throws Exception {
        return new K8sFileProvider().open(container, Map.of("path", log().toString(), "max-size", "1m",
                "max-file", "5"), warnings);
    }

    private Path log() {
        return dir.resolve("ctr.log");
    }

    @Override
    protected List<Line> received(ContainerMetadata container, int atLeast) throws Exception {
        List<String> records = new ArrayList<>();
        for (int i = 5; i >= 1; i--) { // oldest first: a reopen rotated the file
            Path p = Path.of(log() + "." + i);
            if (Files.exists(p)) {
                records.addAll(Files.readAllLines(p, StandardCharsets.UTF_8));
            }
        }
        records.addAll(Files.readAllLines(log(), StandardCharsets.UTF_8));
        List<Line> lines = new ArrayList<>();
        Map<LogStream, StringBuilder> pending = new EnumMap<>(LogStream.class);
        for (String r : records) {
            String[] f = r.split(" ", 4); // TIMESTAMP STREAM TAG CONTENT
            LogStream s = f[1].equals("stderr") ? LogStream.STDERR : LogStream.STDOUT;
            String content = f.length > 3 ? f[3] : "";
            StringBuilder b = pending.computeIfAbsent(s, k -> new StringBuilder()).append(content);
            if (f[2].equals("F")) {
                lines.add(new Line(s, b.toString()));
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
