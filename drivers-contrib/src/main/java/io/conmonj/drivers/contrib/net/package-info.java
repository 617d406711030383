/**
 * What the remote drivers share: the collector address as Docker's log-opts write it
 * ({@link io.conmonj.drivers.contrib.net.Endpoint}), and the two ways of sending to it: datagrams that are
 * dropped when nobody listens ({@link io.conmonj.drivers.contrib.net.DatagramSender}), and a stream connection
 * that is re-made with back-off and blocks its caller until the collector is back
 * ({@link io.conmonj.drivers.contrib.net.StreamSender}, with {@link io.conmonj.drivers.contrib.net.BatchedStream}
 * sending the messages of one read in one write); and, for the drivers that send one message per line, the joining
 * of partial records into lines ({@link io.conmonj.drivers.contrib.net.LineJoiner}).
 *
 * <p>Blocking is the right default here because the host decides what a blocked driver means: in
 * {@code mode=blocking} it stalls the container's output (nothing is lost), in {@code mode=non-blocking} the
 * driver runs on its own thread and the host drops, and counts, what does not fit its buffer.
 */
package io.conmonj.drivers.contrib.net;
