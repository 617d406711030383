package io.conmonj.host.cli;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The launcher's checks of conmon-behaviour.md §1.4, steps 3-15, in conmon 2.2.1's order and with its
 * messages. The first failing check wins, so the order is part of the contract.
 *
 * <p>Expected caller sequence (steps 1-2 are the caller's, because they are not errors):
 * <pre>{@code
 * Options o;
 * try { o = Options.parse(args); }
 * catch (OptionParsingException e) { print e.line(); exit 1 }          // step 1
 * if (o.helpRequested()) { stdout.print(Usage.text()); exit 0 }
 * if (o.version()) { stdout.print(Version.text()); exit 0 }              // step 2
 * ValidatedConfig cfg;
 * try { cfg = Validator.validate(o, logOpener); }
 * catch (ConfigError e) { stderr.println(e.line()); exit 1 }            // steps 3-14
 * for (String w : cfg.warnings()) stderr.println(ValidatedConfig.WARNING_PREFIX + w); // step 15
 * }</pre>
 */
public final class Validator {
    /** journald's CONTAINER_ID is the first 12 characters, so the CID must be longer. */
    private static final int TRUNC_ID_LEN = 12;

    private Validator() {
    }

    /**
     * Runs steps 3-15. Side effect: calls {@code logOpener} (which creates the k8s log file)
     * once the {@code -l} values are known to be valid.
     *
     * @throws ConfigError the first failing check
     */
    public static ValidatedConfig validate(Options o, LogOpener logOpener) throws ConfigError {
        // Steps 3-5 happen in conmon's initialize_cli, hence the plain "conmon: " prefix.
        if (o.logMaxFiles() < 0) {
            throw ConfigError.plain("log-max-files must be non-negative, got " + o.logMaxFiles());
        }
        if (o.logRotate() && o.logMaxFiles() == 0) {
            throw ConfigError.plain("log-max-files must be at least 1 when log-rotate is enabled, got 0");
        }
        if (o.cid() == null) {
            throw ConfigError.plain("Container ID not provided. Use --cid");
        }

        LogLevel logLevel = LogLevel.parse(o.logLevel()); // step 6

        if (o.restore() != null && o.exec()) {
            throw ConfigError.error("Cannot use 'exec' and 'restore' at the same time");
        }
        if (!o.exec() && o.execAttach()) {
            throw ConfigError.error("Attach can only be specified with exec");
        }
        if (o.apiVersion() < 1 && o.execAttach()) {
            throw ConfigError.error("Attach can only be specified for a non-legacy exec session");
        }
        // The legacy exec API (exec without --api-version) did not require --cuuid.
        if (o.cuuid() == null && (!o.exec() || o.apiVersion() >= 1)) {
            throw ConfigError.error("Container UUID not provided. Use --cuuid");
        }
        if (o.runtime() == null) {
            throw ConfigError.error("Runtime path not provided. Use --runtime");
        }
        String accessError = ExecutableCheck.accessExecutable(o.runtime());
        if (accessError != null) {
            // pexitf: message, one space, strerror (no colon)
            throw ConfigError.error("Runtime path " + o.runtime() + " is not valid " + accessError);
        }
        if (o.exec() && o.execProcessSpec() == null) {
            throw ConfigError.error("Exec process spec path not provided. Use --exec-process-spec");
        }
        if (o.exitDelay() < 0) {
            throw ConfigError.error("Delay before invoking exit command must be greater than or equal to 0");
        }

        // Step 14: drivers, then the k8s file is opened, then driver-specific option checks.
        List<LogTarget> targets = LogPaths.parse(o.logPaths());
        logOpener.open(targets);
        boolean k8sFile = has(targets, LogTarget.Driver.K8S_FILE);
        boolean journald = has(targets, LogTarget.Driver.JOURNALD);
        if (k8sFile && !journald) {
            if (o.logTag() != null) {
                throw ConfigError.error("k8s-file doesn't support --log-tag");
            }
            if (!o.logLabels().isEmpty()) {
                throw ConfigError.error("k8s-file doesn't support --log-label");
            }
        }
        if (journald) {
            // strlen(): bytes, not UTF-16 units
            if (o.cid().getBytes(StandardCharsets.UTF_8).length <= TRUNC_ID_LEN) {
                throw ConfigError.error("Container ID must be longer than 12 characters");
            }
            for (String label : o.logLabels()) {
                checkLabel(label);
            }
        }

        List<String> warnings = new ArrayList<>(1);
        if (o.noContainerPartialMessage() && !journald) {
            warnings.add("--no-container-partial-message has no effect without journald log driver");
        }
        return new ValidatedConfig(o, logLevel, targets, warnings);
    }

    /** A journald label must be {@code NAME=VALUE}: one '=', NAME non-empty and [A-Z0-9_]. */
    private static void checkLabel(String label) throws ConfigError {
        if (label.startsWith("=")) {
            throw ConfigError.error("Container labels must be in format LABEL=VALUE (no LABEL present in '"
                    + label + "')");
        }
        int eq = label.indexOf('=');
        if (eq < 0 || label.indexOf('=', eq + 1) >= 0) {
            throw ConfigError.error("Container labels must be in format LABEL=VALUE (none or more than one '=' present in '"
                    + label + "')");
        }
        for (int i = 0; i < eq; i++) {
            char c = label.charAt(i);
            if (!(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') && c != '_') {
                throw ConfigError.error("Container label names must contain only uppercase letters, numbers and underscore (in '"
                        + label + "')");
            }
        }
    }

    private static boolean has(List<LogTarget> targets, LogTarget.Driver driver) {
        for (LogTarget t : targets) {
            if (t.driver() == driver) {
                return true;
            }
        }
        return false;
    }
}
