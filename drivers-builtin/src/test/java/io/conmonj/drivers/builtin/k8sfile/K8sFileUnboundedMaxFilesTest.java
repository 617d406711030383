package io.conmonj.drivers.builtin.k8sfile;

import static io.conmonj.drivers.builtin.k8sfile.LogTestSupport.CLOCK;
import static io.conmonj.drivers.builtin.k8sfile.LogTestSupport.out;
import static io.conmonj.drivers.builtin.k8sfile.LogTestSupport.read;
import static io.conmonj.drivers.builtin.k8sfile.LogTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.conmonj.plugin.LogStream;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --log-rotate --log-max-files 2147483647} on the command line, which is not bounded (conmon's shift loop
 * runs over every number): rotations move only the backups that exist, with conmon's outcome, and end (the bound
 * below is a hang guard, not a speed requirement: conmon's loop would take hours).
 */
class K8sFileUnboundedMaxFilesTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void hugeMaxFilesRotatesLikeConmonAndEnds(boolean compress) throws Exception {
        Path logPath = dir.resolve("ctr.log");
        // Not backups of this log: a leading zero, no number, another name.
        for (String other : List.of("ctr.log.0", "ctr.log.01", "ctr.log.x", "ctr.log.1x", "other.log.1")) {
            Files.writeString(dir.resolve(other), other);
        }
        LogTestSupport.Warnings warnings = new LogTestSupport.Warnings();
        K8sFileOptions o = K8sFileOptions.of(logPath).withSizeMax(50).withRotate(true, Integer.MAX_VALUE)
                .withCompress(compress);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (K8sFileLog log = new K8sFileLog(o, CLOCK, warnings)) {
                for (int i = 1; i <= 5; i++) {
                    write(log, LogStream.STDOUT, "l" + i + "\n");
                }
            }
        });
        assertEquals(List.of(), warnings.list);
        assertEquals(out("l5"), read(logPath));
        if (!compress) {
            assertEquals(out("l4"), read(Path.of(logPath + ".1")));
            assertEquals(out("l3"), read(Path.of(logPath + ".2")));
            assertEquals(out("l2"), read(Path.of(logPath + ".3")));
            assertEquals(out("l1"), read(Path.of(logPath + ".4")));
        }
        TreeSet<String> names;
        try (var s = Files.list(dir)) {
            names = s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        String gz = compress ? ".gz" : "";
        assertEquals(new TreeSet<>(List.of("ctr.log", "ctr.log.1" + gz, "ctr.log.2" + gz, "ctr.log.3" + gz,
                "ctr.log.4" + gz, "ctr.log.0", "ctr.log.01", "ctr.log.x", "ctr.log.1x", "other.log.1")), names);
        for (String other : List.of("ctr.log.0", "ctr.log.01", "ctr.log.x", "ctr.log.1x", "other.log.1")) {
            assertEquals(other, Files.readString(dir.resolve(other)));
        }
    }
}
