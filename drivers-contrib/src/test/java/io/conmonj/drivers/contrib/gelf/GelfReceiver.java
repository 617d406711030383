package io.conmonj.drivers.contrib.gelf;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/**
 * A GELF receiver for tests, written from the GELF 1.1 specification alone (Graylog docs, "GELF Format":
 * go2docs.graylog.org/current/getting_in_log_data/gelf_format.html), not from the driver's code. Used by the
 * drivers-contrib unit tests and by the end-to-end tests in {@code it} (through this module's test jar).
 *
 * <ul>
 *   <li>UDP ("GELF via UDP"): a datagram starting with the chunked magic bytes {@code 0x1e 0x0f} is a chunk: 8-byte
 *       message id, 1-byte sequence number, 1-byte sequence count; a message has at most 128 chunks; chunks may arrive
 *       in any order and are put together by sequence number. A whole payload is GZIP (magic {@code 1f 8b}), ZLIB
 *       (first byte {@code 78}, RFC 1950 header check) or uncompressed JSON ("Compression": the receiver detects the
 *       type by its magic bytes).</li>
 *   <li>TCP ("GELF via TCP"): uncompressed JSON messages, each ended by a NUL byte; bytes left without a NUL when a
 *       connection ends are counted as an incomplete frame (a sender whose connection broke sends the message again
 *       on a new one).</li>
 *   <li>Every message is checked against "GELF Payload Specification": a JSON object (parsed by jackson-core, with
 *       duplicate keys refused); {@code version} "1.1", {@code host} and {@code short_message} non-empty strings (all
 *       MUST); {@code full_message} a string, {@code timestamp} a number, {@code level} an integer 0..7 when present;
 *       the deprecated {@code facility}, {@code line}, {@code file} absent; every other field an additional field:
 *       name prefixed with {@code _}, matching {@code ^[\w\.\-]*$}, not {@code _id}, value a string or a number.</li>
 * </ul>
 * Whatever breaks these rules is collected in {@link #violations()}, which tests assert empty.
 */
public final class GelfReceiver implements AutoCloseable {
    /** GELF 1.1, "GELF Payload Specification", additional fields: "the verifying regular expression". */
    private static final Pattern FIELD_NAME = Pattern.compile("^[\\w\\.\\-]*$");
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final int MAX_CHUNKS = 128;

    /**
     * One received message.
     *
     * @param fields   the JSON object's members in order: String, Long (integers) or BigDecimal (other numbers)
     * @param json     the JSON bytes (after decompression and reassembly)
     * @param encoding {@code gzip}, {@code zlib} or {@code none}
     * @param chunks   0 if it came in one datagram (or over TCP), else its number of chunks
     */
    public record Message(Map<String, Object> fields, byte[] json, String encoding, int chunks) {
        public String string(String field) {
            return (String) fields.get(field);
        }
    }

    /** A chunk as received, for tests that check headers. */
    public record Chunk(long id, int sequence, int count, int datagramLength) {
    }

    private final DatagramChannel udp;
    private final ServerSocketChannel tcp;
    private final List<Thread> threads = new ArrayList<>();
    private final List<SocketChannel> connections = new ArrayList<>();
    private final List<Message> messages = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private final List<Chunk> chunks = new ArrayList<>();
    private final Map<Long, byte[][]> assembling = new HashMap<>();
    private int maxDatagram;
    private int incompleteFrames;
    private int acceptedConnections;

    private GelfReceiver(DatagramChannel udp, ServerSocketChannel tcp) {
        this.udp = udp;
        this.tcp = tcp;
        start(udp != null ? this::receiveDatagrams : this::acceptConnections, udp != null ? "gelf-udp" : "gelf-tcp");
    }

