package io.conmonj.host.cli;

import java.util.List;

/**
 * The log as the command line describes it, every value checked by {@link Validator}: what the logging package
 * takes to open conmon's own logs from {@code -l} and to select the container's drivers. Nothing here is open yet;
 * this package never opens a file.
 *
 * @param targets   the {@code -l} drivers, at most one per driver, in order of first appearance
 *                  ({@link LogPaths#parse})
 * @param k8sFile   the {@code -l k8s-file} log, or null without one
 * @param journal   the {@code -l journald} log, or null without one
 * @param container what selecting the container's own drivers (annotations, environment) takes from the command line
 */
public record LogConfig(List<LogTarget> targets, K8sFile k8sFile, Journal journal, Container container) {

    public LogConfig {
        targets = List.copyOf(targets);
    }

    /**
     * conmon's k8s-file log.
     *
     * @param path          as given with {@code -l} (the last one; relative paths resolve against the cwd)
     * @param sizeMax       {@code --log-size-max}, negative for none
     * @param globalSizeMax {@code --log-global-size-max}, negative for none
     * @param rotate        {@code --log-rotate}
     * @param maxFiles      {@code --log-max-files}
     * @param allowlistDirs {@code --log-allowlist-dir} values
     */
    public record K8sFile(String path, long sizeMax, long globalSizeMax, boolean rotate, int maxFiles,
                          List<String> allowlistDirs) {
        public K8sFile {
            allowlistDirs = List.copyOf(allowlistDirs);
        }
    }

    /**
     * conmon's journald log: the fields of its entries.
     *
     * @param cid             {@code --cid}, longer than 12 bytes
     * @param name            {@code --name}, or null
     * @param tag             {@code --log-tag}, or null
     * @param labels          {@code --log-label} values, each {@code NAME=VALUE} with NAME of {@code [A-Z0-9_]}
     * @param partialMessages false with {@code --no-container-partial-message}
     */
    public record Journal(String cid, String name, String tag, List<String> labels, boolean partialMessages) {
        public Journal {
            labels = List.copyOf(labels);
        }
    }

    /**
     * The command line's part of selecting the container's drivers (docs/logging.md).
     *
     * @param bundle         {@code --bundle}, or null: where the annotations are read
     * @param cid            {@code --cid}
     * @param name           {@code --name}, or null
     * @param tag            {@code --log-tag}, or null
     * @param labels         {@code --log-label} values ({@code NAME=VALUE}, not checked without journald)
     * @param selectsDrivers false for exec sessions: their output is not the container's log
     */
    public record Container(String bundle, String cid, String name, String tag, List<String> labels,
                            boolean selectsDrivers) {
        public Container {
            labels = List.copyOf(labels);
        }
    }

    /** Whether {@code driver} was selected by some {@code -l}. */
    public boolean uses(LogTarget.Driver driver) {
        for (LogTarget t : targets) {
            if (t.driver() == driver) {
                return true;
            }
        }
        return false;
    }

    /** The description of {@code o}'s log; {@code targets} are its parsed {@code -l} values. */
    static LogConfig of(Options o, List<LogTarget> targets) {
        K8sFile k8sFile = null;
        Journal journal = null;
        for (LogTarget t : targets) {
            if (t.driver() == LogTarget.Driver.K8S_FILE) {
                k8sFile = new K8sFile(t.path(), o.logSizeMax(), o.logGlobalSizeMax(), o.logRotate(), o.logMaxFiles(),
                        o.logAllowlistDirs());
            } else if (t.driver() == LogTarget.Driver.JOURNALD) {
                journal = new Journal(o.cid(), o.name(), o.logTag(), o.logLabels(), !o.noContainerPartialMessage());
            }
        }
        return new LogConfig(targets, k8sFile, journal,
                new Container(o.bundle(), o.cid(), o.name(), o.logTag(), o.logLabels(), !o.exec()));
    }
}
