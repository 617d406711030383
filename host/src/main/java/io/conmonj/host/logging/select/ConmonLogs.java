package io.conmonj.host.logging.select;

import io.conmonj.drivers.builtin.journald.JournaldEntry;
import io.conmonj.drivers.builtin.journald.JournaldLog;
import io.conmonj.drivers.builtin.k8sfile.K8sFileLog;
import io.conmonj.drivers.builtin.k8sfile.K8sFileOptions;
import io.conmonj.host.cli.LogConfig;
import io.conmonj.host.logging.LogPipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Opens conmon's own logs, the ones {@code -l} names (conmon-behaviour.md §7): takes the checked description of
 * the command line ({@link LogConfig}), gives the attachments that lead the monitor's {@link LogPipeline}
 * ({@link LogSetup#open}). The k8s-file log is created here, while the caller still waits, as conmon does during
 * argument validation.
 */
public final class ConmonLogs {
    private ConmonLogs() {
    }

    /**
     * The k8s-file log, then the journald log, of those {@code logs} has.
     *
     * @throws SelectionException with conmon's text ({@code Failed to open log file <strerror>}) when the k8s-file
     *                            log cannot be opened
     */
    public static List<LogPipeline.Attachment> open(LogConfig logs, Consumer<String> warnings)
            throws SelectionException {
        return open(logs, -1, warnings);
    }

    /**
     * As {@link #open(LogConfig, Consumer)}, for a monitor resumed after hibernation: the k8s-file log is the file
     * its predecessor had open, inherited as {@code adoptedK8sFd} (-1: opened at its path).
     */
    public static List<LogPipeline.Attachment> open(LogConfig logs, int adoptedK8sFd, Consumer<String> warnings)
            throws SelectionException {
        List<LogPipeline.Attachment> opened = new ArrayList<>(2);
        LogConfig.K8sFile file = logs.k8sFile();
        if (file != null) {
            K8sFileOptions options = new K8sFileOptions(Path.of(file.path()), file.sizeMax(), file.globalSizeMax(),
                    file.rotate(), file.maxFiles(), file.allowlistDirs());
            try {
                K8sFileLog log = adoptedK8sFd >= 0 ? K8sFileLog.adopt(options, adoptedK8sFd, warnings)
                        : new K8sFileLog(options, warnings);
                opened.add(LogPipeline.Attachment.conmon("k8s-file", log));
            } catch (IOException e) {
                throw new SelectionException(e.getMessage(), e);
            }
        }
        LogConfig.Journal journal = logs.journal();
        if (journal != null) {
            // conmon-behaviour.md §7.2: one journald log however often -l journald is given; never fails (send
            // errors are warnings)
            JournaldEntry entry = new JournaldEntry(journal.cid(), journal.name(), journal.tag(), journal.labels(),
                    journal.partialMessages());
            opened.add(LogPipeline.Attachment.conmon("journald", JournaldLog.open(entry, warnings)));
        }
        return opened;
    }
}
