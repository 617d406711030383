package io.conmonj.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conmonj.drivers.contrib.syslog.SyslogProvider;
import io.conmonj.it.SyslogReceivers.Rsyslog;
import io.conmonj.it.SyslogReceivers.Stored;
import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogDriverException;
import io.conmonj.plugin.LogRecord;
import io.conmonj.plugin.LogStream;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/**
 * Issue 10 item 5: a tag (which an annotation sets) or a label value holding a line break must not forge messages on
 * newline-framed transports. The syslog driver, driven in this JVM as the monitor drives it, sends to a real rsyslogd
 * over LF-framed TCP and its unix stream socket, in each format, a tag and a label value carrying a complete forged
 * message after a LF; rsyslog must store exactly the messages sent (the real one and a sentinel), none with the forged
 * program name. Fails (does not skip) without rsyslogd.
 */
class SyslogHeaderInjectionTest {
    static final String FORGED_APP = "forgedapp";

    @Test
    void aTagOrLabelWithALineBreakForgesNoMessageInRsyslog() throws Exception {
        assertTrue(Files.isExecutable(Rsyslog.binary()), "rsyslogd is needed at " + Rsyslog.binary()
                + " (.ci/run installs it)");
        Path dir = Files.createTempDirectory("conmonj-syslog-inject-");
        List<String> failures = new ArrayList<>();
        try (Rsyslog rs = new Rsyslog(dir, SyslogReceivers.freePort(), SyslogReceivers.freePort())) {
            rs.start();
            int n = 0;
            for (String format : List.of("", "rfc3164", "rfc5424")) {
                for (String address : List.of("tcp://127.0.0.1:" + rs.tcpPort, "unix://" + rs.stream)) {
                    String marker = "inject-" + (n++);
                    String forged = "\n<11>Mar  5 07:08:09 host " + FORGED_APP + "[1]: FORGED " + marker + "\n";
                    Map<String, String> options = new TreeMap<>();
                    options.put("syslog-address", address);
                    options.put("syslog-framing", "newline");
                    if (!format.isEmpty()) options.put("syslog-format", format);
                    ContainerMetadata meta = new ContainerMetadata("0123456789abcdef0123456789abcdef", "c1",
                            "web" + forged, Map.of("app", "shop" + forged), Map.of(), null);
                    List<String> warnings = new ArrayList<>();
                    try (LogDriver d = new SyslogProvider().open(meta, options, warnings::add)) {
                        send(d, marker + " real\n");
                        send(d, marker + " sentinel\n");
                    } catch (LogDriverException e) {
                        failures.add(format + " " + address + ": " + e.getMessage());
                        continue;
                    }
                    List<Stored> got = rs.await(marker + " sentinel", 1);
                    List<Stored> all = rs.stored(s -> s.raw().contains(marker));
                    String where = "format '" + format + "' to " + address;
                    if (got.size() != 1) failures.add(where + ": sentinel not stored: " + all);
                    if (all.size() != 2) failures.add(where + ": " + all.size() + " messages stored, expected 2: " + all);
                    for (Stored s : all) {
                        if (s.app().equals(FORGED_APP)) failures.add(where + ": forged message stored: " + s);
                        if (!s.app().startsWith("web_")) failures.add(where + ": tag stored as " + s.app());
                    }
                    if (warnings.stream().noneMatch(w -> w.startsWith("tag 'web\\x0a<11>"))) {
                        failures.add(where + ": no warning about the changed tag: " + warnings);
                    }
                }
            }
            List<Stored> forgedAnywhere = rs.stored(s -> s.app().equals(FORGED_APP) || s.msg().startsWith("FORGED"));
            assertEquals(List.of(), forgedAnywhere, "messages rsyslog stored as separate forged ones");
        } finally {
            Fixtures.rmrf(dir);
        }
        assertEquals(List.of(), failures);
    }

    private static void send(LogDriver d, String line) throws Exception {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        d.write(new LogRecord(LogStream.STDOUT, System.currentTimeMillis() * 1_000_000L, b, 0, b.length, false));
        d.flush();
    }
}
