package io.conmonj.examples.jsonlines;

import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.DriverOptions;
import io.conmonj.plugin.LogDriver;
import io.conmonj.plugin.LogDriverException;
import io.conmonj.plugin.LogDriverProvider;
import io.conmonj.plugin.LogRecord;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.function.Consumer;

/**
 * An example Java log driver, {@code example-jsonl}: appends one JSON object per record to a
 * file and counts what it wrote.
 *
 * <pre>{"time_ns":1700000000000000001,"stream":"stdout","partial":false,"id":"0123…","name":"web","log":"hello\n"}</pre>
 *
 * Output that is not valid UTF-8 is kept exactly: such a record has {@code "log_base64"}
 * (the bytes in Base64) instead of {@code "log"}. On close the driver appends a summary line
 * {@code {"records":N,"bytes":M}}.
 *
 * <p>Options, declared with {@link DriverOptions}: {@code path=/abs/file} (required), {@code summary=false} to leave
 * the summary out.
 */
public final class JsonLinesDriverProvider implements LogDriverProvider {

    public static final String NAME = "example-jsonl";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public LogDriver open(ContainerMetadata container, Map<String, String> options, Consumer<String> warnings)
            throws LogDriverException {
        // The declared keys: anything else is refused ("option KEY: unknown (known: path, summary)"); the host puts
        // "log driver NAME: " in front of every message, so the driver does not name itself.
        DriverOptions o = DriverOptions.of(options, "path", "summary");
        String path = o.requiredString("path", 4096);
        if (!path.startsWith("/")) {
            throw DriverOptions.error("path", DriverOptions.echo(path) + " is not an absolute file name");
        }
        boolean summary = o.bool("summary", true); // Go's ParseBool, as Docker's options: true, false, 1, 0, t, f...
        try {
            return new Driver(container, path, new BufferedOutputStream(new FileOutputStream(path, true), 64 * 1024),
                    summary);
        } catch (IOException e) {
            throw new LogDriverException("cannot open " + path + ": " + e.getMessage(), e);
        }
    }

    private static final class Driver implements LogDriver {
        private final String path;
        private final String prefix; // the fields every line shares, after "stream"/"partial"
        private final boolean summary;
        private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        private OutputStream out;
        private long records;
        private long bytes;
        private boolean closed;

        Driver(ContainerMetadata c, String path, OutputStream out, boolean summary) {
            this.path = path;
            this.out = out;
            this.summary = summary;
            StringBuilder p = new StringBuilder(",\"id\":");
            quote(p, c.id());
            if (c.name() != null) {
                p.append(",\"name\":");
                quote(p, c.name());
            }
            this.prefix = p.toString();
        }

        @Override
        public void write(LogRecord r) throws IOException {
            StringBuilder line = new StringBuilder(r.length() + 128);
            line.append("{\"time_ns\":").append(r.timestampNanos())
                    .append(",\"stream\":\"").append(r.stream().label())
                    .append("\",\"partial\":").append(r.partial()).append(prefix);
            try {
                String text = utf8.decode(ByteBuffer.wrap(r.data(), r.offset(), r.length())).toString();
                line.append(",\"log\":");
                quote(line, text);
            } catch (CharacterCodingException e) {
                line.append(",\"log_base64\":\"").append(Base64.getEncoder().encodeToString(r.bytes())).append('"');
            }
            line.append("}\n");
            out.write(line.toString().getBytes(StandardCharsets.UTF_8));
            records++;
            bytes += r.length();
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void reopen() throws IOException {
            out.flush();
            out.close();
            out = new BufferedOutputStream(new FileOutputStream(path, true), 64 * 1024);
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return; // the SPI's close is idempotent: one summary line
            }
            closed = true;
            try (OutputStream o = out) {
                if (summary) {
                    o.write(("{\"records\":" + records + ",\"bytes\":" + bytes + "}\n").getBytes(StandardCharsets.UTF_8));
                }
            }
        }

        private static void quote(StringBuilder sb, String s) {
            sb.append('"');
            for (int i = 0; i < s.length(); i++) {
                char ch = s.charAt(i);
                switch (ch) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    case '\t' -> sb.append("\\t");
                    default -> {
                        if (ch < 0x20) {
                            sb.append(String.format("\\u%04x", (int) ch));
                        } else {
                            sb.append(ch);
                        }
                    }
                }
            }
            sb.append('"');
        }
    }
}
