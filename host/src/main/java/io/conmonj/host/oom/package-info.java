/**
 * OOM detection (conmon-behaviour.md §10.5).
 *
 * <p>What the monitor calls, on its one event-loop thread:
 * <ol>
 * <li>once the container pid is known (after the pid is reported on the sync
 *     pipe): {@code watcher = OomWatcher.start(pid, loop, onOom, warn)}, where
 *     {@code onOom} is {@code () -> OomFiles.create(persistDir, bundle, warn)}
 *     with the {@code --persist-dir} (nullable) and the absolute
 *     {@code --bundle} path;</li>
 * <li>the main loop runs; the watcher's fd handler calls {@code onOom};</li>
 * <li>after the main loop (before the exit files are written, so that Podman
 *     finds the oom file when it processes the exit file):
 *     {@code watcher.checkAfterExit()} then {@code watcher.close()}.</li>
 * </ol>
 * Nothing in this package throws to the monitor; failures go to {@code warn}.
 *
 * <p>Why C conmon 2.1.6 reports no OOM on the test machine (observed with
 * strace under Podman 4.3.1, {@code --memory 8m}): the hybrid layout is
 * handled correctly (it registers {@code /sys/fs/cgroup/memory/libpod_parent/
 * libpod-ID/cgroup.event_control}, the eventfd fires with count 1 about 5 ms
 * before SIGCHLD and it does "detect" the OOM), but it then creates
 * {@code open("oom", O_CREAT)} relative to its working directory, which is
 * Podman's (not the bundle); Podman 4.3.1 passes no {@code --persist-dir}
 * and only looks at BUNDLE/oom. {@link io.conmonj.host.oom.OomFiles} writes
 * to the bundle path itself. (2.1.6 also has no v1 check after the main loop;
 * {@link io.conmonj.host.oom.OomWatcher#checkAfterExit()} does one.)
 */
package io.conmonj.host.oom;
