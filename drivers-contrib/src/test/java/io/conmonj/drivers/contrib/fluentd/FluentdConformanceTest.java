package io.conmonj.drivers.contrib.fluentd;

import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogStream;
import io.conmonj.plugin.conformance.LogDriverConformance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The conformance suite for fluentd, with acks, against the spec-written Forward receiver: pieces of a line (Docker's
 * {@code partial_message}, {@code partial_id}, {@code partial_last}) joined as a collector would.
 */
class FluentdConformanceTest extends LogDriverConformance {
    private ForwardReceiver rx;

    @BeforeEach
    void collector() throws Exception {
        rx = ForwardReceiver.tcp();
    }

    @AfterEach
    void stop() throws Exception {
        rx.close();
    }

    @Override
    protected LogDriver open(ContainerMetadata container, Consumer<String> warnings) throws Exception {
        return new FluentdProvider().open(container, Map.of("fluentd-address", rx.address(),
                "fluentd-request-ack", "true"), warnings);
    }

    @Override
    protected List<Line> received(ContainerMetadata container, int atLeast) throws Exception {
        long deadline = System.nanoTime() + RECEIVE_MILLIS * 1_000_000;
        List<Line> lines = lines(container);
        while (lines.size() < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(20);
            lines = lines(container);
        }
        return lines;
    }

    private List<Line> lines(ContainerMetadata container) {
        List<Line> out = new ArrayList<>();
        Map<String, StringBuilder> open = new LinkedHashMap<>();
        Map<String, LogStream> streams = new LinkedHashMap<>();
        for (ForwardReceiver.Event e : rx.events()) {
            if (!container.id().equals(e.field("container_id"))) {
                continue;
            }
            LogStream s = "stderr".equals(e.field("source")) ? LogStream.STDERR : LogStream.STDOUT;
            if (!"true".equals(e.field("partial_message"))) {
                out.add(new Line(s, e.field("log")));
                continue;
            }
            String id = e.field("partial_id");
            open.computeIfAbsent(id, k -> new StringBuilder()).append(e.field("log"));
            streams.put(id, s);
            if ("true".equals(e.field("partial_last"))) {
                out.add(new Line(s, open.remove(id).toString()));
            }
        }
        open.forEach((id, b) -> out.add(new Line(streams.get(id), b.toString()))); // unterminated at the exit
        return out;
    }
}
