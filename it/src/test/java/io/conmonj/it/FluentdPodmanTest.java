package io.conmonj.it;

import static io.conmonj.it.DriverSelection.annotations;
import static io.conmonj.it.DriverSelection.run;
import static io.conmonj.it.LoopbackPorts.freePort;
import static io.conmonj.it.PrivatePodman.IMG;
import static io.conmonj.it.PrivatePodman.name;
import static io.conmonj.it.PrivatePodman.ok;
import static io.conmonj.it.PrivatePodman.podman;
import static io.conmonj.it.RecordScript.SCRIPT;
import static io.conmonj.it.RecordScript.SCRIPT_ERR;
import static io.conmonj.it.RecordScript.SCRIPT_OUT;
import static io.conmonj.it.RecordScript.checkPodmanLogs;
import static io.conmonj.it.RecordScript.nowNs;
import static io.conmonj.it.StartupError.assertStartupErrors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conmonj.drivers.contrib.fluentd.ForwardReceiver;
import io.conmonj.drivers.contrib.fluentd.ForwardReceiver.Event;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fluentd driver (drivers-contrib, docs/logging.md "fluentd") in real containers: {@code podman run} with
 * {@code --annotation io.conmon-j.log-driver=fluentd}, the monitor sending to the Forward-protocol receiver of
 * drivers-contrib's tests ({@link ForwardReceiver}, written from the Forward Protocol Specification v1) over
 * loopback TCP and a unix socket. conmon-j only.
 */
@ExtendWith(PodmanEnvironment.class)
class FluentdPodmanTest {
    static final String MONITORS = "io.conmonj.it.MonitorUnderTest#monitors";
    static final String WHY = "the C conmon has no fluentd driver";
    static final long WAIT_MS = 30_000;

    /**
     * Rebuilds one stream's output from its events as Docker's records define it: {@code log} is a line without its
     * newline; a piece of a longer line has {@code partial_message}, and only its last piece
     * ({@code partial_last=true}) ends the line. Checks the partial fields' consistency on the way.
     */
    static String stream(List<Event> events, String source) {
        StringBuilder sb = new StringBuilder();
        String partialId = null;
        int ordinal = 0;
        for (Event e : events) {
            if (!e.field("source").equals(source)) continue;
            sb.append(new String(e.fieldBytes("log"), StandardCharsets.ISO_8859_1));
            if (e.field("partial_message") == null) {
                assertEquals(null, partialId, "a whole line inside a partial one: " + e);
                sb.append('\n');
                continue;
            }
            assertEquals("true", e.field("partial_message"));
            if (partialId == null) {
                partialId = e.field("partial_id");
                assertTrue(partialId.matches("[0-9a-f]{64}"), "Docker's partial ids are 64 hex digits: " + partialId);
                ordinal = 0;
            }
            assertEquals(partialId, e.field("partial_id"), "one id per line");
            assertEquals(Integer.toString(++ordinal), e.field("partial_ordinal"), "ordinals count from 1");
            if (e.field("partial_last").equals("true")) {
                sb.append('\n');
                partialId = null;
            } else {
                assertEquals("false", e.field("partial_last"));
            }
        }
        return sb.toString();
    }

