/**
 * The sd-notify proxy of {@code --sdnotify-socket} (conmon-behaviour.md §12): a datagram socket in the bundle's
 * {@code notify/} directory that Podman gives the container as {@code NOTIFY_SOCKET}, whose messages are
 * filtered ({@link io.conmonj.host.notify.NotifyFilter}) and relayed to the host's socket
 * ({@link io.conmonj.host.notify.SdNotifyProxy}). Podman itself tells the host the monitor's pid
 * ({@code MAINPID=}); the container may not, so its {@code MAINPID=} lines are dropped.
 */
package io.conmonj.host.notify;
