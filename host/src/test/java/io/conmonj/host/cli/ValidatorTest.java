package io.conmonj.host.cli;

import io.conmonj.plugin.ErrnoText;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * conmon-behaviour.md §1.4 steps 3-15: every message, its prefix style, and the order (each test passes
 * the failing condition together with later failing ones to prove which check comes first).
 * Messages were compared with /usr/bin/conmon 2.1.6 where it has the check.
 */
class ValidatorTest {
    static final String LONG_CID = "0123456789abcdef";

    @TempDir
    Path dir;
    String runtime;
    /** The log descriptions handed over: the monitor opens conmon's log from each before the remaining checks. */
    final List<LogConfig> described = new ArrayList<>();

    @BeforeEach
    void makeRuntime() throws IOException {
        Path rt = dir.resolve("runc");
        Files.writeString(rt, "#!/bin/sh\n");
        Files.setPosixFilePermissions(rt, PosixFilePermissions.fromString("rwxr-xr-x"));
        runtime = rt.toString();
    }

    /** A valid create command line followed by {@code extra} (later options override). */
    String[] valid(String... extra) {
        List<String> argv = new ArrayList<>(List.of("-c", LONG_CID, "-u", "uuid", "-r", runtime, "-l", "none"));
        argv.addAll(Arrays.asList(extra));
        return argv.toArray(String[]::new);
    }

    /** As the monitor runs it: validation, (the log would be opened here), the checks conmon makes after that. */
    ValidatedConfig validate(String... argv) throws Exception {
        ValidatedConfig cfg = Validator.validate(parse(argv));
        described.add(cfg.logs());
        cfg.refuseAfterLogOpen();
        return cfg;
    }

    Options parse(String... argv) throws OptionParsingException {
        return Options.parse(argv, dir.toString(), k -> null);
    }

    ConfigError fails(String... argv) {
        return assertThrows(ConfigError.class, () -> validate(argv));
    }

    void assertError(String message, ConfigError.Style style, String... argv) {
        ConfigError e = fails(argv);
        assertEquals(message, e.getMessage());
        assertEquals(style, e.style());
    }

    @Test
    void validCreateCommandLine() throws Exception {
        ValidatedConfig cfg = validate(valid());
        assertEquals(LogLevel.WARN, cfg.logLevel());
        assertEquals(List.of(new LogTarget(LogTarget.Driver.NONE, null)), cfg.logTargets());
        assertEquals(List.of(), cfg.warnings());
        assertEquals(LONG_CID, cfg.options().cid());
        assertNull(cfg.refusalAfterLogOpen());
        assertEquals(List.of(cfg.logs()), described);
        assertEquals(new LogConfig(cfg.logTargets(), null, null,
                new LogConfig.Container(dir.toString(), LONG_CID, null, null, List.of(), true)), cfg.logs(),
                "--bundle defaults to the working directory");
    }

    @Test
    void step3NegativeLogMaxFiles() {
        assertError("log-max-files must be non-negative, got -1", ConfigError.Style.PLAIN,
                "--log-max-files", "-1", "--log-rotate", "--log-level", "bogus");
        assertEquals("conmon: log-max-files must be non-negative, got -5",
                fails("--log-max-files", "-5").line(), "checked even before --cid");
    }

    @Test
    void step4RotateNeedsAtLeastOneFile() throws Exception {
        assertError("log-max-files must be at least 1 when log-rotate is enabled, got 0", ConfigError.Style.PLAIN,
                "--log-rotate", "--log-max-files", "0");
        assertEquals(0, validate(valid("--log-max-files", "0")).options().logMaxFiles(), "0 is fine without rotate");
    }

    @Test
    void step5ContainerIdRequired() {
        ConfigError e = fails("--log-level", "bogus", "--exec-attach");
        assertEquals("Container ID not provided. Use --cid", e.getMessage());
        assertEquals("conmon: Container ID not provided. Use --cid", e.line());
    }

