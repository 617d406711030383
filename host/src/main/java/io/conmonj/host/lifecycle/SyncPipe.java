package io.conmonj.host.lifecycle;

import io.conmonj.host.sys.NativeCallException;
import io.conmonj.host.sys.Sys;

import java.nio.charset.StandardCharsets;

/**
 * The sync pipe (_OCI_SYNCPIPE): one JSON line per message, written with a
 * single write (conmon-behaviour.md §3.3). A reader that went away (EPIPE) is normal for
 * exec sessions and silences the pipe; other errors are reported to the caller.
 */
public final class SyncPipe {
    private final int fd;
    private final String key;
    private boolean closed;

    public SyncPipe(int fd, String key) {
        this.fd = fd;
        this.key = key;
        this.closed = fd < 0;
    }

    public void send(int value) throws NativeCallException {
        send(value, null);
    }

    public void send(int value, String message) throws NativeCallException {
        if (closed) {
            return;
        }
        StringBuilder line = new StringBuilder(64).append("{\"").append(key).append("\": ").append(value);
        byte[] bytes;
        if (message == null || message.isEmpty()) {
            bytes = line.append("}\n").toString().getBytes(StandardCharsets.US_ASCII);
        } else {
            bytes = concat(line.append(", \"message\": \"").toString(),
                    escape(message.getBytes(StandardCharsets.UTF_8)), "\"}\n");
        }
        try {
            Sys.writeAll(fd, bytes);
        } catch (NativeCallException e) {
            if (e.errno() != Sys.EPIPE) {
                throw e;
            }
            close();
        }
    }

    public void close() {
        if (!closed) {
            Sys.closeQuietly(fd);
            closed = true;
        }
    }

    private static byte[] concat(String head, byte[] body, String tail) {
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] t = tail.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[h.length + body.length + t.length];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(body, 0, out, h.length, body.length);
        System.arraycopy(t, 0, out, h.length + body.length, t.length);
        return out;
    }

    /** conmon 2.2.x escaping: bytes >= 0x80 are copied raw, controls become escapes. */
    static byte[] escape(byte[] raw) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(raw.length + 16);
        for (byte b : raw) {
            int c = b & 0xff;
            String esc = switch (c) {
                case '\\' -> "\\\\";
                case '"' -> "\\\"";
                case '/' -> "\\/";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> "\\t";
                case '\b' -> "\\b";
                case '\f' -> "\\f";
                default -> (c < 0x20 || c == 0x7f) ? String.format("\\u%04x", c) : null;
            };
            if (esc == null) {
                bytes.write(c);
            } else {
                bytes.writeBytes(esc.getBytes(StandardCharsets.US_ASCII));
            }
        }
        return bytes.toByteArray();
    }
}
