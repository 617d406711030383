/**
 * Terminal mode and container stdin (conmon-behaviour.md §5.4, §5.5, §6.2, §9), driven
 * by the monitor's single-threaded {@link io.conmonj.host.loop.EventLoop}.
 *
 * <h2>Terminal mode ({@code -t})</h2>
 * <ol>
 * <li>{@code stdin = ContainerStdin.forTerminal(loop, warn)}; pass it to
 * {@code AttachSocket.open} as the {@code StdinSink} (input typed before the
 * pty exists is held).</li>
 * <li>{@code console = ConsoleSocket.open(loop, receiver, warn)} (step 13);
 * give {@code console.path()} to {@code RuntimeCommand.build} as the console
 * socket. Create the stderr pipe as usual (runtime error text).</li>
 * <li>In {@code receiver.consoleReceived(master, name)}, as conmon's
 * {@code terminal_accept_cb}: {@code Pty.setOnlcr(master, warn)};
 * {@code out = Descriptors.dup(master)}; {@code stdin.setFd(master)}
 * (flushes held input); {@code ptyOut = new PtyOutput(loop, out,
 * deliver, warn)}; {@code fifos.watchWinsz((rows, cols) ->
 * Pty.resize(ptyOut.fd(), rows, cols, warn))} (resize through the stdout
 * dup, which stays open when stdin is closed).</li>
 * <li>Run the loop until the runtime is reaped (step 20, terminal variant):
 * the console connection is accepted there. A {@link
 * io.conmonj.host.terminal.SetupException} thrown out of the loop is
 * fatal (exit 1 with its message). If the runtime succeeded but
 * {@code !console.received()}: failure (conmon-behaviour.md §3.4).</li>
 * <li>After the pid was sent: {@code ptyOut.register()} (step 22).</li>
 * <li>At the end: {@code ptyOut.drain()}, {@code ptyOut.close()},
 * {@code stdin.close()}, {@code console.close()} (also on failure paths).</li>
 * </ol>
 *
 * <h2>{@code -i} without {@code -t}</h2>
 * Create the stdin pipe ({@code Sys.pipe()}), give the read end to the
 * runtime as its stdin, close it after the spawn, and
 * {@code stdin = ContainerStdin.forPipe(loop, writeEnd, warn)}; pass it to
 * {@code AttachSocket.open} and to {@code AttachSocket.closeStdinOnDetach}.
 * At the end {@code stdin.close()}.
 */
package io.conmonj.host.terminal;
