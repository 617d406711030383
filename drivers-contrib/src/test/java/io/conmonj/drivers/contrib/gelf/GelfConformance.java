package io.conmonj.drivers.contrib.gelf;

import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogStream;
import io.conmonj.plugin.conformance.LogDriverConformance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The conformance suite for gelf against the spec-written GELF receiver; {@link GelfUdpConformanceTest} (gzip,
 * chunked) and {@link GelfTcpConformanceTest} choose the transport.
 */
abstract class GelfConformance extends LogDriverConformance {
    GelfReceiver rx;

    abstract GelfReceiver receiver() throws Exception;

    @BeforeEach
    void collector() throws Exception {
        rx = receiver();
    }

    @AfterEach
    void stop() throws Exception {
        rx.close();
    }

    @Override
    protected LogDriver open(ContainerMetadata container, Consumer<String> warnings) throws Exception {
        return new GelfProvider().open(container, Map.of("gelf-address", rx.address()), warnings);
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
        return rx.messages().stream()
                .filter(m -> container.id().equals(m.string("_container_id")))
                .map(m -> new Line(((Number) m.fields().get("level")).intValue() == 3 ? LogStream.STDERR
                        : LogStream.STDOUT, m.string("short_message")))
                .toList();
    }
}
