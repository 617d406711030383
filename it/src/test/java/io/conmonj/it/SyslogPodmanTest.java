package io.conmonj.it;

import static io.conmonj.it.DriverSelection.annotations;
import static io.conmonj.it.StartupError.assertStartupErrors;
import static io.conmonj.it.DriverSelection.run;
import static io.conmonj.it.PrivatePodman.name;
import static io.conmonj.it.PrivatePodman.ok;
import static io.conmonj.it.PrivatePodman.podman;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conmonj.it.SyslogReceivers.Receiver;
import io.conmonj.it.SyslogReceivers.Rsyslog;
import io.conmonj.it.SyslogReceivers.Stored;
import io.conmonj.it.SyslogReceivers.SyslogNg;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The syslog driver in a real container's monitor, selected by annotations (docs/logging.md), sending to real
 * rsyslogd and syslog-ng: every line of both streams arrives as one message with Docker's severities, the default
 * tag (the short id) and the chosen facility and format; {@code podman logs} (k8s-file) still has the output; a
 * collector that cannot be resolved and a bad option fail {@code podman run} with the driver's message.
 */
@ExtendWith(PodmanEnvironment.class)
class SyslogPodmanTest {
    static final String MONITORS = "io.conmonj.it.MonitorUnderTest#monitors";
    static final String WHY = "the C conmon has no syslog driver";
    /** Lines on both streams, a line written in two pieces (a partial record, then its end), an unterminated last line. */
    static final String SCRIPT = "printf 'out1\\n'; printf 'err1\\n' >&2; printf 'part'; sleep 0.5; printf 'ial\\n';"
            + " printf 'tail-no-newline'";

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void rsyslogOverUdpDockerDefaultFormat(MonitorUnderTest m) throws Exception {
        m.onlyConmonJ(WHY);
        Rsyslog.requireInstalled();
        Path dir = Files.createTempDirectory("conmonj-syslog-podman-rs-");
        String n = name(m, "syslog-rs");
        try (Rsyslog rs = new Rsyslog(dir, SyslogReceivers.freePort(), SyslogReceivers.freePort())) {
            rs.start();
            runAndCheck(m, n, rs, List.of("syslog-address=udp://127.0.0.1:" + rs.udpPort), 3, false);
        } finally {
            podman(m, "rm", "-f", "-t", "0", n);
            Fixtures.rmrf(dir);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void syslogNgOverTcpOctetCountedRfc5424micro(MonitorUnderTest m) throws Exception {
        m.onlyConmonJ(WHY);
        SyslogNg.requireInstalled();
        Path dir = Files.createTempDirectory("conmonj-syslog-podman-ng-");
        String n = name(m, "syslog-ng");
        try (SyslogNg ng = new SyslogNg(dir)) {
            ng.start();
            runAndCheck(m, n, ng, List.of("syslog-address=tcp://127.0.0.1:" + ng.ietfTcpOctet,
                    "syslog-format=rfc5424micro", "syslog-facility=local7"), 23, true);
        } finally {
            podman(m, "rm", "-f", "-t", "0", n);
            Fixtures.rmrf(dir);
        }
    }

    private static void runAndCheck(MonitorUnderTest m, String n, Receiver d, List<String> opts, int facility, boolean rfc5424)
            throws IOException {
        Fixtures.Proc p = run(m, n, annotations("syslog", "syslog", opts.toArray(String[]::new)), "sh", "-c", SCRIPT);
        assertEquals(0, p.status(), p.err());
        String id = ok(podman(m, "inspect", "--format", "{{.Id}}", n), "inspect").out().trim();
        String shortId = id.substring(0, 12);
        List<Stored> got = awaitApp(d, shortId, 4);
        System.out.println("[" + m + "] " + d.name() + ": " + got);
        List<String> stdout = new ArrayList<>(), stderr = new ArrayList<>();
        for (Stored s : got) {
            assertEquals(facility, s.facility(), "facility: " + s);
            assertTrue(s.procid().matches("[1-9][0-9]*"), "PROCID is the monitor's pid: " + s);
            assertEquals("-", s.sd(), "no labels/env selected: " + s);
            assertTrue(rfc5424 == s.raw().startsWith("<" + (facility * 8 + s.severity()) + ">1 "), "format: " + s);
            assertTrue(s.raw().endsWith(s.msg()), "raw ends with the message: " + s);
            if (s.severity() == 6) stdout.add(s.msg());
            else if (s.severity() == 3) stderr.add(s.msg());
            else throw new AssertionError("severity " + s);
        }
        assertEquals(List.of("out1", "partial", "tail-no-newline"), stdout, "stdout lines, info");
        assertEquals(List.of("err1"), stderr, "stderr lines, err");
        Fixtures.Proc logs = ok(podman(m, "logs", n), "logs");
        assertEquals("out1\npartial\ntail-no-newline", logs.out(), "podman logs stdout (k8s-file)");
        assertEquals("err1\n", logs.err(), "podman logs stderr (k8s-file)");
    }

    private static List<Stored> awaitApp(Receiver d, String app, int count) throws IOException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            List<Stored> got = d.stored(s -> s.app().equals(app));
            if (got.size() >= count || System.nanoTime() > deadline) return got;
            SyslogReceivers.sleep(50);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void badAddressOrOptionFailsPodmanRun(MonitorUnderTest m) {
        m.onlyConmonJ(WHY);
        assertStartupErrors(m, "syslog", "syslog-bad", List.of(
                new StartupError(List.of("syslog-address=udp://no-such-host.invalid:514"),
                        "log driver syslog: option syslog-address: 'udp://no-such-host.invalid:514': cannot resolve host 'no-such-host.invalid'"),
                new StartupError(List.of("syslog-address=udp://127.0.0.1:514", "syslog-format=rfc9999"),
                        "log driver syslog: option syslog-format: 'rfc9999' is not a syslog format"),
                new StartupError(List.of("syslog-address=udp://127.0.0.1:514", "syslog-tls-cert=/x.pem"),
                        "log driver syslog: option syslog-tls-cert: TLS is not supported by conmon-j's syslog driver")));
    }
}