    @Test
    void step6LogLevel() {
        ConfigError e = fails("-c", "x", "--log-level", "bogus", "--exec-attach");
        assertEquals("No such log level bogus", e.getMessage());
        assertEquals("[conmon:e]: No such log level bogus", e.line());
    }

    @Test
    void step6LogLevelValuesAreCaseInsensitive() throws Exception {
        assertEquals(LogLevel.WARN, validate(valid("--log-level", "WARNING")).logLevel());
        assertEquals(LogLevel.TRACE, validate(valid("--log-level", "Trace")).logLevel());
        assertEquals(LogLevel.ERROR, validate(valid("--log-level=PANIC")).logLevel());
    }

    @Test
    void step7ExecAndRestore() {
        assertError("Cannot use 'exec' and 'restore' at the same time", ConfigError.Style.ERROR,
                "-c", "x", "--restore", "/ckpt", "-e", "--exec-attach");
    }

    @Test
    void step8AttachNeedsExec() {
        assertError("Attach can only be specified with exec", ConfigError.Style.ERROR,
                "-c", "x", "--exec-attach", "--api-version");
    }

    @Test
    void step9AttachNeedsApiVersion() {
        assertError("Attach can only be specified for a non-legacy exec session", ConfigError.Style.ERROR,
                "-c", "x", "--exec-attach", "-e");
    }

    @Test
    void step10CuuidRequired() {
        assertError("Container UUID not provided. Use --cuuid", ConfigError.Style.ERROR, "-c", "x");
        assertError("Container UUID not provided. Use --cuuid", ConfigError.Style.ERROR,
                "-c", "x", "-e", "--api-version", "--exec-attach");
    }

    @Test
    void step10LegacyExecNeedsNoCuuid() {
        // Gets past the cuuid check and stops at the next one.
        assertError("Runtime path not provided. Use --runtime", ConfigError.Style.ERROR, "-c", "x", "-e");
    }

    @Test
    void step11RuntimeRequired() {
        assertError("Runtime path not provided. Use --runtime", ConfigError.Style.ERROR,
                "-c", "x", "-u", "u", "-e", "--exit-delay", "-1");
    }

    @Test
    void step11RuntimeMustExist() {
        String missing = dir.resolve("nope").toString();
        assertError("Runtime path " + missing + " is not valid No such file or directory", ConfigError.Style.ERROR,
                "-c", "x", "-u", "u", "-r", missing, "-e");
        assertError("Runtime path  is not valid No such file or directory", ConfigError.Style.ERROR,
                "-c", "x", "-u", "u", "-r", "");
    }

    @Test
    void step11RuntimeMustBeExecutable() throws IOException {
        Path plain = dir.resolve("plain");
        Files.writeString(plain, "x");
        Files.setPosixFilePermissions(plain, PosixFilePermissions.fromString("rw-r--r--"));
        assertError("Runtime path " + plain + " is not valid Permission denied", ConfigError.Style.ERROR,
                "-c", "x", "-u", "u", "-r", plain.toString());
    }

    @Test
    void step11OtherErrnoTexts() throws IOException {
        Path plain = dir.resolve("plain");
        Files.writeString(plain, "x");
        assertError("Runtime path " + plain + "/x is not valid Not a directory", ConfigError.Style.ERROR,
                "-c", "x", "-u", "u", "-r", plain + "/x");
        assertError("Runtime path " + runtime + "/ is not valid Not a directory", ConfigError.Style.ERROR,
                "-c", "x", "-u", "u", "-r", runtime + "/");
        Path loop1 = dir.resolve("loop1");
        Path loop2 = dir.resolve("loop2");
        Files.createSymbolicLink(loop1, loop2);
        Files.createSymbolicLink(loop2, loop1);
        assertError("Runtime path " + loop1 + " is not valid Too many levels of symbolic links",
                ConfigError.Style.ERROR, "-c", "x", "-u", "u", "-r", loop1.toString());
    }

    @Test
    void step11DirectoryPassesAccessLikeInC() throws Exception {
        // access(dir, X_OK) succeeds, so conmon accepts a directory as runtime.
        assertEquals(dir.toString(), validate(valid("-r", dir.toString())).options().runtime());
    }

