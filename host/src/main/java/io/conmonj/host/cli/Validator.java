package io.conmonj.host.cli;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The launcher's checks of conmon-behaviour.md §1.4, steps 3-15, in conmon 2.2.1's order and with its
 * messages. The first failing check wins, so the order is part of the contract. Takes the parsed
 * {@link Options}, gives a {@link ValidatedConfig}: the checked options and the description of the
 * log ({@link LogConfig}). Opens nothing.
 *
 * <p>conmon creates its k8s-file log in the middle of step 14, after the {@code -l} values are
 * parsed and before {@code --log-tag}, {@code --log-label} and the CID length are checked, so an
 * unopenable log file is reported before those errors, and the file exists even when they refuse
 * the command line. Such an error is therefore not thrown here but handed over in the result
 * ({@link ValidatedConfig#refuseAfterLogOpen()}), for the caller to report once it has opened the log.
 *
 * <p>Expected caller sequence (steps 1-2 are the caller's, because they are not errors):
 * <pre>{@code
 * Options o;
 * try { o = Options.parse(args); }
 * catch (OptionParsingException e) { print e.line(); exit 1 }          // step 1
 * if (o.helpRequested()) { stdout.print(Usage.text()); exit 0 }
 * if (o.version()) { stdout.print(Version.text()); exit 0 }              // step 2
 * try {
 *     ValidatedConfig cfg = Validator.validate(o);                        // steps 3-14, but see above
 *     open conmon's logs from cfg.logs()                                  // "Failed to open log file ..."
 *     cfg.refuseAfterLogOpen();                                           // the rest of step 14
 * } catch (ConfigError e) { stderr.println(e.line()); exit 1 }
 * for (String w : cfg.warnings()) stderr.println(ValidatedConfig.WARNING_PREFIX + w); // step 15
 * }</pre>
 */
public final class Validator {
    /** journald's CONTAINER_ID is the first 12 characters, so the CID must be longer. */
    private static final int TRUNC_ID_LEN = 12;

    private Validator() {
    }

    /**
     * Runs steps 3-15.
     *
     * @throws ConfigError the first failing check before the log is opened
     */
    public static ValidatedConfig validate(Options o) throws ConfigError {
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

        // Step 14: drivers; conmon opens the k8s file here; then the driver-specific option checks.
        List<LogTarget> targets = LogPaths.parse(o.logPaths());
        ConfigError refusalAfterLogOpen = checkDriverOptions(o, targets);

        List<String> warnings = new ArrayList<>(1);
        if (o.noContainerPartialMessage() && !has(targets, LogTarget.Driver.JOURNALD)) {
            warnings.add("--no-container-partial-message has no effect without journald log driver");
        }
        return new ValidatedConfig(o, logLevel, LogConfig.of(o, targets), warnings, refusalAfterLogOpen);
    }

    /** The part of step 14 conmon runs after opening its log: the first failing check, or null. */
    private static ConfigError checkDriverOptions(Options o, List<LogTarget> targets) {
        boolean k8sFile = has(targets, LogTarget.Driver.K8S_FILE);
        boolean journald = has(targets, LogTarget.Driver.JOURNALD);
        if (k8sFile && !journald) {
            if (o.logTag() != null) {
                return ConfigError.error("k8s-file doesn't support --log-tag");
            }
            if (!o.logLabels().isEmpty()) {
                return ConfigError.error("k8s-file doesn't support --log-label");
            }
        }
        if (journald) {
            // strlen(): bytes, not UTF-16 units
            if (o.cid().getBytes(StandardCharsets.UTF_8).length <= TRUNC_ID_LEN) {
                return ConfigError.error("Container ID must be longer than 12 characters");
            }
            for (String label : o.logLabels()) {
                ConfigError bad = checkLabel(label);
                if (bad != null) {
                    return bad;
                }
            }
        }
        return null;
    }

    /** A journald label must be {@code NAME=VALUE}: one '=', NAME non-empty and [A-Z0-9_]; the error, or null. */
    private static ConfigError checkLabel(String label) {
        if (label.startsWith("=")) {
            return ConfigError.error("Container labels must be in format LABEL=VALUE (no LABEL present in '"
                    + label + "')");
        }
        int eq = label.indexOf('=');
        if (eq < 0 || label.indexOf('=', eq + 1) >= 0) {
            return ConfigError.error("Container labels must be in format LABEL=VALUE (none or more than one '=' present in '"
                    + label + "')");
        }
        for (int i = 0; i < eq; i++) {
            char c = label.charAt(i);
            if (!(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') && c != '_') {
                return ConfigError.error("Container label names must contain only uppercase letters, numbers and underscore (in '"
                        + label + "')");
            }
        }
        return null;
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
