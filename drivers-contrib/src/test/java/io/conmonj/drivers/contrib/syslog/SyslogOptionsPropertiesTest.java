package io.conmonj.drivers.contrib.syslog;

import io.conmonj.drivers.contrib.net.OptionInputs;
import io.conmonj.plugin.property.ForAll;
import io.conmonj.plugin.property.Gen;
import io.conmonj.plugin.property.OptionErrors;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** syslog's options against any input (see {@link OptionInputs}). */
class SyslogOptionsPropertiesTest {
    static Gen<Map<String, String>> options() {
        List<String> keys = new ArrayList<>(SyslogProvider.KNOWN);
        keys.addAll(SyslogProvider.TLS_OPTIONS);
        return OptionInputs.maps(keys, List.of("udp://127.0.0.1:514", "unixgram:///dev/log", "tcp+tls://h:1",
                "local0", "23", "24", "rfc5424", "newline", "octet-counted", ""));
    }

    @Test
    void everyOptionMapIsParsedOrRefusedWithTheOneError() {
        ForAll.of(options()).tries(1000).check(options -> OptionErrors.check(OptionInputs.MAX_MESSAGE, () -> {
            SyslogProvider.SyslogOptions o = SyslogProvider.SyslogOptions.parse(options);
            if (o.facility() < 0 || o.facility() > 23) {
                throw new AssertionError("out of bounds: " + o);
            }
        }));
    }
}
