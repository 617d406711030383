package io.conmonj.drivers.contrib.fluentd;

import io.conmonj.drivers.contrib.fluentd.MsgPackDecoder.Ext;
import io.conmonj.drivers.contrib.fluentd.MsgPackDecoder.Str;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import java.util.zip.GZIPInputStream;

/**
 * A Fluentd forward input for tests, written from the Fluentd Forward Protocol Specification v1 (fluent/fluentd
 * wiki, "Forward-Protocol-Specification-v1") with its own {@link MsgPackDecoder}. It accepts every event mode of
 * the spec's "Event Modes" section: Message {@code [tag, time, record, option?]}, Forward
 * {@code [tag, [[time, record], ...], option?]}, PackedForward {@code [tag, entries(bin|str), option?]} and
 * CompressedPackedForward (PackedForward with option {@code compressed: "gzip"}). Time is an integer or an EventTime
 * ext (type 0, 8 bytes: seconds and nanoseconds, big-endian; spec "EventTime Ext Format"). A message with the
 * {@code chunk} option is answered {@code {"ack": chunk}} (spec "Response") unless the test withholds that ack.
 * Anything that does not follow the spec is recorded in {@link #errors()} and ends that connection.
 *
 * <p>Shared with the end-to-end tests (module it) through drivers-contrib's test jar.
 */
public final class ForwardReceiver implements AutoCloseable {

    /** An event's time: seconds and nanoseconds; {@code eventTime} if sent as the EventTime ext. */
    public record Time(long seconds, long nanos, boolean eventTime) {
    }

    /**
     * One event as received.
     *
     * @param mode       "Message", "Forward", "PackedForward" or "CompressedPackedForward"
     * @param connection which accepted connection carried it (1, 2, ...)
     * @param chunk      the message's chunk option, or null
     */
    public record Event(String tag, Time time, Map<Object, Object> record, String mode, int connection,
                        String chunk) {
        /** A str field as text (UTF-8), or null if absent; fails if the field is not a str. */
        public String field(String name) {
            Object v = record.get(Str.of(name));
            if (v != null && !(v instanceof Str)) {
                throw new AssertionError("field " + name + " is not a str: " + v);
            }
            return v == null ? null : v.toString();
        }

        /** A str field's raw bytes. */
        public byte[] fieldBytes(String name) {
            return ((Str) record.get(Str.of(name))).bytes();
        }
    }

    /** One message's option map and how many events it carried. */
    public record Message(String mode, int events, Map<Object, Object> option, int connection) {
    }