    @Test
    void step12ExecNeedsProcessSpec() {
        assertError("Exec process spec path not provided. Use --exec-process-spec", ConfigError.Style.ERROR,
                valid("-e", "--exit-delay", "-1", "-l", ""));
    }

    @Test
    void step13NegativeExitDelay() {
        assertError("Delay before invoking exit command must be greater than or equal to 0", ConfigError.Style.ERROR,
                valid("--exit-delay", "-1", "-l", ""));
    }

    @Test
    void step14LogDriverRequired() {
        String[] argv = {"-c", LONG_CID, "-u", "u", "-r", runtime};
        assertError("Log driver not provided. Use --log-path", ConfigError.Style.ERROR, argv);
        assertTrue(described.isEmpty());
    }

    @Test
    void step14LogPathErrorsComeBeforeOpening() throws Exception {
        Options o = parse(valid("-l", "k8s-file:/l", "-l", "foo:bar", "--log-tag", "t"));
        ConfigError e = assertThrows(ConfigError.class, () -> Validator.validate(o),
                "thrown at once: no log is described, so none is opened, when a later -l is bad");
        assertEquals("No such log driver foo", e.getMessage());
    }

    @Test
    void step14TagCheckIsHandedOverForAfterTheLogIsOpened() throws Exception {
        // conmon creates the k8s file before this check: a log that cannot be opened is reported first
        ValidatedConfig cfg = Validator.validate(parse(valid("-l", "k8s-file:/first", "-l", "/second",
                "--log-tag", "t", "--log-label", "A=1")));
        assertEquals(List.of(new LogTarget(LogTarget.Driver.NONE, null), new LogTarget(LogTarget.Driver.K8S_FILE, "/second")),
                cfg.logTargets());
        assertEquals("/second", cfg.logs().k8sFile().path(), "the last k8s-file path is the one opened");
        ConfigError e = assertThrows(ConfigError.class, cfg::refuseAfterLogOpen);
        assertEquals("[conmon:e]: k8s-file doesn't support --log-tag", e.line());
        assertEquals(cfg.refusalAfterLogOpen(), e);
    }

    @Test
    void step14JournaldChecksAreHandedOverForAfterTheLogIsOpened() throws Exception {
        ValidatedConfig cfg = Validator.validate(parse(valid("-c", "short", "-l", "/log", "-l", "journald")));
        assertEquals("Container ID must be longer than 12 characters", cfg.refusalAfterLogOpen().getMessage());
        assertEquals("/log", cfg.logs().k8sFile().path());
        cfg = Validator.validate(parse(valid("-l", "journald", "--log-label", "lower=v")));
        assertTrue(cfg.refusalAfterLogOpen().getMessage().startsWith("Container label names must contain only"));
    }

    @Test
    void logDescriptionCarriesTheLogOptions() throws Exception {
        ValidatedConfig cfg = validate(valid("-l", "k8s-file:/log", "-l", "journald", "--log-size-max", "4096",
                "--log-global-size-max", "8192", "--log-rotate", "--log-max-files", "3", "--log-allowlist-dir", "/a",
                "--log-tag", "t", "--log-label", "A_1=x", "--no-container-partial-message", "-n", "web", "-b", "/bundle"));
        LogConfig logs = cfg.logs();
        assertEquals(new LogConfig.K8sFile("/log", 4096, 8192, true, 3, List.of("/a")), logs.k8sFile());
        assertEquals(new LogConfig.Journal(LONG_CID, "web", "t", List.of("A_1=x"), false), logs.journal());
        assertEquals(new LogConfig.Container("/bundle", LONG_CID, "web", "t", List.of("A_1=x"), true), logs.container());
        assertNull(cfg.refusalAfterLogOpen());
    }

    @Test
    void step14K8sFileRejectsLabels() {
        assertError("k8s-file doesn't support --log-label", ConfigError.Style.ERROR,
                valid("-l", "/log", "--log-label", "A=1"));
    }

