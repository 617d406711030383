package io.conmonj.host.logging;

import java.io.IOException;
import java.util.List;

/**
 * All enabled log drivers of a monitor; forwards every call to each of them in order. No drivers
 * ({@code -l none}/{@code null}/{@code off}) gives a log that does nothing.
 */
public final class ContainerLogs implements ContainerLog {
    private static final ContainerLogs NONE = new ContainerLogs(List.of());

    private final ContainerLog[] logs;

    private ContainerLogs(List<? extends ContainerLog> logs) {
        this.logs = logs.toArray(new ContainerLog[0]);
    }

    public static ContainerLogs of(List<? extends ContainerLog> logs) {
        return logs.isEmpty() ? NONE : new ContainerLogs(logs);
    }

    public static ContainerLogs of(ContainerLog... logs) {
        return of(List.of(logs));
    }

    /** No container logging ({@code none}, {@code null}, {@code off}). */
    public static ContainerLogs none() {
        return NONE;
    }

    public boolean isEmpty() {
        return logs.length == 0;
    }

    public List<ContainerLog> drivers() {
        return List.of(logs);
    }

    @Override
    public void write(Stream stream, byte[] buf, int off, int len) throws IOException {
        for (ContainerLog log : logs) {
            log.write(stream, buf, off, len);
        }
    }

    @Override
    public void reopen() throws IOException {
        for (ContainerLog log : logs) {
            log.reopen();
        }
    }

    @Override
    public void sync() throws IOException {
        for (ContainerLog log : logs) {
            log.sync();
        }
    }

    /** Closes every driver, even if one fails; the first failure is rethrown with the others suppressed. */
    @Override
    public void close() throws IOException {
        IOException first = null;
        for (ContainerLog log : logs) {
            try {
                log.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
