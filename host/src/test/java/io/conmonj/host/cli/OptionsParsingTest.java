package io.conmonj.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * GOption rules of conmon-behaviour.md §1.1. Expected error texts were taken from /usr/bin/conmon
 * (2.1.6, same GLib parser) run with the same argv.
 */
class OptionsParsingTest {
    static final String CWD = "/work/dir";

    static Options parse(String... argv) throws OptionParsingException {
        return Options.parse(argv, CWD, name -> null);
    }

    static String error(String... argv) {
        return assertThrows(OptionParsingException.class, () -> parse(argv)).getMessage();
    }

    @Test
    void longOptionWithSeparateValueAndWithEquals() throws Exception {
        Options o = parse("--cid", "abc", "--name=web", "--exit-dir=");
        assertEquals("abc", o.cid());
        assertEquals("web", o.name());
        assertEquals("", o.exitDir(), "--opt= gives an empty value, not 'unset'");
    }

    @Test
    void equalsInsideValueIsKept() throws Exception {
        assertEquals("a=b", parse("--cid=a=b").cid());
    }

    @Test
    void shortOptionTakesValueFromNextElement() throws Exception {
        Options o = parse("-c", "abc", "-u", "uu", "-r", "/bin/true", "-b", "/b", "-p", "/p", "-P", "/P",
                "-n", "nm", "-0", "/persist", "-l", "k8s-file:/l", "-T", "5");
        assertEquals("abc", o.cid());
        assertEquals("uu", o.cuuid());
        assertEquals("/bin/true", o.runtime());
        assertEquals("/b", o.bundle());
        assertEquals("/p", o.containerPidfile());
        assertEquals("/P", o.conmonPidfile());
        assertEquals("nm", o.name());
        assertEquals("/persist", o.persistDir());
        assertEquals(List.of("k8s-file:/l"), o.logPaths());
        assertEquals(5, o.timeout());
    }

    @Test
    void shortOptionWithAttachedValueIsUnknownOptionWhenMoreArgsFollow() {
        assertEquals("Unknown option -cVALUE", error("-cVALUE", "next"));
        assertEquals("Unknown option -c=X", error("-c=X", "next"));
    }

    @Test
    void shortOptionWithAttachedValueAtEndIsMissingArgument() {
        // GLib looks for the value in the next element first; there is none.
        assertEquals("Missing argument for -c", error("-cVALUE"));
        assertEquals("Missing argument for -c", error("-c=X"));
    }

    @Test
    void clusterOfBooleanShortFlags() throws Exception {
        Options o = parse("-ti", "-se");
        assertTrue(o.terminal());
        assertTrue(o.stdin());
        assertTrue(o.systemdCgroup());
        assertTrue(o.exec());
    }

    @Test
    void clusterEndingOrStartingWithValueOption() throws Exception {
        Options o = parse("-tc", "ID");
        assertTrue(o.terminal());
        assertEquals("ID", o.cid());
        o = parse("-ct", "ID");
        assertTrue(o.terminal());
        assertEquals("ID", o.cid(), "the value is the next element even when the value option is first");
    }

    @Test
    void twoValueOptionsInOneClusterIsAnError() {
        assertEquals("Error parsing option -c", error("-ccc", "a", "b"));
        assertEquals("Error parsing option -u", error("-cu", "a", "b"));
    }

    @Test
    void unknownLetterInClusterReportsWholeElement() {
        assertEquals("Unknown option -tx", error("-tx"));
        assertEquals("Unknown option -xt", error("-xt"));
        assertEquals("Unknown option -x", error("-x"));
    }

    @Test
    void valueIsConsumedUnconditionallyEvenIfItLooksLikeAnOption() throws Exception {
        Options o = parse("--runtime-arg", "--log-format=json", "--exit-command-arg", "--root",
                "-c", "-t", "--exit-command-arg", "", "--exit-command-arg", "--", "--name", "--version");
        assertEquals(List.of("--log-format=json"), o.runtimeArgs());
        assertEquals(List.of("--root", "", "--"), o.exitCommandArgs());
        assertEquals("-t", o.cid());
        assertFalse(o.terminal());
        assertEquals("--version", o.name());
        assertFalse(o.version());
    }

