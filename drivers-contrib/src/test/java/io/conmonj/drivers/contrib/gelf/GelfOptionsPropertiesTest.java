package io.conmonj.drivers.contrib.gelf;

import io.conmonj.drivers.contrib.net.OptionInputs;
import io.conmonj.plugin.property.ForAll;
import io.conmonj.plugin.property.Gen;
import io.conmonj.plugin.property.OptionErrors;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** gelf's options against any input (see {@link OptionInputs}); half the maps have a valid address. */
class GelfOptionsPropertiesTest {
    static Gen<Map<String, String>> options() {
        return OptionInputs.maps(GelfOptions.KNOWN, List.of("udp://127.0.0.1:12201", "tcp://h:1", "gzip", "none",
                "-1", "9", "10", "60", "61", "")).flatMap(m -> Gen.booleans().map(valid -> {
                    Map<String, String> copy = new HashMap<>(m);
                    if (valid) {
                        copy.putIfAbsent("gelf-address", "tcp://127.0.0.1:12201");
                    }
                    return copy;
                }));
    }

    @Test
    void everyOptionMapIsParsedOrRefusedWithTheOneError() {
        ForAll.of(options()).tries(1000).check(options -> OptionErrors.check(OptionInputs.MAX_MESSAGE, () -> {
            GelfOptions o = GelfOptions.parse(options);
            if (o.reconnectDelayMillis() > 60_000 || o.compressionLevel() < -1 || o.compressionLevel() > 9) {
                throw new AssertionError("out of bounds: " + o);
            }
        }));
    }
}