    /** Listens for GELF via UDP on a loopback port chosen by the system. */
    public static GelfReceiver udp() throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        ch.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20); // bursts of chunks must not overflow the socket
        ch.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return new GelfReceiver(ch, null);
    }

    /** Listens for GELF via TCP on a loopback port, 0: chosen by the system (a restarted collector reuses one). */
    public static GelfReceiver tcp(int port) throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open();
        ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        ch.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return new GelfReceiver(null, ch);
    }

    public int port() {
        try {
            return ((InetSocketAddress) (udp != null ? udp.getLocalAddress() : tcp.getLocalAddress())).getPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The address as the driver's {@code gelf-address} option writes it. */
    public String address() {
        return (udp != null ? "udp" : "tcp") + "://127.0.0.1:" + port();
    }

    public synchronized List<Message> messages() {
        return List.copyOf(messages);
    }

    public synchronized List<String> violations() {
        List<String> all = new ArrayList<>(violations);
        for (Map.Entry<Long, byte[][]> e : assembling.entrySet()) {
            long have = Arrays.stream(e.getValue()).filter(c -> c != null).count();
            all.add("chunked message " + Long.toHexString(e.getKey()) + " incomplete: " + have + " of "
                    + e.getValue().length + " chunks");
        }
        return all;
    }

    public synchronized List<Chunk> chunks() {
        return List.copyOf(chunks);
    }

    /** The largest datagram received. */
    public synchronized int maxDatagram() {
        return maxDatagram;
    }

    public synchronized int incompleteFrames() {
        return incompleteFrames;
    }

    public synchronized int acceptedConnections() {
        return acceptedConnections;
    }

    /** Waits (bounded) until at least {@code n} messages have arrived; fails with what did arrive. */
    public synchronized List<Message> await(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (messages.size() < n) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("expected " + n + " GELF messages within " + timeout + ", got "
                        + messages.size() + ": " + messages.stream().map(m -> m.string("short_message")).toList()
                        + "; violations " + violations());
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return List.copyOf(messages);
    }

    /** Waits (bounded) until a message with this {@code short_message} has arrived; returns every message so far. */
    public synchronized List<Message> awaitShortMessage(String shortMessage, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (messages.stream().noneMatch(m -> shortMessage.equals(m.fields().get("short_message")))) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no GELF message \"" + shortMessage + "\" within " + timeout + "; got "
                        + messages.stream().map(m -> m.string("short_message")).toList() + "; violations "
                        + violations());
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return List.copyOf(messages);
    }

    // ------------------------------------------------------------------ UDP

    private void receiveDatagrams() {
        ByteBuffer buf = ByteBuffer.allocate(65536);
        try {
            while (true) {
                buf.clear();
                udp.receive(buf);
                buf.flip();
                byte[] d = new byte[buf.remaining()];
                buf.get(d);
                datagram(d);
            }
        } catch (ClosedChannelException e) {
            // closed by the test
        } catch (IOException e) {
            violation("receiving: " + e);
        }
    }

    private synchronized void datagram(byte[] d) {
        maxDatagram = Math.max(maxDatagram, d.length);
        if (d.length >= 2 && d[0] == 0x1e && d[1] == 0x0f) {
            chunk(d);
        } else {
            payload(d, 0);
        }
    }

    /** "Chunking": magic (2), message id (8), sequence number (1), sequence count (1), then the chunk's data. */
    private void chunk(byte[] d) {
        if (d.length < 12) {
            violation("chunk of " + d.length + " bytes, shorter than its 12-byte header");
            return;
        }
        long id = ByteBuffer.wrap(d, 2, 8).getLong();
        int seq = d[10] & 0xff;
        int count = d[11] & 0xff;
        chunks.add(new Chunk(id, seq, count, d.length));
        if (count < 1 || count > MAX_CHUNKS) {
            violation("chunk count " + count + " outside 1.." + MAX_CHUNKS);
            return;
        }
        if (seq >= count) {
            violation("chunk sequence number " + seq + " not below the count " + count);
            return;
        }
        byte[][] parts = assembling.computeIfAbsent(id, k -> new byte[count][]);
        if (parts.length != count) {
            violation("message " + Long.toHexString(id) + ": chunk count " + count + " after " + parts.length);
            return;
        }
        if (parts[seq] != null) {
            violation("message " + Long.toHexString(id) + ": chunk " + seq + " received twice");
            return;
        }
        parts[seq] = Arrays.copyOfRange(d, 12, d.length);
        for (byte[] p : parts) {
            if (p == null) {
                return;
            }
        }
        assembling.remove(id);
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            whole.writeBytes(p);
        }
        payload(whole.toByteArray(), count);
    }

    /** "Compression": GZIP and ZLIB are told apart by their magic bytes; anything else must be plain JSON. */
    private void payload(byte[] p, int chunkCount) {
        try {
            if (p.length >= 2 && p[0] == 0x1f && p[1] == (byte) 0x8b) {
                message(inflate(new GZIPInputStream(new ByteArrayInputStream(p))), "gzip", chunkCount);
            } else if (p.length >= 2 && p[0] == 0x78 && ((p[0] & 0xff) * 256 + (p[1] & 0xff)) % 31 == 0) {
                message(inflate(new InflaterInputStream(new ByteArrayInputStream(p))), "zlib", chunkCount);
            } else if (p.length >= 1 && p[0] == '{') {
                message(p, "none", chunkCount);
            } else {
                violation("payload of " + p.length + " bytes is neither GZIP, ZLIB nor JSON: first bytes "
                        + (p.length > 0 ? Integer.toHexString(p[0] & 0xff) : "none"));
            }
        } catch (IOException e) {
            violation("cannot decompress a payload of " + p.length + " bytes: " + e);
        }
    }

    private static byte[] inflate(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    // ------------------------------------------------------------------ TCP

    private void acceptConnections() {
        try {
            while (true) {
                SocketChannel c = tcp.accept();
                synchronized (this) {
                    acceptedConnections++;
                    connections.add(c);
                }
                start(() -> readConnection(c), "gelf-tcp-connection");
            }
        } catch (ClosedChannelException e) {
            // closed by the test
        } catch (IOException e) {
            violation("accepting: " + e);
        }
    }

    /** "GELF via TCP": each message is terminated by a NUL byte. */
    private void readConnection(SocketChannel c) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(65536);
        try (c) {
            while (c.read(buf.clear()) >= 0) {
                for (int i = 0; i < buf.position(); i++) {
                    byte b = buf.get(i);
                    if (b == 0) {
                        synchronized (this) {
                            message(frame.toByteArray(), "none", 0);
                        }
                        frame.reset();
                    } else {
                        frame.write(b);
                    }
                }
            }
        } catch (ClosedChannelException e) {
            // closed by the test: a collector going away
        } catch (IOException e) {
            // a reset connection: the same
        }
        if (frame.size() > 0) {
            synchronized (this) {
                incompleteFrames++;
            }
        }
    }

    // ------------------------------------------------------------------ the payload

    private void message(byte[] json, String encoding, int chunkCount) {
        Map<String, Object> fields = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                violation("not a JSON object: " + new String(json, java.nio.charset.StandardCharsets.UTF_8));
                return;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                Object value = switch (v) {
                    case VALUE_STRING -> p.getText();
                    case VALUE_NUMBER_INT -> p.getLongValue();
                    case VALUE_NUMBER_FLOAT -> p.getDecimalValue();
                    default -> {
                        p.skipChildren();
                        yield v;
                    }
                };
                fields.put(name, value);
            }
            if (p.nextToken() != null) {
                violation("data after the JSON object");
            }
        } catch (IOException e) {
            violation("invalid JSON (" + e.getMessage() + "): " + new String(json, java.nio.charset.StandardCharsets.UTF_8));
            return;
        }
        checkPayload(fields);
        messages.add(new Message(fields, json, encoding, chunkCount));
        notifyAll();
    }

    /** "GELF Payload Specification", field by field. */
    private void checkPayload(Map<String, Object> f) {
        String what = "message " + f.get("short_message") + ": ";
        if (!"1.1".equals(f.get("version"))) {
            violation(what + "version must be the string \"1.1\", got " + f.get("version"));
        }
        for (String required : List.of("host", "short_message")) {
            if (!(f.get(required) instanceof String s) || s.isEmpty()) {
                violation(what + required + " must be a non-empty string, got " + f.get(required));
            }
        }
        if (f.containsKey("full_message") && !(f.get("full_message") instanceof String)) {
            violation(what + "full_message must be a string");
        }
        if (f.containsKey("timestamp") && !(f.get("timestamp") instanceof Number)) {
            violation(what + "timestamp must be a number, got " + f.get("timestamp"));
        }
        if (f.containsKey("level") && !(f.get("level") instanceof Long l && l >= 0 && l <= 7)) {
            violation(what + "level must be a syslog level 0..7, got " + f.get("level"));
        }
        for (Map.Entry<String, Object> e : f.entrySet()) {
            String k = e.getKey();
            switch (k) {
                case "version", "host", "short_message", "full_message", "timestamp", "level" -> {
                }
                case "facility", "line", "file" -> violation(what + "deprecated field " + k + " sent");
                default -> {
                    if (!k.startsWith("_")) {
                        violation(what + "field " + k + " is neither a GELF field nor an additional field (_NAME)");
                    } else if (!FIELD_NAME.matcher(k).matches()) {
                        violation(what + "additional field name " + k + " does not match ^[\\w\\.\\-]*$");
                    } else if (k.equals("_id")) {
                        violation(what + "additional field _id is not allowed");
                    }
                    if (!(e.getValue() instanceof String || e.getValue() instanceof Number)) {
                        violation(what + "additional field " + k + " must be a string or a number, got " + e.getValue());
                    }
                }
            }
        }
    }

    private synchronized void violation(String v) {
        violations.add(v);
        notifyAll();
    }

    private void start(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        synchronized (threads) {
            threads.add(t);
        }
        t.start();
    }

    /** Stops listening and drops every connection (a collector going away). */
    @Override
    public void close() throws IOException {
        if (udp != null) {
            udp.close();
        } else {
            tcp.close();
            synchronized (this) {
                for (SocketChannel c : connections) {
                    c.close();
                }
            }
        }
        List<Thread> all;
        synchronized (threads) {
            all = List.copyOf(threads);
        }
        for (Thread t : all) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
