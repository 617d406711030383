/**
 * Container output logging of the monitor (contract section 7).
 *
 * <p>Use from the event loop:
 * <pre>{@code
 * List<ContainerLog> drivers = new ArrayList<>();
 * if (k8sPath != null) {   // -l k8s-file:PATH (last one wins); none/null/off add nothing
 *     drivers.add(new K8sFileLog(new K8sFileOptions(path, logSizeMax, logGlobalSizeMax, logRotate, logMaxFiles,
 *             allowlistDirs), LogClock.system(), msg -> diag.warn(msg)));   // throws LogFileException
 * }
 * ContainerLog log = ContainerLogs.of(drivers);
 * ...
 * log.write(Stream.STDOUT, buf, 0, n);      // every read() of container output, n <= 8192
 * log.reopen();                             // ctl "2 H W"
 * if (!noSyncLog) log.sync();               // before the exit files
 * log.close();
 * }</pre>
 * A {@link io.conmonj.host.logging.LogFileException} from the constructor, {@code write} or {@code reopen} is
 * fatal: print {@code [conmon:e]: } + its message and exit 1. Warnings arrive through the sink.
 *
 * <p>The JDK opens files without {@code O_CLOEXEC}: the code that starts the runtime must close the log fd in the
 * child (it has to close all non-designated fds anyway, contract 4.2).
 */
package io.conmonj.host.logging;