    /** Case 1: every line of SCRIPT arrives with Docker's fields, over TCP (with acks) and a unix socket. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void everyLineArrivesWithDockersFields(MonitorUnderTest m) throws Exception {
        m.onlyConmonJ(WHY);
        for (boolean unix : new boolean[] {false, true}) {
            String n = name(m, unix ? "fluentd-unix" : "fluentd-tcp");
            try (ForwardReceiver rx = unix ? new ForwardReceiver(PrivatePodman.base.resolve("fluent.sock"), 0, c -> true)
                    : ForwardReceiver.tcp()) {
                List<String> opts = new ArrayList<>(List.of("fluentd-address=" + rx.address()));
                if (unix) {
                    opts.addAll(List.of("fluentd-sub-second-precision=true", "tag=docker.{{.Name}}"));
                } else {
                    opts.add("fluentd-request-ack=true");
                }
                long t0 = nowNs();
                Fixtures.Proc p = run(m, n, annotations("fluentd", "fluentd", opts.toArray(String[]::new)), "sh", "-c", SCRIPT);
                long t1 = nowNs();
                assertEquals(0, p.status(), p.err());
                assertEquals(SCRIPT_OUT, p.out(), "podman run's attached stdout");
                assertEquals(SCRIPT_ERR, p.err(), "podman run's attached stderr: no warning");
                String id = ok(podman(m, "inspect", "-f", "{{.Id}}", n), "inspect").out().strip();
                List<Event> events = rx.events(); // the monitor has closed the driver (flushed, acked) before run returned
                assertEquals(List.of(), rx.errors(), "the receiver's protocol checks");
                assertTrue(events.size() >= 8, events.toString());
                for (Event e : events) {
                    assertEquals(unix ? "docker." + n : id.substring(0, 12), e.tag(), "tag");
                    assertEquals(id, e.field("container_id"));
                    assertEquals("/" + n, e.field("container_name"), "Docker's name, with its /");
                    assertTrue(Set.of("stdout", "stderr").contains(e.field("source")), e.toString());
                    assertEquals(unix, e.time().eventTime(), "EventTime exactly with sub-second precision");
                    long ns = e.time().seconds() * 1_000_000_000L + e.time().nanos();
                    assertTrue(ns >= (unix ? t0 : t0 / 1_000_000_000L * 1_000_000_000L) && ns <= t1,
                            "time " + e.time() + " within the run");
                    Set<String> keys = new java.util.HashSet<>();
                    e.record().keySet().forEach(k -> keys.add(k.toString()));
                    keys.removeAll(Set.of("container_id", "container_name", "source", "log"));
                    keys.removeAll(Set.of("partial_message", "partial_id", "partial_ordinal", "partial_last"));
                    assertEquals(Set.of(), keys, "no other field");
                }
                assertEquals(SCRIPT_OUT, stream(events, "stdout"), "stdout rebuilt from the records");
                assertEquals(SCRIPT_ERR, stream(events, "stderr"), "stderr rebuilt from the records");
                assertTrue(rx.messages().stream().allMatch(x -> x.mode().equals("PackedForward")), rx.messages().toString());
                if (!unix) {
                    assertEquals(rx.messages().size(), rx.acked().size(), "every message was acknowledged");
                }
                checkPodmanLogs(m, n);
            } finally {
                podman(m, "rm", "-f", "-t", "0", n);
            }
        }
    }

    /** Case 2: start-up errors that {@code podman run} shows: a host that does not resolve, a collector that is down. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void startupErrors(MonitorUnderTest m) throws Exception {
        m.onlyConmonJ(WHY);
        int port = freePort();
        assertStartupErrors(m, "fluentd", "fluentd-bad", List.of(
                new StartupError("unresolvable host", List.of("fluentd-address=tcp://no-such-host.invalid:24224"),
                        "log driver fluentd: option fluentd-address: 'tcp://no-such-host.invalid:24224': cannot resolve host 'no-such-host.invalid'"),
                new StartupError("collector down", List.of("fluentd-address=127.0.0.1:" + port),
                        "log driver fluentd: cannot connect to tcp://127.0.0.1:" + port + " (fluentd-address): Connection refused"
                                + " (set fluentd-async=true to start without the collector)"),
                new StartupError("unknown option", List.of("fluentd-adress=x"),
                        "log driver fluentd: option fluentd-adress: unknown (known: ")));
    }

    /**
     * Case 3: with fluentd-async the container starts while the collector is down; its output waits (mode=blocking)
     * and arrives once a collector listens.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void asyncStartsWithoutTheCollectorAndDeliversOnceItIsUp(MonitorUnderTest m) throws Exception {
        m.onlyConmonJ(WHY);
        int port = freePort();
        String n = name(m, "fluentd-async");
        try {
            ok(podman(m, List.of(List.of("run", "-d", "--name", n, "--network", "none"),
                    annotations("fluentd", "fluentd", "fluentd-address=127.0.0.1:" + port, "fluentd-async=true",
                            "fluentd-retry-wait=100ms"),
                    List.of(IMG, "sh", "-c", "echo first; sleep 1; echo second")).stream().flatMap(List::stream)
                    .toArray(String[]::new)), "run -d with fluentd-async and no collector");
            try (ForwardReceiver rx = new ForwardReceiver(null, port, c -> true)) {
                Fixtures.Proc w = podman(m, "wait", n);
                assertEquals("0", w.out().strip(), w.err());
                List<Event> events = rx.await(2, WAIT_MS);
                assertEquals(List.of("first", "second"), events.stream().map(e -> e.field("log")).toList());
                assertEquals(List.of(), rx.errors());
                assertNotEquals(0, rx.connections());
            }
            assertEquals("first\nsecond\n", ok(podman(m, "logs", n), "logs").out());
        } finally {
            podman(m, "rm", "-f", "-t", "0", n);
        }
    }

    /**
     * Case 4: the collector restarts (same port) while the container writes a line every 0.2 s, with acks. Every line
     * reaches one of the two collectors; the second one gets everything from where the first stopped acknowledging,
     * in order. A line may reach both: only if its chunk was not acknowledged by the first (at-least-once).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void collectorRestartDuringARun(MonitorUnderTest m) throws Exception {
        m.onlyConmonJ(WHY);
        String n = name(m, "fluentd-restart");
        List<String> all = new ArrayList<>();
        for (int i = 1; i <= 12; i++) all.add("line-" + i);
        ForwardReceiver first = ForwardReceiver.tcp();
        int port = first.port();
        try {
            ok(podman(m, List.of(List.of("run", "-d", "--name", n, "--network", "none"),
                    annotations("fluentd", "fluentd", "fluentd-address=" + first.address(), "fluentd-request-ack=true",
                            "fluentd-retry-wait=50ms"),
                    List.of(IMG, "sh", "-c", "for i in $(seq 1 12); do echo line-$i; sleep 0.2; done"))
                    .stream().flatMap(List::stream).toArray(String[]::new)), "run -d");
            assertTrue(first.await(3, WAIT_MS).size() >= 3, "the first collector got lines");
            first.close();
            List<Event> before = first.events();
            try (ForwardReceiver second = new ForwardReceiver(null, port, c -> true)) {
                Fixtures.Proc w = podman(m, "wait", n);
                assertEquals("0", w.out().strip(), w.err());
                List<Event> after = second.events(); // the monitor flushed and closed the driver before it exited
                List<String> a = before.stream().map(e -> e.field("log")).toList();
                List<String> b = after.stream().map(e -> e.field("log")).toList();
                System.out.println("[" + m + "] first collector: " + a + "; after the restart: " + b);
                assertEquals(List.of(), second.errors());
                assertTrue(!b.isEmpty() && b.get(b.size() - 1).equals("line-12"), "the lines after the restart arrived: " + b);
                assertEquals(all.subList(all.size() - b.size(), all.size()), b, "the second collector: a tail of the lines, in order");
                Set<String> union = new java.util.HashSet<>(a);
                union.addAll(b);
                assertEquals(Set.copyOf(all), union, "no line lost");
                // The last ack the first collector sent can be lost: closing a socket with unread data (the
                // driver's next chunk) resets the connection, and the reset discards the ack before the driver
                // reads it. Resending that one chunk is at-least-once delivery, not a resend of an acked chunk.
                List<String> ackedByFirst = new ArrayList<>(first.acked());
                if (!ackedByFirst.isEmpty()) ackedByFirst.remove(ackedByFirst.size() - 1);
                for (Event e : before) {
                    if (b.contains(e.field("log")))
                        assertTrue(!ackedByFirst.contains(e.chunk()), "only unacknowledged chunks are sent again: " + e);
                }
            }
            assertEquals(String.join("\n", all) + "\n", ok(podman(m, "logs", n), "logs").out());
        } finally {
            first.close();
            podman(m, "rm", "-f", "-t", "0", n);
        }
    }

    /**
     * Case 5: the collector goes away for good while the container runs. In blocking mode the container's output
     * waits for it, but once the container has exited the monitor waits only LogDriver.EXIT_GRACE_MILLIS more: the
     * exit status still reaches Podman (`podman wait` returns it instead of hanging) and Podman's k8s-file log has
     * every line. The lines written after the collector left are not delivered to it (reported by the monitor).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void collectorGoneForGoodDoesNotHoldBackTheExitStatus(MonitorUnderTest m) throws Exception {
        m.onlyConmonJ(WHY);
        String n = name(m, "fluentd-gone");
        ForwardReceiver rx = ForwardReceiver.tcp();
        try {
            ok(podman(m, List.of(List.of("run", "-d", "--name", n, "--network", "none"),
                    annotations("fluentd", "fluentd", "fluentd-address=" + rx.address(), "fluentd-retry-wait=50ms"),
                    List.of(IMG, "sh", "-c", "echo before; sleep 1; echo after-1; sleep 1; echo after-2; sleep 1; echo after-3; exit 3"))
                    .stream().flatMap(List::stream).toArray(String[]::new)), "run -d");
            assertEquals(List.of("before"), rx.await(1, WAIT_MS).stream().map(e -> e.field("log")).toList());
            rx.close(); // and nobody listens on its port again
            Fixtures.Proc w = podman(m, "wait", n);
            assertEquals("3", w.out().strip(), "podman wait returns the exit status: " + w.err());
            assertEquals("before\nafter-1\nafter-2\nafter-3\n", ok(podman(m, "logs", n), "logs").out());
            assertEquals(List.of("before"), rx.events().stream().map(e -> e.field("log")).toList());
        } finally {
            rx.close();
            podman(m, "rm", "-f", "-t", "0", n);
        }
    }
}