    @Test
    void emptyValueIsLegal() throws Exception {
        Options o = parse("--exit-command-arg", "", "--name", "");
        assertEquals(List.of(""), o.exitCommandArgs());
        assertEquals("", o.name());
    }

    @Test
    void missingValueAtEndNamesTheOptionAsTyped() {
        assertEquals("Missing argument for -c", error("-c"));
        assertEquals("Missing argument for --cid", error("--cid"));
        assertEquals("Missing argument for -T", error("-T", "1", "-T"));
        assertEquals("Missing argument for --runtime-arg", error("--exec=x", "--runtime-arg"));
        assertEquals("Missing argument for -c", error("-tc"));
    }

    @Test
    void flagsAcceptAnyValueAfterEqualsAndTurnOn() throws Exception {
        Options o = parse("--terminal=false", "--api-version=0", "--exec=", "--sync=no");
        assertTrue(o.terminal());
        assertEquals(1, o.apiVersion());
        assertTrue(o.exec());
        assertTrue(o.sync());
    }

    @Test
    void flagsDoNotConsumeTheNextElement() throws Exception {
        Options o = parse("--api-version", "1", "--stdin", "x");
        assertEquals(1, o.apiVersion());
        assertTrue(o.stdin());
        assertNull(o.cid());
    }

    @Test
    void everyFlagDefaultsOffAndTurnsOn() throws Exception {
        Options off = parse();
        assertEquals(0, off.apiVersion());
        assertFalse(off.exec() || off.execAttach() || off.leaveStdinOpen() || off.noContainerPartialMessage()
                || off.logRotate() || off.noSyncLog() || off.noNewKeyring() || off.noPivot()
                || off.replaceListenPid() || off.fullAttach() || off.stdin() || off.sync() || off.syslog()
                || off.systemdCgroup() || off.terminal() || off.version() || off.helpRequested());
        Options on = parse("--api-version", "--exec", "--exec-attach", "--leave-stdin-open",
                "--no-container-partial-message", "--log-rotate", "--no-sync-log", "--no-new-keyring", "--no-pivot",
                "--replace-listen-pid", "--full-attach", "--stdin", "--sync", "--syslog", "--systemd-cgroup",
                "--terminal", "--version");
        assertEquals(1, on.apiVersion());
        assertTrue(on.exec() && on.execAttach() && on.leaveStdinOpen() && on.noContainerPartialMessage()
                && on.logRotate() && on.noSyncLog() && on.noNewKeyring() && on.noPivot()
                && on.replaceListenPid() && on.fullAttach() && on.stdin() && on.sync() && on.syslog()
                && on.systemdCgroup() && on.terminal() && on.version());
    }

    @Test
    void everyStringOptionIsStored() throws Exception {
        Options o = parse("--bundle", "B", "--cid", "C", "--conmon-pidfile", "CP", "--container-pidfile", "P",
                "--cuuid", "U", "--exec-process-spec", "S", "--exit-command", "X", "--exit-dir", "ED",
                "--log-level", "debug", "--log-tag", "T", "--name", "N", "--persist-dir", "PD", "--restore", "R",
                "--runtime", "RT", "--sdnotify-socket", "SD", "--socket-dir-path", "SOCK",
                "--seccomp-notify-socket", "SNS", "--seccomp-notify-plugins", "SNP");
        assertEquals("B", o.bundle());
        assertEquals("C", o.cid());
        assertEquals("CP", o.conmonPidfile());
        assertEquals("P", o.containerPidfile());
        assertEquals("U", o.cuuid());
        assertEquals("S", o.execProcessSpec());
        assertEquals("X", o.exitCommand());
        assertEquals("ED", o.exitDir());
        assertEquals("debug", o.logLevel());
        assertEquals("T", o.logTag());
        assertEquals("N", o.name());
        assertEquals("PD", o.persistDir());
        assertEquals("R", o.restore());
        assertEquals("RT", o.runtime());
        assertEquals("SD", o.sdnotifySocket());
        assertEquals("SOCK", o.socketDirPath());
        assertEquals("SNS", o.seccompNotifySocket());
        assertEquals("SNP", o.seccompNotifyPlugins());
    }