    @Test
    void step14TagAndLabelsFineWithJournaldAlongsideK8sFile() throws Exception {
        ValidatedConfig cfg = validate(valid("-l", "k8s-file:/log", "-l", "journald", "--log-tag", "t",
                "--log-label", "A_1=x"));
        assertEquals(List.of(new LogTarget(LogTarget.Driver.NONE, null), new LogTarget(LogTarget.Driver.K8S_FILE, "/log"),
                new LogTarget(LogTarget.Driver.JOURNALD, null)), cfg.logTargets());
        assertTrue(cfg.uses(LogTarget.Driver.JOURNALD));
        assertEquals("/log", cfg.k8sFilePath());
    }

    @Test
    void step14TagAndLabelsIgnoredWithOtherDrivers() throws Exception {
        ValidatedConfig cfg = validate(valid("-l", "passthrough", "--log-tag", "t", "--log-label", "bad label"));
        assertEquals(List.of(new LogTarget(LogTarget.Driver.NONE, null), new LogTarget(LogTarget.Driver.PASSTHROUGH, null)),
                cfg.logTargets());
        assertNull(cfg.k8sFilePath());
    }

    @ParameterizedTest
    @ValueSource(strings = {"x", "123456789012", "abcdefabcdef"})
    void step14JournaldNeedsCidLongerThan12(String cid) {
        assertError("Container ID must be longer than 12 characters", ConfigError.Style.ERROR,
                valid("-c", cid, "-l", "journald:", "--log-label", "=bad"));
    }

    @Test
    void step14JournaldAcceptsThirteenCharacters() throws Exception {
        assertEquals("1234567890123", validate(valid("-c", "1234567890123", "-l", "journald")).options().cid());
    }

    @Test
    void step14LabelWithoutName() {
        assertError("Container labels must be in format LABEL=VALUE (no LABEL present in '=v')",
                ConfigError.Style.ERROR, valid("-l", "journald", "--log-label", "A=1", "--log-label", "=v"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"NOEQUALS", "A=B=C", ""})
    void step14LabelNeedsExactlyOneEquals(String label) {
        assertError("Container labels must be in format LABEL=VALUE (none or more than one '=' present in '"
                + label + "')", ConfigError.Style.ERROR, valid("-l", "journald", "--log-label", label));
    }

    @ParameterizedTest
    @ValueSource(strings = {"my=x", "MY%LABEL=x", "A-B=x", "\u00c4=x", "A B=x"})
    void step14LabelNameCharacters(String label) {
        assertError("Container label names must contain only uppercase letters, numbers and underscore (in '"
                + label + "')", ConfigError.Style.ERROR, valid("-l", "journald", "--log-label", label));
    }

    @Test
    void step14ValidLabelsPass() throws Exception {
        ValidatedConfig cfg = validate(valid("-l", "journald", "--log-label", "A_1=any value?",
                "--log-label", "B="));
        assertEquals(List.of("A_1=any value?", "B="), cfg.options().logLabels());
    }

    @Test
    void step15PartialMessageWarningWithoutJournald() throws Exception {
        ValidatedConfig cfg = validate(valid("-l", "/log", "--no-container-partial-message"));
        assertEquals(List.of("--no-container-partial-message has no effect without journald log driver"),
                cfg.warnings());
        assertEquals(List.of(), validate(valid("-l", "journald", "--no-container-partial-message")).warnings());
    }

    @Test
    void execCommandLine() throws Exception {
        ValidatedConfig cfg = validate("--api-version", "-c", LONG_CID, "-u", "sess", "-r", runtime, "-e",
                "--exec-attach", "--exec-process-spec", "/spec.json", "-l", "none", "-p", "/exec-pid");
        assertTrue(cfg.options().exec());
        assertNull(cfg.options().bundle());
        assertEquals("/spec.json", cfg.options().execProcessSpec());
        assertFalse(cfg.logs().container().selectsDrivers(), "an exec session's output is not the container's log");
    }
}
