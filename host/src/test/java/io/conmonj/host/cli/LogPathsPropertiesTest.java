package io.conmonj.host.cli;

import io.conmonj.plugin.property.ForAll;
import io.conmonj.plugin.property.Gen;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Property tests of the {@code -l} value parser (conmon-behaviour.md §1.3): every value up to
 * 4 KiB, and every list of them, gets the answer of an independent model of conmon's
 * {@code strtok(":")} rules: a target, or one of the three documented errors
 * ({@code log-path must not be empty}, {@code k8s-file requires a filename},
 * {@code No such log driver X}), and {@code Log driver not provided. Use --log-path} for no
 * value at all. Never another exception.
 *
 * <p>Bound: each input is answered within {@link #BOUND} (1 s, the project's bound for parsers
 * of up to 4 KiB; a preemptive timeout per try; a parse takes microseconds, the margin is for a
 * loaded, shared machine).
 */
class LogPathsPropertiesTest {
    static final Duration BOUND = Duration.ofSeconds(1);
    private static final List<String> PIECES = List.of(":", "::", "k8s-file", "journald", "passthrough", "none", "off",
            "null", "other", "/var/log/x.log", "ctr.log", "", " ", "a:b", "\u00e9", "-");

    @Test
    void everyValueGetsTheModelsAnswer() {
        ForAll.of(LogPathsPropertiesTest::value).tries(5000).within(BOUND).check(value ->
                assertEquals(model(value).toString(), answer(() -> LogPaths.parseOne(value).toString()), value));
    }

    @Test
    void everyListKeepsOneTargetPerDriverInFirstOrderWithTheLastK8sFilePath() {
        ForAll.of(Gen.lists(LogPathsPropertiesTest::value, 8)).tries(3000).within(BOUND).check(values ->
                assertEquals(listModel(values), answer(() -> LogPaths.parse(values).toString()), values.toString()));
    }

    /** A value: pieces a parser cares about, joined, sometimes any text, up to 4 KiB. */
    static String value(Random r) {
        if (r.nextInt(4) == 0) {
            return r.nextBoolean() ? Gen.strings(1365).next(r) : Gen.strings(":abk8s-fileonejurd/", 4096).next(r);
        }
        return Gen.tokens(PIECES, 6).next(r);
    }

    @FunctionalInterface
    interface Parse {
        String run() throws ConfigError;
    }

    /** The parser's answer as text: the target(s), or "error: MESSAGE". */
    private static String answer(Parse parse) {
        try {
            return parse.run();
        } catch (ConfigError e) {
            return "error: " + e.getMessage();
        }
    }

    /** The model's answer: a target or an error message. */
    record Answer(LogTarget target, String error) {
        static Answer of(LogTarget.Driver driver, String path) {
            return new Answer(new LogTarget(driver, path), null);
        }

        static Answer error(String message) {
            return new Answer(null, message);
        }

        @Override
        public String toString() {
            return error != null ? "error: " + error : target.toString();
        }
    }

    /** conmon's parse_log_path, written from conmon-behaviour.md §1.3 with String.split instead of an index walk. */
    static Answer model(String value) {
        List<String> tokens = new ArrayList<>();
        for (String t : value.split(":", -1)) {
            if (!t.isEmpty()) {
                tokens.add(t);
            }
        }
        if (tokens.isEmpty()) {
            return Answer.error("log-path must not be empty");
        }
        String driver = tokens.get(0);
        String path = tokens.size() > 1 ? tokens.get(1) : null;
        if (path == null && value.startsWith(":")) {
            path = driver;
            driver = "k8s-file";
        }
        return switch (driver) {
            case "off", "null", "none" -> Answer.of(LogTarget.Driver.NONE, null);
            case "passthrough" -> Answer.of(LogTarget.Driver.PASSTHROUGH, null);
            case "journald" -> Answer.of(LogTarget.Driver.JOURNALD, null);
            case "k8s-file" -> path == null ? Answer.error("k8s-file requires a filename")
                    : Answer.of(LogTarget.Driver.K8S_FILE, path);
            default -> value.contains(":") ? Answer.error("No such log driver " + driver)
                    : Answer.of(LogTarget.Driver.K8S_FILE, driver);
        };
    }

    /** The list: the first error wins; one target per driver where it first appeared, the last one's path. */
    static String listModel(List<String> values) {
        if (values.isEmpty()) {
            return Answer.error("Log driver not provided. Use --log-path").toString();
        }
        List<LogTarget> targets = new ArrayList<>();
        for (String v : values) {
            Answer one = model(v);
            if (one.error() != null) {
                return one.toString();
            }
            LogTarget t = one.target();
            int at = -1;
            for (int i = 0; i < targets.size(); i++) {
                if (targets.get(i).driver() == t.driver()) {
                    at = i;
                }
            }
            if (at < 0) {
                targets.add(t);
            } else {
                targets.set(at, t);
            }
        }
        return targets.toString();
    }
}
