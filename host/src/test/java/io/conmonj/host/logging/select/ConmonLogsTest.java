package io.conmonj.host.logging.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conmonj.host.cli.LogConfig;
import io.conmonj.host.cli.LogTarget;
import io.conmonj.host.logging.LogPipeline;
import io.conmonj.host.logging.Stream;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** conmon's own logs opened from the command line's description: real files, the real journal socket. */
class ConmonLogsTest {
    static final String CID = "0123456789abcdef";

    @TempDir
    Path dir;
    final List<String> warnings = new ArrayList<>();

    static LogConfig.Container container(boolean selectsDrivers) {
        return new LogConfig.Container(null, CID, "web", null, List.of(), selectsDrivers);
    }

    /** {@code -l k8s-file:PATH} with every other option at conmon's default. */
    static LogConfig k8sFile(Path path) {
        return new LogConfig(List.of(new LogTarget(LogTarget.Driver.K8S_FILE, path.toString())),
                new LogConfig.K8sFile(path.toString(), -1, -1, false, 1, List.of()), null, container(true));
    }

    private LogPipeline pipeline(LogConfig logs) throws SelectionException {
        return LogSetup.open(logs, Map.of(), ConmonLogs.open(logs, warnings::add), warnings::add);
    }

    @Test
    void k8sFileIsCreatedWithTheGivenOptions() throws Exception {
        Path log = dir.resolve("ctr.log");
        LogConfig logs = new LogConfig(List.of(new LogTarget(LogTarget.Driver.K8S_FILE, log.toString())),
                new LogConfig.K8sFile(log.toString(), 100, -1, true, 1, List.of()), null, container(true));
        try (LogPipeline p = pipeline(logs)) {
            assertTrue(Files.exists(log), "created while the caller still waits");
            assertEquals(List.of("k8s-file"), p.driverNames());
            byte[] line = "0123456789012345678901234567890123456789\n".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 4; i++) {
                p.write(Stream.STDOUT, line, 0, line.length);
            }
        }
        assertTrue(Files.exists(dir.resolve("ctr.log.1")), "--log-size-max with --log-rotate reached the file: "
                + warnings);
        assertTrue(Files.size(log) <= 100, "the live file stays within --log-size-max");
    }

    @Test
    void journaldFollowsK8sFile() throws Exception {
        Path log = dir.resolve("ctr.log");
        LogConfig logs = new LogConfig(List.of(new LogTarget(LogTarget.Driver.JOURNALD, null),
                new LogTarget(LogTarget.Driver.K8S_FILE, log.toString())),
                new LogConfig.K8sFile(log.toString(), -1, -1, false, 1, List.of()),
                new LogConfig.Journal(CID, "web", null, List.of(), true), container(true));
        try (LogPipeline p = pipeline(logs)) {
            assertEquals(List.of("k8s-file", "journald"), p.driverNames());
        }
    }

    @Test
    void noneAndPassthroughOpenNothing() throws Exception {
        LogConfig logs = new LogConfig(List.of(new LogTarget(LogTarget.Driver.NONE, null),
                new LogTarget(LogTarget.Driver.PASSTHROUGH, null)), null, null, container(true));
        assertEquals(List.of(), ConmonLogs.open(logs, warnings::add));
    }

    @Test
    void fileErrorKeepsConmonsText() {
        Path log = dir.resolve("no/such/ctr.log");
        SelectionException e = assertThrows(SelectionException.class, () -> ConmonLogs.open(k8sFile(log),
                warnings::add));
        assertEquals("Failed to open log file No such file or directory", e.getMessage());
        assertFalse(Files.exists(dir.resolve("no")), "nothing created");
    }

    @Test
    void execSessionSelectsNoDrivers() throws Exception {
        Files.writeString(dir.resolve("config.json"), "{\"annotations\":{\"io.conmon-j.log-driver\":");
        LogConfig exec = new LogConfig(List.of(new LogTarget(LogTarget.Driver.NONE, null)), null, null,
                new LogConfig.Container(dir.toString(), CID, null, null, List.of(), false));
        try (LogPipeline p = pipeline(exec)) {
            assertTrue(p.isEmpty(), "the bundle is not even read");
        }
        LogConfig create = new LogConfig(exec.targets(), null, null,
                new LogConfig.Container(dir.toString(), CID, null, null, List.of(), true));
        assertTrue(assertThrows(SelectionException.class, () -> pipeline(create)).getMessage()
                .startsWith("cannot read the annotations of " + dir + "/config.json: "),
                "the container's bundle is where the selection is read");
    }
}
