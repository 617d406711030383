package io.conmonj.drivers.contrib.syslog;

import io.conmonj.drivers.contrib.net.OptionInputs;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** syslog's options against any input (see {@link OptionInputs}). */
class SyslogOptionsPropertiesTest {
    @Provide
    Arbitrary<Map<String, String>> options() {
        List<String> keys = new ArrayList<>(SyslogProvider.KNOWN);
        keys.addAll(SyslogProvider.TLS_OPTIONS);
        return OptionInputs.maps(keys, List.of("udp://127.0.0.1:514", "unixgram:///dev/log", "tcp+tls://h:1",
                "local0", "23", "24", "rfc5424", "newline", "octet-counted", ""));
    }

    @Property(tries = 1000)
    void everyOptionMapIsParsedOrRefusedWithTheOneError(@ForAll("options") Map<String, String> options) {
        OptionInputs.check(() -> {
            SyslogProvider.SyslogOptions o = SyslogProvider.SyslogOptions.parse(options);
            if (o.facility() < 0 || o.facility() > 23) {
                throw new AssertionError("out of bounds: " + o);
            }
        });
    }
}
