package io.conmonj.drivers.contrib.fluentd;

import io.conmonj.drivers.contrib.net.OptionInputs;
import io.conmonj.plugin.property.ForAll;
import io.conmonj.plugin.property.Gen;
import io.conmonj.plugin.property.OptionErrors;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

/** fluentd's options against any input (see {@link OptionInputs}). */
class FluentdOptionsPropertiesTest {
    static Gen<Map<String, String>> options() {
        return OptionInputs.maps(FluentdOptions.KNOWN, List.of("tcp://127.0.0.1:24224", "unix:///x", "[::1]:1",
                "1s", "1h", "4m", "5m", "true", "-1", "2147483648", "", "udp://h:1"));
    }

    @Test
    void everyOptionMapIsParsedOrRefusedWithTheOneError() {
        ForAll.of(options()).tries(1000).check(options -> OptionErrors.check(OptionInputs.MAX_MESSAGE, () -> {
            FluentdOptions o = FluentdOptions.parse(options);
            if (o.retryWaitMs() < 1 || o.retryWaitMs() > 60_000 || o.bufferLimit() > FluentdOptions.MAX_BUFFER_LIMIT) {
                throw new AssertionError("out of bounds: " + o);
            }
        }));
    }
}
