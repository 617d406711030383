package io.conmonj.host.cli;

import static io.conmonj.host.cli.LogTarget.Driver.JOURNALD;
import static io.conmonj.host.cli.LogTarget.Driver.K8S_FILE;
import static io.conmonj.host.cli.LogTarget.Driver.NONE;
import static io.conmonj.host.cli.LogTarget.Driver.PASSTHROUGH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The conmon-behaviour.md §1.3 table, row by row, plus strtok corner cases (checked against /usr/bin/conmon). */
class LogPathsTest {

    static LogTarget one(String value) throws ConfigError {
        return LogPaths.parseOne(value);
    }

    static ConfigError fails(String... values) {
        return assertThrows(ConfigError.class, () -> LogPaths.parse(List.of(values)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ":", "::", ":::"})
    void emptyIsFatal(String value) {
        ConfigError e = fails(value);
        assertEquals("log-path must not be empty", e.getMessage());
        assertEquals(ConfigError.Style.ERROR, e.style());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            ":X|X", ":none|none", ":journald|journald", ":k8s-file|k8s-file", "::/var/log/x|/var/log/x",
            ":passthrough|passthrough", ":off|off"})
    void leadingColonWithOneTokenIsAK8sFile(String value, String path) throws Exception {
        assertEquals(new LogTarget(K8S_FILE, path), one(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"off", "null", "none", "off:", "null:/x", "none:anything", "none:a:b"})
    void offNullNoneAreNoOps(String value) throws Exception {
        assertEquals(new LogTarget(NONE, null), one(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"passthrough", "passthrough:", "passthrough:/x"})
    void passthrough(String value) throws Exception {
        assertEquals(new LogTarget(PASSTHROUGH, null), one(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"journald", "journald:", "journald:anything", "journald::x", ":journald:x"})
    void journaldIgnoresThePath(String value) throws Exception {
        assertEquals(new LogTarget(JOURNALD, null), one(value));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "k8s-file:/var/log/ctr.log|/var/log/ctr.log",
            "k8s-file::/x|/x",
            "k8s-file:/a:b|/a",      // third token silently dropped
            "k8s-file:rel/log|rel/log",
            ":k8s-file:/y|/y"})      // strtok skips the leading ':' so the driver is k8s-file
    void k8sFileWithPath(String value, String path) throws Exception {
        assertEquals(new LogTarget(K8S_FILE, path), one(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s-file", "k8s-file:", "k8s-file::"})
    void k8sFileWithoutPathIsFatal(String value) {
        assertEquals("k8s-file requires a filename", fails(value).getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/var/log/ctr.log", "ctr.log", "relative/dir/log", "K8S-FILE", "Journald"})
    void noColonMeansWholeStringIsAK8sFilePath(String value) throws Exception {
        assertEquals(new LogTarget(K8S_FILE, value), one(value));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "other:/x|other", "/a:b|/a", "foo:|foo", "a::b|a", "syslog:x|syslog", "JOURNALD:|JOURNALD"})
    void unknownDriverIsFatal(String value, String driver) {
        assertEquals("No such log driver " + driver, fails(value).getMessage());
    }

    @Test
    void noLogPathAtAllIsFatal() {
        assertEquals("Log driver not provided. Use --log-path", fails().getMessage());
    }

    @Test
    void noneAloneSatisfiesTheRequirement() throws Exception {
        assertEquals(List.of(new LogTarget(NONE, null)), LogPaths.parse(List.of("none")));
    }

    @Test
    void severalDriversCombineInOrderOfFirstAppearance() throws Exception {
        assertEquals(List.of(new LogTarget(K8S_FILE, "/l"), new LogTarget(JOURNALD, null)),
                LogPaths.parse(List.of("k8s-file:/l", "journald:", "none:")
                        .subList(0, 2)));
        assertEquals(List.of(new LogTarget(JOURNALD, null), new LogTarget(NONE, null),
                        new LogTarget(K8S_FILE, "/l")),
                LogPaths.parse(List.of("journald", "none", "/l", "journald:x")));
    }

    @Test
    void k8sFileTwiceLastPathWins() throws Exception {
        assertEquals(List.of(new LogTarget(K8S_FILE, "/second"), new LogTarget(PASSTHROUGH, null)),
                LogPaths.parse(List.of("k8s-file:/first", "passthrough", "/second")));
    }

    @Test
    void firstBadValueFailsEvenAfterGoodOnes() {
        assertEquals("No such log driver invalid",
                fails("k8s-file:/l", "invalid:/l", "k8s-file").getMessage());
    }
}
