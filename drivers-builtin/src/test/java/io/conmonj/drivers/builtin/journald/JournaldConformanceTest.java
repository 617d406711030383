package io.conmonj.drivers.builtin.journald;

import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogStream;
import io.conmonj.plugin.conformance.LogDriverConformance;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * plugin-api's LogDriver conformance suite against the journald driver sending to a real systemd-journald
 * ({@link PrivateJournald}), read back with {@code journalctl -o json}: one entry per line, {@code PRIORITY} 6 for
 * stdout and 3 for stderr, entries with {@code CONTAINER_PARTIAL_MESSAGE=true} joined per stream as Podman does.
 */
class JournaldConformanceTest extends LogDriverConformance {
    @TempDir
    static Path dir;
    static PrivateJournald journald;

    @BeforeAll
    static void start() throws Exception {
        journald = new PrivateJournald(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        if (journald != null) {
            journald.close();
        }
    }

    @Override
    protected LogDriver open(ContainerMetadata container, Consumer<String> warnings) throws Exception {
        return new JournaldProvider().open(container, Map.of("socket", journald.socket().toString()), warnings);
    }

    @Override
    protected List<Line> received(ContainerMetadata container, int atLeast) throws Exception {
        long deadline = System.nanoTime() + RECEIVE_MILLIS * 1_000_000L;
        List<Line> lines;
        do {
            lines = lines(journald.entries(container.id()));
            if (lines.size() >= atLeast) {
                return lines;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        return lines;
    }

    private static List<Line> lines(List<Map<String, String>> entries) {
        List<Line> lines = new ArrayList<>();
        Map<LogStream, StringBuilder> pending = new EnumMap<>(LogStream.class);
        for (Map<String, String> e : entries) {
            LogStream s = "3".equals(e.get("PRIORITY")) ? LogStream.STDERR : LogStream.STDOUT;
            StringBuilder b = pending.computeIfAbsent(s, k -> new StringBuilder()).append(e.get("MESSAGE"));
            if (!"true".equals(e.get("CONTAINER_PARTIAL_MESSAGE"))) {
                String text = b.toString();
                lines.add(new Line(s, text.endsWith("\n") ? text.substring(0, text.length() - 1) : text));
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
