package io.conmonj.drivers.contrib.net;

import io.conmonj.plugin.property.Gen;
import io.conmonj.plugin.property.OptionErrors;

import java.util.List;
import java.util.Map;

/**
 * Generators of the drivers' option property tests: option maps whose keys are mostly the driver's own and whose
 * values are anything up to 4 KiB or near-valid text; each must be answered with options or the one error, checked
 * by plugin-api's {@link OptionErrors#check} with {@link #MAX_MESSAGE} (a driver's message may quote an address).
 * The parsers are linear in the input (no regular expressions with back-tracking over values), so a try is
 * microseconds against {@link OptionErrors#BOUND}.
 */
public final class OptionInputs {
    public static final int MAX_MESSAGE = 1024;

    private OptionInputs() {
    }

    public static Gen<Map<String, String>> maps(List<String> keys, List<String> nearValues) {
        Gen<String> key = Gen.oneOf(Gen.of(keys), Gen.of(keys), Gen.strings(80));
        Gen<String> value = Gen.oneOf(Gen.strings(4096), Gen.of(nearValues),
                Gen.strings("0123456789:/.[]-+kmsgh@ \n", 40));
        return Gen.maps(key, value, 4);
    }
}
