/**
 * What the remote drivers (syslog, gelf, fluentd) share:
 * <ul>
 *   <li>the collector's address as Docker's log-opts write it ({@link io.conmonj.drivers.contrib.net.Endpoint});</li>
 *   <li>the two ways of sending to it: datagrams, dropped when nobody listens
 *       ({@link io.conmonj.drivers.contrib.net.DatagramSender}), and a stream connection that is made again with
 *       back-off and blocks its caller until the collector is back
 *       ({@link io.conmonj.drivers.contrib.net.StreamSender}), whose messages of one read go out in one write
 *       ({@link io.conmonj.drivers.contrib.net.BatchedStream});</li>
 *   <li>for the drivers that send one message per line (syslog, gelf): the driver itself
 *       ({@link io.conmonj.drivers.contrib.net.LineDriver}), which leaves them only the encoding, and the transport
 *       it sends to ({@link io.conmonj.drivers.contrib.net.MessageTransport}; over a stream,
 *       {@link io.conmonj.drivers.contrib.net.StreamTransport}), which leaves them only the framing;</li>
 *   <li>turning records into whole lines, bounded at Docker's 16 KiB
 *       ({@link io.conmonj.drivers.contrib.net.LineJoiner}), and a reusable byte buffer to encode them into
 *       ({@link io.conmonj.drivers.contrib.net.ByteSink}).</li>
 * </ul>
 *
 * <p>Blocking is the right default here because the host decides what a blocked driver means: in
 * {@code mode=blocking} it stalls the container's output (nothing is lost), in {@code mode=non-blocking} the
 * driver runs on its own thread and the host drops, and counts, what does not fit its buffer. Once the container has
 * exited ({@code LogDriver.containerExited()}), waiting is bounded, so an absent collector cannot hold back the exit
 * status.
 */
package io.conmonj.drivers.contrib.net;
