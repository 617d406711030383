package io.conmonj.drivers.contrib.gelf;

import io.conmonj.drivers.contrib.net.OptionInputs;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** gelf's options against any input (see {@link OptionInputs}); half the maps have a valid address. */
class GelfOptionsPropertiesTest {
    @Provide
    Arbitrary<Map<String, String>> options() {
        return OptionInputs.maps(GelfOptions.KNOWN, List.of("udp://127.0.0.1:12201", "tcp://h:1", "gzip", "none",
                "-1", "9", "10", "60", "61", "")).flatMap(m -> net.jqwik.api.Arbitraries.of(true, false).map(valid -> {
                    Map<String, String> copy = new HashMap<>(m);
                    if (valid) {
                        copy.putIfAbsent("gelf-address", "tcp://127.0.0.1:12201");
                    }
                    return copy;
                }));
    }

    @Property(tries = 1000)
    void everyOptionMapIsParsedOrRefusedWithTheOneError(@ForAll("options") Map<String, String> options) {
        OptionInputs.check(() -> {
            GelfOptions o = GelfOptions.parse(options);
            if (o.reconnectDelayMillis() > 60_000 || o.compressionLevel() < -1 || o.compressionLevel() > 9) {
                throw new AssertionError("out of bounds: " + o);
            }
        });
    }
}
