/**
 * Container output logging of the monitor (conmon-behaviour.md §7, docs/logging.md): the host side of the log
 * driver SPI ({@code io.conmonj.plugin}).
 *
 * <p>The monitor sees one {@link io.conmonj.host.logging.ContainerLog}, a
 * {@link io.conmonj.host.logging.LogPipeline} opened by {@link io.conmonj.host.logging.select.LogSetup} from the
 * command line's checked description of the log ({@link io.conmonj.host.cli.LogConfig}); this package never reads
 * the command line itself:
 * <pre>{@code
 * ValidatedConfig cfg = Validator.validate(options);                              // cli
 * List<LogPipeline.Attachment> own = ConmonLogs.open(cfg.logs(), Diagnostics::warn); // -l: k8s-file created here
 * cfg.refuseAfterLogOpen();                                                       // conmon's checks after that
 * ContainerLog log = LogSetup.open(cfg.logs(), System.getenv(), own, Diagnostics::driverReport);
 *         // SelectionException (both calls) -> "[conmon:e]: " + message, exit 1
 * ...
 * log.write(Stream.STDOUT, buf, 0, n);      // every read() of container output, n <= 8192
 * log.reopen();                             // ctl "2 H W"
 * if (!noSyncLog) log.sync();               // before the exit files
 * log.close();                              // reports drops and failure counts per driver
 * }</pre>
 * An {@code IOException} from {@code write} or {@code reopen} comes only from conmon's own k8s-file log and is
 * fatal as in conmon: print {@code [conmon:e]: } + its message and exit 1. Other drivers' failures are warnings.
 *
 * <p>The JDK opens files without {@code O_CLOEXEC}: the code that starts the runtime must close the log fd in the
 * child (it has to close all non-designated fds anyway, conmon-behaviour.md §4.2).
 */
package io.conmonj.host.logging;
