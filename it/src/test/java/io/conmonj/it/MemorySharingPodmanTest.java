package io.conmonj.it;

import static io.conmonj.it.PrivatePodman.IMG;
import static io.conmonj.it.PrivatePodman.name;
import static io.conmonj.it.PrivatePodman.ok;
import static io.conmonj.it.PrivatePodman.podman;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code CONMONJ_MEMORY_SHARING} (host/src/main/c/memory-sharing.h, docs/design.md "Memory shared between
 * monitors"): the monitor's JVM, and only it, opts in to the kernel's same-page merging, and with
 * {@code ksm-fixed-layout} runs without address randomisation; the guardian, the runtime, the container, an exec'd
 * process and the C plugin host keep the kernel's defaults. The flags are read from {@code /proc/PID/ksm_stat}
 * ({@code ksm_merge_any}) and {@code /proc/PID/personality} (ADDR_NO_RANDOMIZE = 0x0040000). Whether merging then
 * saves memory is the benchmark's to show (bench/run.sh, the KSM rows), and the host's KSM switch is left alone.
 */
@ExtendWith(PodmanEnvironment.class)
class MemorySharingPodmanTest {
    static final String MONITORS = "io.conmonj.it.MonitorUnderTest#monitors";
    static final String WHY = "a conmon-j setting; the C conmon has no JVM to share";
    private static final int ADDR_NO_RANDOMIZE = 0x0040000;
    private static final String ENV = "CONMONJ_MEMORY_SHARING=";

    private record Flags(boolean mergeAny, boolean fixedLayout) {
        static Flags of(long pid) {
            try {
                boolean merge = Files.readAllLines(Path.of("/proc", Long.toString(pid), "ksm_stat")).stream()
                        .anyMatch(l -> l.equals("ksm_merge_any: yes"));
                int persona = Integer.parseInt(Files.readString(Path.of("/proc", Long.toString(pid), "personality")).strip(), 16);
                return new Flags(merge, (persona & ADDR_NO_RANDOMIZE) != 0);
            } catch (IOException e) {
                throw new UncheckedIOException("process " + pid + " gone?", e);
            }
        }
    }

    /** The guardian (ConmonPid), its monitor JVM and the container's first process, of a running container. */
    private record Processes(long guardian, long jvm, long container) {
        static Processes of(MonitorUnderTest m, String n) {
            String[] pids = ok(podman(m, "inspect", "--format", "{{.State.ConmonPid}} {{.State.Pid}}", n), "inspect")
                    .out().strip().split(" ");
            long guardian = Long.parseLong(pids[0]);
            List<Long> jvms = MonitorProcesses.childrenRunning(guardian, "java");
            assertEquals(1, jvms.size(), "one monitor JVM below the guardian " + guardian + ": " + jvms);
            return new Processes(guardian, jvms.get(0), Long.parseLong(pids[1]));
        }
    }

    /** Starts a sleeping container under {@code env} (none: the default), runs {@code check}, removes it. */
    private static void withContainer(MonitorUnderTest m, List<String> env, List<String> annotations, CheckedConsumer check)
            throws IOException {
        String n = name(m, "memshare");
        PrivatePodman.withConmonEnv(env, () -> {
            try {
                List<String> args = new ArrayList<>(List.of("run", "-d", "--name", n, "--network", "none"));
                args.addAll(annotations);
                args.addAll(List.of(IMG, "sleep", "300"));
                ok(podman(m, args.toArray(String[]::new)), "run -d");
                check.accept(n);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                podman(m, "rm", "-f", "-t", "0", n);
            }
            return null;
        });
    }

    interface CheckedConsumer {
        void accept(String container) throws IOException;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void byDefaultOnlyTheMonitorJvmOptsInToMerging(MonitorUnderTest m) throws IOException {
        m.onlyConmonJ(WHY);
        withContainer(m, List.of(), List.of(), n -> {
            Processes p = Processes.of(m, n);
            assertEquals(new Flags(true, false), Flags.of(p.jvm()), "the monitor JVM: merging, randomised");
            assertEquals(new Flags(false, false), Flags.of(p.guardian()), "the guardian keeps the defaults");
            assertEquals(new Flags(false, false), Flags.of(p.container()), "the container keeps the defaults");
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void fixedLayoutIsTheJvmsAloneNotTheContainersNorExecsNorThePluginHosts(MonitorUnderTest m) throws IOException {
        m.onlyConmonJ(WHY);
        Path records = PrivatePodman.fresh("memshare.records");
        List<String> plugin = DriverSelection.annotations("c-plugin:f", "f", "plugin=file-plugin", "path=" + records);
        withContainer(m, List.of(ENV + "ksm-fixed-layout"), plugin, n -> {
            Processes p = Processes.of(m, n);
            assertEquals(new Flags(true, true), Flags.of(p.jvm()), "the monitor JVM: merging, fixed layout");
            assertEquals(new Flags(false, false), Flags.of(p.guardian()), "the guardian keeps the defaults");
            assertEquals(new Flags(false, false), Flags.of(p.container()), "the container keeps the defaults");
            List<Long> hosts = MonitorProcesses.childrenRunning(p.jvm(), "conmon-j-plugin-host");
            assertEquals(1, hosts.size(), "the file plugin runs in its own host process: " + hosts);
            assertEquals(new Flags(false, false), Flags.of(hosts.get(0)), "the plugin host keeps the defaults");
            // a process started by `podman exec` (the runtime started through the monitor's exec helper)
            Fixtures.Proc exec = ok(podman(m, "exec", n, "sh", "-c", "cat /proc/self/personality; grep merge_any /proc/self/ksm_stat"), "exec");
            assertEquals("00000000\nksm_merge_any: no\n", exec.out(), "an exec'd process keeps the defaults");
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void offMeansNoOptIn(MonitorUnderTest m) throws IOException {
        m.onlyConmonJ(WHY);
        withContainer(m, List.of(ENV + "off"), List.of(), n ->
                assertEquals(new Flags(false, false), Flags.of(Processes.of(m, n).jvm()), "the monitor JVM"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(MONITORS)
    void anUnknownModeFailsThePodmanRunNamingTheSetting(MonitorUnderTest m) throws IOException {
        m.onlyConmonJ(WHY);
        String n = name(m, "memshare-bad");
        PrivatePodman.withConmonEnv(List.of(ENV + "ksm-everything"), () -> {
            try {
                Fixtures.Proc p = podman(m, "run", "--name", n, "--network", "none", IMG, "echo", "must-not-run");
                assertTrue(p.status() != 0, "podman run must fail: " + p);
                assertTrue(p.err().contains("CONMONJ_MEMORY_SHARING=ksm-everything: expected off, ksm or ksm-fixed-layout"),
                        "the reason reaches podman's stderr: " + p.err());
                assertFalse(p.out().contains("must-not-run"), "the container did not run: " + p.out());
            } finally {
                podman(m, "rm", "-f", "-t", "0", n);
            }
            return null;
        });
    }
}