    @Test
    void lastOccurrenceWinsForScalars() throws Exception {
        Options o = parse("--cid", "a", "-c", "b", "--timeout", "1", "-T", "2", "--log-size-max", "5",
                "--log-size-max", "6", "--name=x", "--name", "y");
        assertEquals("b", o.cid());
        assertEquals(2, o.timeout());
        assertEquals(6, o.logSizeMax());
        assertEquals("y", o.name());
    }

    @Test
    void arraysAccumulateInOrder() throws Exception {
        Options o = parse("-l", "a", "--log-path=b", "--log-path", "c", "--log-label", "A=1", "--log-label=B=2",
                "--log-allowlist-dir", "/d1", "--log-allowlist-dir", "/d2", "--runtime-arg", "r1",
                "--runtime-arg=r2");
        assertEquals(List.of("a", "b", "c"), o.logPaths());
        assertEquals(List.of("A=1", "B=2"), o.logLabels());
        assertEquals(List.of("/d1", "/d2"), o.logAllowlistDirs());
        assertEquals(List.of("r1", "r2"), o.runtimeArgs());
    }

    @Test
    void restoreArgAndRuntimeOptFeedTheSameList() throws Exception {
        Options o = parse("--runtime-opt", "1", "--restore-arg", "2", "--runtime-opt=3", "--restore-arg=4");
        assertEquals(List.of("1", "2", "3", "4"), o.runtimeOpts());
    }

    @Test
    void pidfileAliasSharesStorageWithContainerPidfile() throws Exception {
        assertEquals("/b", parse("--pidfile", "/a", "--container-pidfile", "/b").containerPidfile());
        assertEquals("/a", parse("-p", "/b", "--pidfile=/a").containerPidfile());
    }

    @Test
    void positionalArgumentsAreIgnored() throws Exception {
        Options o = parse("stray", "--cid", "x", "1", "-", "more");
        assertEquals("x", o.cid());
    }

    @Test
    void dashFollowedByDigitIsAShortOptionNotAPositional() throws Exception {
        // So a negative number must always be the value of an integer option.
        assertEquals("Unknown option -1", error("-1"));
        assertEquals(-1, parse("--exit-delay", "-1").exitDelay());
    }

