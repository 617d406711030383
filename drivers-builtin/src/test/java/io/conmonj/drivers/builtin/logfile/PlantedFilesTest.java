package io.conmonj.drivers.builtin.logfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conmonj.drivers.builtin.jsonfile.JsonFileProvider;
import io.conmonj.drivers.builtin.k8sfile.K8sFileLog;
import io.conmonj.drivers.builtin.k8sfile.K8sFileOptions;
import io.conmonj.drivers.builtin.k8sfile.K8sFileProvider;
import io.conmonj.drivers.builtin.logfile.Planted.Kind;
import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogDriverException;
import io.conmonj.plugin.LogRecord;
import io.conmonj.plugin.LogStream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Attacks on the log directory, with real files: a symbolic link, a hard link to a file the attacker cannot write,
 * a FIFO or a directory is planted at the log file's name, at every rotated name, and at the temporary and
 * compressed names; the drivers then open, write, rotate, compress and close. Each time the victim file is
 * byte-identical with the same mode, and the driver either refuses with a clear error (at the log file's own name) or
 * goes on safely (elsewhere). A FIFO never blocks: each case runs under a time bound.
 */
class PlantedFilesTest {
    static final ContainerMetadata META = new ContainerMetadata("0123456789abcdef0123", "web", null, Map.of(),
            Map.of(), null);
    /** Far above what any case needs; a blocked open of a FIFO would never end. */
    static final Duration BOUND = Duration.ofSeconds(60);
    static final String NAME = "ctr.log";

    @TempDir
    Path tmp;
    Path logDir;
    Path log;
    Planted.Victim victim;
    final List<String> warnings = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        logDir = Files.createDirectory(tmp.resolve("logs"));
        log = logDir.resolve(NAME);
        victim = new Planted.Victim(Files.createDirectory(tmp.resolve("etc")));
    }

    /** The ways a log file is written: each driver, with and without compression, and conmon's own -l file. */
    enum Driver {
        K8S_FILE_ROTATE(false), K8S_FILE_ROTATE_GZ(false), K8S_FILE_TRUNCATE(false), JSON_FILE(false),
        JSON_FILE_GZ(false), CONMON_L_ROTATE(true), CONMON_L_ROTATE_GZ(true);

        final boolean conmonOwn;

        Driver(boolean conmonOwn) {
            this.conmonOwn = conmonOwn;
        }

        LogDriver open(Path log, List<String> warnings) throws IOException, LogDriverException {
            String p = log.toString();
            return switch (this) {
                case K8S_FILE_ROTATE -> new K8sFileProvider().open(META, Map.of("path", p, "max-size", "4k",
                        "max-file", "2"), warnings::add);
                case K8S_FILE_ROTATE_GZ -> new K8sFileProvider().open(META, Map.of("path", p, "max-size", "4k",
                        "max-file", "2", "compress", "true"), warnings::add);
                case K8S_FILE_TRUNCATE -> new K8sFileProvider().open(META, Map.of("path", p, "max-size", "4k"),
                        warnings::add);
                case JSON_FILE -> new JsonFileProvider().open(META, Map.of("path", p, "max-size", "4096",
                        "max-file", "3"), warnings::add);
                case JSON_FILE_GZ -> new JsonFileProvider().open(META, Map.of("path", p, "max-size", "4096",
                        "max-file", "3", "compress", "true"), warnings::add);
                case CONMON_L_ROTATE -> new K8sFileLog(K8sFileOptions.of(log).withSizeMax(4096).withRotate(true, 2),
                        warnings::add);
                case CONMON_L_ROTATE_GZ -> new K8sFileLog(K8sFileOptions.of(log).withSizeMax(4096)
                        .withRotate(true, 2).withCompress(true), warnings::add);
            };
        }
    }

    /** At the log file's own name: every driver chosen by options refuses, with the reason, and touches nothing. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void plantedAtTheLogPathIsRefused(Kind kind) throws Exception {
        Planted.plant(kind, log, victim.path);
        for (Driver d : Driver.values()) {
            if (d.conmonOwn) {
                continue; // conmon's -l path is Podman's own; it is opened as conmon opens it (see K8sFileLog)
            }
            LogDriverException e = assertTimeoutPreemptively(BOUND,
                    () -> assertThrows(LogDriverException.class, () -> d.open(log, warnings).close()), d.name());
            String expected = switch (kind) {
                case SYMLINK -> "Too many levels of symbolic links";
                case HARDLINK -> "has 2 hard links (refused: a log file has one name)";
                case FIFO -> "not a regular file";
                case DIRECTORY -> "Is a directory";
            };
            assertTrue(e.getMessage().contains(expected), d + ": " + e.getMessage());
            victim.assertUntouched();
        }
        switch (kind) { // the planted entry itself is left as it was
            case SYMLINK -> assertEquals(victim.path, Files.readSymbolicLink(log));
            case HARDLINK -> assertTrue(Files.isSameFile(log, victim.path));
            case FIFO -> assertTrue(Files.exists(log, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(log));
            case DIRECTORY -> assertTrue(Files.isDirectory(log, LinkOption.NOFOLLOW_LINKS));
        }
        assertEquals(List.of(), warnings);
    }

    static Stream<Arguments> siblings() {
        List<Arguments> out = new ArrayList<>();
        for (Driver d : Driver.values()) {
            for (Kind k : Kind.values()) {
                for (String suffix : List.of(".1", ".2", ".3", ".1.gz", ".2.gz", ".new", ".tmp", ".gz.tmp")) {
                    out.add(Arguments.of(d, k, suffix));
                }
            }
        }
        return out.stream();
    }

    /**
     * At a rotated, temporary or compressed name: the driver writes, rotates (or truncates) and compresses several
     * times; the victim is untouched, and the driver either went on (its last record is in the log file, which is a
     * regular file with one link) or stopped with a clear error (a failed truncation is fatal, as in conmon).
     */
    @ParameterizedTest(name = "{0} {1} at PATH{2}")
    @MethodSource("siblings")
    void plantedAtASiblingNameRedirectsNothing(Driver d, Kind kind, String suffix) throws Exception {
        Planted.plant(kind, logDir.resolve(NAME + suffix), victim.path);
        IOException failed = assertTimeoutPreemptively(BOUND, () -> {
            try (LogDriver driver = d.open(log, warnings)) {
                for (int batch = 0; batch < 12; batch++) {
                    for (int i = 0; i < 10; i++) {
                        driver.write(record(batch * 10 + i));
                    }
                    driver.flush();
                }
                driver.sync();
            } catch (IOException e) {
                return e;
            }
            return null;
        }, d + " " + kind + " " + suffix);
        victim.assertUntouched();
        if (failed != null) {
            // Only conmon's fatal truncation may stop a driver, and only when the planted entry cannot be removed.
            assertEquals(Driver.K8S_FILE_TRUNCATE, d, String.valueOf(failed));
            assertEquals(".tmp", suffix);
            assertEquals(Kind.DIRECTORY, kind);
            assertTrue(failed.getMessage().startsWith("Failed to open log file " + log + " Is a directory"),
                    failed.getMessage());
            return;
        }
        assertTrue(Files.isRegularFile(log, LinkOption.NOFOLLOW_LINKS), "log is a regular file");
        assertEquals(1, Files.getAttribute(log, "unix:nlink", LinkOption.NOFOLLOW_LINKS), "log has one link");
        String content = Files.readString(log, StandardCharsets.ISO_8859_1);
        assertTrue(content.contains("record 119 "), "the last record is in the log file");
        Path gzTmp = logDir.resolve(NAME + ".gz.tmp");
        if (Files.isRegularFile(gzTmp, LinkOption.NOFOLLOW_LINKS)) { // a driver without compression left it alone
            assertTrue(Files.isSameFile(gzTmp, victim.path), "no temporary file of ours left behind");
        }
    }

    /** 60 bytes of output: "record N " and filler. */
    static LogRecord record(int n) {
        String s = "record " + n + " " + "x".repeat(50 - Integer.toString(n).length()) + "\n";
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return new LogRecord(LogStream.STDOUT, 1_796_004_346_309_194_498L + n, b, 0, b.length, false);
    }
}