    private final ServerSocketChannel server;
    private final String address;
    private final IntPredicate answerAck;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<Message> messages = new CopyOnWriteArrayList<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final List<SocketChannel> open = new CopyOnWriteArrayList<>();
    private final List<Str> acked = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger chunksSeen = new AtomicInteger();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    /**
     * @param unixPath  a unix socket path, or null for TCP on loopback
     * @param tcpPort   0 for a free port, else this port (to restart a collector where it was)
     * @param answerAck given the 1-based count of chunk-bearing messages seen so far, whether to ack this one
     */
    public ForwardReceiver(Path unixPath, int tcpPort, IntPredicate answerAck) throws IOException {
        this.answerAck = answerAck;
        if (unixPath != null) {
            Files.deleteIfExists(unixPath);
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(unixPath));
            address = "unix://" + unixPath;
        } else {
            server = ServerSocketChannel.open();
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), tcpPort));
            address = "tcp://127.0.0.1:" + ((InetSocketAddress) server.getLocalAddress()).getPort();
        }
        acceptor = new Thread(this::accept, "forward-receiver");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static ForwardReceiver tcp() throws IOException {
        return new ForwardReceiver(null, 0, n -> true);
    }

    /** The address as fluentd-address takes it. */
    public String address() {
        return address;
    }

    public int port() {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    public List<Message> messages() {
        return List.copyOf(messages);
    }

    public List<String> errors() {
        return List.copyOf(errors);
    }

    public int connections() {
        return connections.get();
    }

    /** The chunks acknowledged, in order. */
    public List<String> acked() {
        return acked.stream().map(Str::toString).toList();
    }

    /** Waits until at least {@code n} events arrived, at most {@code timeoutMillis}; returns the events. */
    public List<Event> await(int n, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (events.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return events();
    }

    private void accept() {
        try {
            while (true) {
                SocketChannel c = server.accept();
                open.add(c);
                int id = connections.incrementAndGet();
                Thread t = new Thread(() -> serve(c, id), "forward-connection-" + id);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        } catch (IOException e) {
            // closed
        }
    }

    private void serve(SocketChannel c, int connection) {
        try (c) {
            InputStream in = Channels.newInputStream(c);
            OutputStream out = Channels.newOutputStream(c);
            MsgPackDecoder decoder = new MsgPackDecoder(in);
            while (true) {
                Object message;
                try {
                    message = decoder.next();
                } catch (EOFException e) {
                    return; // the client closed between messages (or cut a message short when it failed)
                }
                String chunk = handle(message, connection);
                if (chunk != null && answerAck.test(chunksSeen.incrementAndGet())) {
                    acked.add(Str.of(chunk)); // before the client can see it
                    out.write(ackResponse(chunk));
                    out.flush();
                }
            }
        } catch (IOException | RuntimeException e) {
            if (server.isOpen()) {
                errors.add("connection " + connection + ": " + e);
            }
        } finally {
            open.remove(c);
        }
    }

    /** {@code {"ack": chunk}}: fixmap 1, fixstr "ack", the chunk as a str (ids are short: fixstr or str 8). */
    private static byte[] ackResponse(String chunk) {
        byte[] c = chunk.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x81);
        b.write(0xa3);
        b.writeBytes("ack".getBytes(StandardCharsets.US_ASCII));
        if (c.length < 32) {
            b.write(0xa0 | c.length);
        } else {
            b.write(0xd9);
            b.write(c.length);
        }
        b.writeBytes(c);
        return b.toByteArray();
    }

    /** Decodes one message (spec "Event Modes"); returns its chunk option or null. */
    private String handle(Object message, int connection) throws IOException {
        if (!(message instanceof List<?> m) || m.size() < 2 || m.size() > 4) {
            throw new IOException("a message is an array of 2 to 4 elements, got " + message);
        }
        if (!(m.get(0) instanceof Str tag)) {
            throw new IOException("tag is not a str: " + m.get(0));
        }
        Object second = m.get(1);
        List<Event> got = new ArrayList<>();
        Map<Object, Object> option;
        String mode;
        if (second instanceof Long || second instanceof Ext) {
            mode = "Message";
            if (m.size() < 3) {
                throw new IOException("Message mode needs [tag, time, record]");
            }
            option = option(m, 3);
            got.add(event(tag, second, m.get(2), mode, connection, option));
        } else if (second instanceof List<?> entries) {
            mode = "Forward";
            option = option(m, 2);
            for (Object e : entries) {
                got.add(entry(tag, e, mode, connection, option));
            }
        } else if (second instanceof byte[] || second instanceof Str) {
            option = option(m, 2);
            byte[] stream = second instanceof byte[] b ? b : ((Str) second).bytes();
            Object compressed = option.get(Str.of("compressed"));
            InputStream es = new ByteArrayInputStream(stream);
            if (compressed == null || compressed.equals(Str.of("text"))) {
                mode = "PackedForward";
            } else if (compressed.equals(Str.of("gzip"))) {
                mode = "CompressedPackedForward";
                es = new GZIPInputStream(es);
            } else {
                throw new IOException("unknown compressed option " + compressed);
            }
            MsgPackDecoder entries = new MsgPackDecoder(es);
            while (true) {
                Object e;
                try {
                    e = entries.next();
                } catch (EOFException end) {
                    break;
                }
                got.add(entry(tag, e, mode, connection, option));
            }
        } else {
            throw new IOException("second element is neither time, entries array nor entries stream: " + second);
        }
        Object size = option.get(Str.of("size"));
        if (size != null && !size.equals((long) got.size())) {
            throw new IOException("option size " + size + " but " + got.size() + " events");
        }
        events.addAll(got);
        messages.add(new Message(mode, got.size(), option, connection));
        Object chunk = option.get(Str.of("chunk"));
        if (chunk != null && !(chunk instanceof Str)) {
            throw new IOException("chunk option is not a str: " + chunk);
        }
        return chunk == null ? null : chunk.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> option(List<?> m, int index) throws IOException {
        if (m.size() <= index || m.get(index) == null) {
            return Map.of();
        }
        if (!(m.get(index) instanceof Map<?, ?> o)) {
            throw new IOException("option is not a map: " + m.get(index));
        }
        return (Map<Object, Object>) o;
    }

    private static Event entry(Str tag, Object e, String mode, int connection, Map<Object, Object> option)
            throws IOException {
        if (!(e instanceof List<?> pair) || pair.size() != 2) {
            throw new IOException("an entry is [time, record], got " + e);
        }
        return event(tag, pair.get(0), pair.get(1), mode, connection, option);
    }

    @SuppressWarnings("unchecked")
    private static Event event(Str tag, Object time, Object record, String mode, int connection,
                               Map<Object, Object> option) throws IOException {
        Time t;
        if (time instanceof Long s) {
            t = new Time(s, 0, false);
        } else if (time instanceof Ext x && x.type() == 0 && x.data().length == 8) {
            long s = 0, ns = 0;
            for (int i = 0; i < 4; i++) {
                s = s << 8 | (x.data()[i] & 0xff);
                ns = ns << 8 | (x.data()[4 + i] & 0xff);
            }
            if (ns >= 1_000_000_000L) {
                throw new IOException("EventTime nanoseconds " + ns);
            }
            t = new Time(s, ns, true);
        } else {
            throw new IOException("time is neither an integer nor EventTime: " + time);
        }
        if (!(record instanceof Map<?, ?> r)) {
            throw new IOException("record is not a map: " + record);
        }
        for (Object k : r.keySet()) {
            if (!(k instanceof Str)) {
                throw new IOException("record key is not a str: " + k);
            }
        }
        Object chunk = option.get(Str.of("chunk"));
        return new Event(tag.toString(), t, (Map<Object, Object>) r, mode, connection,
                chunk == null ? null : chunk.toString());
    }

    /** Closes every connection without closing the listening socket (a collector restart that keeps the port). */
    public void dropConnections() throws IOException {
        for (SocketChannel c : open) {
            c.close();
        }
    }

    /**
     * Stops listening and closes every connection; returns when its threads are done, so that the port is really
     * closed (a thread blocked in accept would otherwise keep the listening socket open a little longer).
     */
    @Override
    public void close() throws IOException {
        server.close();
        dropConnections();
        try {
            acceptor.join(5_000);
            for (Thread t : threads) {
                t.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (address.startsWith("unix://")) {
            Files.deleteIfExists(Path.of(address.substring("unix://".length())));
        }
    }
}
