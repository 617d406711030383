package io.conmonj.drivers.contrib.fluentd;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A MessagePack decoder for tests, written from the MessagePack specification ("Formats" section of
 * msgpack/msgpack spec.md) and independent of the driver's encoder: every format family is decoded. Values:
 * {@code null}, {@link Boolean}, {@link Long} (every int format; uint 64 above 2^63-1 is rejected), {@link Double},
 * {@link Str} (str, bytes kept as they are), {@code byte[]} (bin), {@link List} (array),
 * {@link LinkedHashMap} (map; a repeated key is an error), {@link Ext} (fixext and ext).
 */
public final class MsgPackDecoder {
    private final DataInputStream in;

    public MsgPackDecoder(InputStream in) {
        this.in = new DataInputStream(in);
    }

    /** A str: its raw bytes (the spec says UTF-8; Docker sends whatever the container wrote). */
    public record Str(byte[] bytes) {
        public static Str of(String s) {
            return new Str(s.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Str s && Arrays.equals(bytes, s.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** An extension value: type and data. */
    public record Ext(int type, byte[] data) {
        @Override
        public String toString() {
            return "ext(" + type + ", " + HexFormat.of().formatHex(data) + ")";
        }
    }

    /** The next value, or throws {@link EOFException} if the stream ends before its first byte. */
    public Object next() throws IOException {
        int t = in.read();
        if (t < 0) {
            throw new EOFException("end of stream");
        }
        return value(t);
    }

    private Object value(int t) throws IOException {
        if (t <= 0x7f) {
            return (long) t; // positive fixint
        }
        if (t >= 0xe0) {
            return (long) (byte) t; // negative fixint
        }
        if (t <= 0x8f) {
            return map(t & 0x0f); // fixmap
        }
        if (t <= 0x9f) {
            return array(t & 0x0f); // fixarray
        }
        if (t <= 0xbf) {
            return new Str(bytes(t & 0x1f)); // fixstr
        }
        return switch (t) {
            case 0xc0 -> null;
            case 0xc2 -> false;
            case 0xc3 -> true;
            case 0xc4 -> bytes(in.readUnsignedByte()); // bin 8
            case 0xc5 -> bytes(in.readUnsignedShort()); // bin 16
            case 0xc6 -> bytes(u32()); // bin 32
            case 0xc7 -> ext(in.readUnsignedByte()); // ext 8
            case 0xc8 -> ext(in.readUnsignedShort()); // ext 16
            case 0xc9 -> ext(u32()); // ext 32
            case 0xca -> (double) in.readFloat();
            case 0xcb -> in.readDouble();
            case 0xcc -> (long) in.readUnsignedByte();
            case 0xcd -> (long) in.readUnsignedShort();
            case 0xce -> in.readInt() & 0xffff_ffffL;
            case 0xcf -> {
                long v = in.readLong();
                if (v < 0) {
                    throw new IOException("uint 64 beyond 2^63-1 is not supported by this test decoder");
                }
                yield v;
            }
            case 0xd0 -> (long) in.readByte();
            case 0xd1 -> (long) in.readShort();
            case 0xd2 -> (long) in.readInt();
            case 0xd3 -> in.readLong();
            case 0xd4 -> ext(1); // fixext 1
            case 0xd5 -> ext(2);
            case 0xd6 -> ext(4);
            case 0xd7 -> ext(8);
            case 0xd8 -> ext(16);
            case 0xd9 -> new Str(bytes(in.readUnsignedByte())); // str 8
            case 0xda -> new Str(bytes(in.readUnsignedShort()));
            case 0xdb -> new Str(bytes(u32()));
            case 0xdc -> array(in.readUnsignedShort());
            case 0xdd -> array(u32());
            case 0xde -> map(in.readUnsignedShort());
            case 0xdf -> map(u32());
            default -> throw new IOException(String.format("0x%02x is never used (MessagePack spec)", t));
        };
    }

    private int u32() throws IOException {
        long n = in.readInt() & 0xffff_ffffL;
        if (n > Integer.MAX_VALUE - 8) {
            throw new IOException("length " + n + " too large for this test decoder");
        }
        return (int) n;
    }

    private byte[] bytes(int n) throws IOException {
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    private Ext ext(int n) throws IOException {
        int type = in.readByte();
        return new Ext(type, bytes(n));
    }

    private List<Object> array(int n) throws IOException {
        List<Object> a = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            a.add(next());
        }
        return a;
    }

    private Map<Object, Object> map(int n) throws IOException {
        Map<Object, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            Object k = next();
            if (m.containsKey(k)) {
                throw new IOException("map key " + k + " repeated");
            }
            m.put(k, next());
        }
        return m;
    }
}
