package io.conmonj.drivers.builtin.jsonfile;


import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.conmonj.plugin.LogRecord;
import io.conmonj.plugin.LogStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Decoding json-file lines with jackson-core, and Go's per-byte replacement of invalid UTF-8 as the reference. */
final class JsonTestSupport {
    static final JsonFactory JSON = new JsonFactory();
    /** 2026-11-30T02:05:46.309194498Z, the instant the k8s-file tests pin too */
    static final java.time.Instant T0 = java.time.Instant.ofEpochSecond(1_796_004_346L, 309_194_498);
    /** T0 as Docker writes it */
    static final String TIME = "2026-11-30T02:05:46.309194498Z";
    static final long T0_NANOS = T0.getEpochSecond() * 1_000_000_000L + T0.getNano();

    private JsonTestSupport() {
    }

    /** One decoded line: the fields in file order (attrs as a nested map). */
    record Line(List<String> order, String log, String stream, Map<String, String> attrs, String time) {
    }

    static Line parse(byte[] line) throws IOException {
        List<String> order = new ArrayList<>();
        String log = null;
        String stream = null;
        String time = null;
        Map<String, String> attrs = null;
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not an object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                order.add(name);
                JsonToken t = p.nextToken();
                switch (name) {
                    case "log" -> log = p.getText();
                    case "stream" -> stream = p.getText();
                    case "time" -> time = p.getText();
                    case "attrs" -> {
                        if (t != JsonToken.START_OBJECT) {
                            throw new IOException("attrs is not an object");
                        }
                        attrs = new LinkedHashMap<>();
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String k = p.currentName();
                            p.nextToken();
                            attrs.put(k, p.getText());
                        }
                    }
                    default -> throw new IOException("unexpected field " + name);
                }
            }
            if (p.nextToken() != null) {
                throw new IOException("trailing data");
            }
        }
        return new Line(order, log, stream, attrs, time);
    }

    /** Splits file content into lines (each must end with \n); returns them without the \n. */
    static List<byte[]> lines(byte[] content) {
        List<byte[]> r = new ArrayList<>();
        int s = 0;
        for (int i = 0; i < content.length; i++) {
            if (content[i] == '\n') {
                byte[] l = new byte[i - s];
                System.arraycopy(content, s, l, 0, l.length);
                r.add(l);
                s = i + 1;
            }
        }
        if (s != content.length) {
            throw new AssertionError("file does not end with a complete line");
        }
        return r;
    }

    /**
     * The reference for "log": Go's decoding, where every byte that does not start a complete valid UTF-8 sequence
     * becomes one U+FFFD. Independent of the driver: it asks the JDK's strict decoder about 1..4-byte windows.
     */
    static String goString(byte[] b) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < b.length) {
            int taken = 0;
            for (int n = 1; n <= 4 && i + n <= b.length; n++) {
                String s = strict(b, i, n);
                if (s != null && s.codePointCount(0, s.length()) == 1) {
                    sb.append(s);
                    taken = n;
                    break;
                }
            }
            if (taken == 0) {
                sb.append('\ufffd');
                taken = 1;
            }
            i += taken;
        }
        return sb.toString();
    }

    private static String strict(byte[] b, int off, int len) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, off, len)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    static byte[] b(int... v) {
        byte[] r = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = (byte) v[i];
        }
        return r;
    }

    static byte[] cat(Object... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (Object p : parts) {
            o.writeBytes(p instanceof byte[] bs ? bs : ((String) p).getBytes(StandardCharsets.UTF_8));
        }
        return o.toByteArray();
    }

    static LogRecord record(LogStream s, long ts, byte[] data, boolean partial) {
        return new LogRecord(s, ts, data, 0, data.length, partial);
    }
}