    @Test
    void doubleDashEndsOptionParsing() throws Exception {
        Options o = parse("--cid", "x", "--", "--cid", "y", "--foo", "--version", "-h");
        assertEquals("x", o.cid());
        assertFalse(o.version());
        assertFalse(o.helpRequested());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--foo", "---foo", "--h", "--Cid", "--help=x", "--help-conmon", "--cid2", "--=x"})
    void unknownLongOptionsAreReportedAsTyped(String arg) {
        assertEquals("Unknown option " + arg, error(arg, "value"));
    }

    @Test
    void noPrefixAbbreviation() {
        assertEquals("Unknown option --term", error("--term"));
        assertEquals("Unknown option --exec-att", error("--exec-att"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-h", "-?", "--help", "--help-all", "-th", "-h?"})
    void helpOptionsRequestUsage(String arg) throws Exception {
        assertTrue(parse("--cid", "x", arg).helpRequested());
    }

    @Test
    void helpStopsParsingSoLaterErrorsAreNotSeen() throws Exception {
        assertTrue(parse("--help", "--foo", "--cid").helpRequested());
        assertTrue(parse("-h", "-x").helpRequested());
        assertTrue(parse("-c", "x", "-hc").helpRequested());
    }

    @Test
    void errorBeforeHelpWins() {
        assertEquals("Unknown option --foo", error("--foo", "--help"));
        assertEquals("Unknown option -x?", error("-x?"));
    }

    @Test
    void helpAsAValueIsJustAValue() throws Exception {
        Options o = parse("--cid", "--help", "-n", "-h");
        assertFalse(o.helpRequested());
        assertEquals("--help", o.cid());
        assertEquals("-h", o.name());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--timeout|abc|Cannot parse integer value \u201cabc\u201d for --timeout",
            "-T|abc|Cannot parse integer value \u201cabc\u201d for -T",
            "--timeout|99999999999|Integer value \u201c99999999999\u201d for --timeout out of range",
            "--exit-delay|1.5|Cannot parse integer value \u201c1.5\u201d for --exit-delay",
            "--log-max-files|2147483648|Integer value \u201c2147483648\u201d for --log-max-files out of range",
            "--log-size-max|99999999999999999999|Integer value \u201c99999999999999999999\u201d for --log-size-max out of range",
            "--log-global-size-max|x1|Cannot parse integer value \u201cx1\u201d for --log-global-size-max",
    })
    void integerErrorsUseGlibTexts(String option, String value, String message) {
        assertEquals(message, error(option, value));
    }

    @Test
    void integerErrorWithEqualsSyntaxNamesTheLongOption() {
        assertEquals("Cannot parse integer value \u201c0x10z\u201d for --timeout", error("--timeout=0x10z"));
        assertEquals("Cannot parse integer value \u201c\u201d for --timeout", error("--timeout="));
    }

    @Test
    void integerOptionsParseWithBaseDetection() throws Exception {
        Options o = parse("--timeout", "0x10", "--exit-delay", "010", "--log-max-files", "+7",
                "--log-size-max", "-0X1f", "--log-global-size-max", " 42");
        assertEquals(16, o.timeout());
        assertEquals(8, o.exitDelay());
        assertEquals(7, o.logMaxFiles());
        assertEquals(-31, o.logSizeMax());
        assertEquals(42, o.logGlobalSizeMax());
    }

    @Test
    void defaults() throws Exception {
        Options o = parse("--cid", "abc");
        assertEquals(0, o.apiVersion());
        assertEquals(-1, o.logSizeMax());
        assertEquals(-1, o.logGlobalSizeMax());
        assertEquals(1, o.logMaxFiles());
        assertEquals(0, o.timeout());
        assertEquals(0, o.exitDelay());
        assertEquals("/var/run/crio", o.socketDirPath());
        assertEquals(CWD, o.bundle());
        assertEquals(CWD + "/pidfile-abc", o.containerPidfile());
        assertNull(o.cuuid());
        assertNull(o.runtime());
        assertNull(o.logLevel());
        assertNull(o.conmonPidfile());
        assertNull(o.exitCommand());
        assertNull(o.restore());
        assertNull(o.seccompNotifyPlugins());
        assertEquals(List.of(), o.logPaths());
        assertEquals(List.of(), o.runtimeOpts());
        assertEquals(List.of(), o.exitCommandArgs());
    }

    @Test
    void bundleIsUnsetForExecUnlessGiven() throws Exception {
        assertNull(parse("--cid", "abc", "--exec").bundle());
        assertEquals("/b", parse("--cid", "abc", "-e", "-b", "/b").bundle());
        assertEquals(CWD, parse("--cid", "abc", "--restore", "/ckpt").bundle());
    }

    @Test
    void containerPidfileDefaultAppliesToExecToo() throws Exception {
        assertEquals(CWD + "/pidfile-abc", parse("--cid", "abc", "--exec").containerPidfile());
        assertNull(parse().containerPidfile(), "no CID, no default (validation fails anyway)");
    }

    @Test
    void seccompNotifyPluginsFallsBackToEnvironment() throws Exception {
        Map<String, String> env = Map.of("CONMON_SECCOMP_NOTIFY_PLUGINS", "fromenv");
        assertEquals("fromenv", Options.parse(new String[0], CWD, env::get).seccompNotifyPlugins());
        assertEquals("opt", Options.parse(new String[] {"--seccomp-notify-plugins", "opt"}, CWD, env::get)
                .seccompNotifyPlugins());
    }

    @Test
    void listsAreImmutable() throws Exception {
        Options o = parse("-l", "x");
        assertThrows(UnsupportedOperationException.class, () -> o.logPaths().add("y"));
    }
}
