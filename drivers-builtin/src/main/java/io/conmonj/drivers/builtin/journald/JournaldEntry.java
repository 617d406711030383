package io.conmonj.drivers.builtin.journald;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields of one container's journal entries and their encoding in journald's native protocol, as conmon's
 * {@code sd_journal_sendv} call sends them (conmon-behaviour.md §7.2): {@code MESSAGE}, {@code CONTAINER_ID_FULL},
 * {@code PRIORITY}, {@code CONTAINER_ID}, {@code CONTAINER_TAG} (with a tag), {@code CONTAINER_NAME} (with a name),
 * {@code SYSLOG_IDENTIFIER} (tag, else name, else short id), {@code CONTAINER_PARTIAL_MESSAGE=true} (partial entries,
 * unless turned off), then each label {@code NAME=VALUE}.
 *
 * <p>Encoding (systemd's journal-native protocol, what {@code sd_journal_sendv} writes): a field without a newline
 * in it is {@code NAME=value\n}; one whose value contains {@code \n} is {@code NAME\n}, the value's length as a
 * 64-bit little-endian integer, the value, {@code \n}. A complete line's MESSAGE ends with its newline, so it always
 * takes the second form.
 *
 * @param cid            {@code --cid}, longer than 12 characters
 * @param name           {@code --name}, or null
 * @param tag            {@code --log-tag}, or null
 * @param labels         {@code --log-label} values, {@code NAME=VALUE}, in order
 * @param partialField   false with {@code --no-container-partial-message}
 */
public record JournaldEntry(String cid, String name, String tag, List<String> labels, boolean partialField) {

    public JournaldEntry {
        labels = List.copyOf(labels);
    }

    /** The fields after MESSAGE, CONTAINER_ID_FULL and PRIORITY and before the partial flag, encoded. */
    byte[] fixedTail() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String shortId = cid.length() > 12 ? cid.substring(0, 12) : cid;
        field(out, "CONTAINER_ID=" + shortId);
        if (tag != null) {
            field(out, "CONTAINER_TAG=" + tag);
        }
        if (name != null) {
            field(out, "CONTAINER_NAME=" + name);
        }
        field(out, "SYSLOG_IDENTIFIER=" + (tag != null ? tag : name != null ? name : shortId));
        return out.toByteArray();
    }

    byte[] labelsEncoded() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String label : labels) {
            field(out, label);
        }
        return out.toByteArray();
    }

    /** A reusable encoder of this container's entries. */
    public Encoder encoder() {
        return new Encoder(this);
    }

    /** Builds datagrams into one growing buffer. Not thread-safe. */
    public static final class Encoder {
        private static final byte[] MESSAGE = "MESSAGE".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] PARTIAL = "CONTAINER_PARTIAL_MESSAGE=true\n".getBytes(StandardCharsets.US_ASCII);

        private final byte[] idFull;
        private final byte[] tail;
        private final byte[] labels;
        private final boolean partialField;
        private byte[] buf = new byte[16384];
        private int len;

        Encoder(JournaldEntry entry) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            field(out, "CONTAINER_ID_FULL=" + entry.cid());
            idFull = out.toByteArray();
            tail = entry.fixedTail();
            labels = entry.labelsEncoded();
            partialField = entry.partialField();
        }

        /**
         * Encodes one entry whose MESSAGE is {@code head[0..headLen)} followed by {@code data[off..off+dataLen)}.
         *
         * @return the datagram's length; its bytes are {@link #buffer()}{@code [0..length)}
         */
        public int encode(byte[] head, int headLen, byte[] data, int off, int dataLen, int priority, boolean partial) {
            len = 0;
            int valueLen = headLen + dataLen;
            if (contains(head, 0, headLen) || contains(data, off, dataLen)) {
                append(MESSAGE, 0, MESSAGE.length);
                appendByte('\n');
                ensure(8);
                long l = valueLen;
                for (int i = 0; i < 8; i++) {
                    buf[len++] = (byte) (l >>> (8 * i));
                }
            } else {
                append(MESSAGE, 0, MESSAGE.length);
                appendByte('=');
            }
            append(head, 0, headLen);
            append(data, off, dataLen);
            appendByte('\n');
            append(idFull, 0, idFull.length);
            ensure(11);
            byte[] p = {'P', 'R', 'I', 'O', 'R', 'I', 'T', 'Y', '=', (byte) ('0' + priority), '\n'};
            append(p, 0, p.length);
            append(tail, 0, tail.length);
            if (partial && partialField) {
                append(PARTIAL, 0, PARTIAL.length);
            }
            append(labels, 0, labels.length);
            return len;
        }

        public byte[] buffer() {
            return buf;
        }

        private static boolean contains(byte[] b, int off, int n) {
            for (int i = off; i < off + n; i++) {
                if (b[i] == '\n') {
                    return true;
                }
            }
            return false;
        }

        private void appendByte(int b) {
            ensure(1);
            buf[len++] = (byte) b;
        }

        private void append(byte[] b, int off, int n) {
            ensure(n);
            System.arraycopy(b, off, buf, len, n);
            len += n;
        }

        private void ensure(int n) {
            if (len + n > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
            }
        }
    }

    /** {@code NAME=value} in the native protocol: as it is plus {@code \n}, or the binary form if the value has a newline. */
    static void field(ByteArrayOutputStream out, String nameEqualsValue) {
        byte[] b = nameEqualsValue.getBytes(StandardCharsets.UTF_8);
        int eq = nameEqualsValue.indexOf('=');
        int eqByte = eq < 0 ? -1 : nameEqualsValue.substring(0, eq).getBytes(StandardCharsets.UTF_8).length;
        int nl = -1;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '\n') {
                nl = i;
                break;
            }
        }
        if (nl < 0 || eqByte < 0 || nl < eqByte) {
            out.write(b, 0, b.length);
            out.write('\n');
            return;
        }
        out.write(b, 0, eqByte);
        out.write('\n');
        long l = b.length - eqByte - 1;
        for (int i = 0; i < 8; i++) {
            out.write((int) (l >>> (8 * i)) & 0xff);
        }
        out.write(b, eqByte + 1, b.length - eqByte - 1);
        out.write('\n');
    }

    /** Parses one datagram back into NAME=value strings (tests, diagnostics). */
    static List<String> decode(byte[] d, int n) {
        List<String> fields = new ArrayList<>();
        int i = 0;
        while (i < n) {
            int j = i;
            while (j < n && d[j] != '=' && d[j] != '\n') {
                j++;
            }
            String fieldName = new String(d, i, j - i, StandardCharsets.UTF_8);
            if (j < n && d[j] == '=') {
                int e = j;
                while (e < n && d[e] != '\n') {
                    e++;
                }
                fields.add(fieldName + "=" + new String(d, j + 1, e - j - 1, StandardCharsets.UTF_8));
                i = e + 1;
            } else {
                long l = 0;
                for (int k = 0; k < 8; k++) {
                    l |= (d[j + 1 + k] & 0xffL) << (8 * k);
                }
                int start = j + 9;
                fields.add(fieldName + "=" + new String(d, start, (int) l, StandardCharsets.UTF_8));
                i = start + (int) l + 1;
            }
        }
        return fields;
    }
}
