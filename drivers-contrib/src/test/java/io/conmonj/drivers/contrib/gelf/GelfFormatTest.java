package io.conmonj.drivers.contrib.gelf;

import io.conmonj.drivers.contrib.net.ByteSink;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.conmonj.plugin.ContainerMetadata;
import io.conmonj.plugin.LogStream;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Golden bytes of the message format and of Go's encoding/json string escaping. */
class GelfFormatTest {
    static final String ID = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static String escaped(byte[] in) {
        ByteSink out = new ByteSink(4);
        GelfJson.appendString(out, in, 0, in.length);
        return new String(out.toByteArray(), StandardCharsets.UTF_8);
    }

    private static String decoded(String json) throws IOException {
        try (JsonParser p = new JsonFactory().createParser(json)) {
            assertEquals(JsonToken.VALUE_STRING, p.nextToken());
            return p.getText();
        }
    }

    private static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return out;
    }

    @Test
    void goldenMessage() {
        ContainerMetadata c = new ContainerMetadata(ID, "web", null, Map.of("app", "shop"), Map.of("HOSTNAME", "x"),
                "docker.io/library/alpine:latest");
        GelfMessageFormat f = new GelfMessageFormat("build-host", c, w -> { throw new AssertionError(w); });
        byte[] line = "hello \"world\" <&>\t\u0001".getBytes(StandardCharsets.UTF_8);
        ByteSink out = new ByteSink(8);
        f.encode(out, LogStream.STDOUT, 1_700_000_000_123_456_789L, line, 0, line.length);
        assertEquals("{\"version\":\"1.1\",\"host\":\"build-host\","
                + "\"short_message\":\"hello \\\"world\\\" \\u003c\\u0026\\u003e\\t\\u0001\","
                + "\"timestamp\":1700000000.123,\"level\":6,\"_HOSTNAME\":\"x\",\"_app\":\"shop\","
                + "\"_container_id\":\"" + ID + "\",\"_container_name\":\"web\","
                + "\"_image_name\":\"docker.io/library/alpine:latest\",\"_tag\":\"0123456789ab\"}",
                new String(out.toByteArray(), StandardCharsets.UTF_8));

        // stderr, a tag, no name and no image: those fields are left out; the buffer is reused
        ContainerMetadata bare = new ContainerMetadata(ID, null, "my/tag", Map.of(), Map.of(), null);
        new GelfMessageFormat("h", bare, w -> { }).encode(out, LogStream.STDERR, 1_700_000_000_000_999_999L,
                bytes('e'), 0, 1);
        assertEquals("{\"version\":\"1.1\",\"host\":\"h\",\"short_message\":\"e\",\"timestamp\":1700000000,"
                + "\"level\":3,\"_container_id\":\"" + ID + "\",\"_tag\":\"my/tag\"}",
                new String(out.toByteArray(), StandardCharsets.UTF_8));
    }

    @Test
    void timestampIsDockersMillisecondsAsTheShortestDecimal() {
        long s = 1_700_000_000L * 1_000_000_000L;
        String[][] cases = {
                {"0", "1700000000"}, {"100000000", "1700000000.1"}, {"120000000", "1700000000.12"},
                {"123999999", "1700000000.123"}, {"5000000", "1700000000.005"}, {"999999", "1700000000"},
        };
        for (String[] c : cases) {
            ByteSink out = new ByteSink(1);
            GelfMessageFormat.appendSeconds(out, s + Long.parseLong(c[0]));
            assertEquals(c[1], new String(out.toByteArray(), StandardCharsets.US_ASCII), c[0]);
        }
    }

    @Test
    void jsonEscapingIsGoEncodingJson() throws IOException {
        // control bytes: short forms where Go has them, else a 6-byte escape; DEL as it is
        assertEquals("\"\\u0000\\u0001\\b\\t\\n\\u000b\\f\\r\\u001f\u007f\"",
                escaped(bytes(0, 1, 8, 9, 10, 11, 12, 13, 0x1f, 0x7f)));
        assertEquals("\"\\\"\\\\/\\u003c\\u003e\\u0026\"", escaped("\"\\/<>&".getBytes(StandardCharsets.US_ASCII)));
        // valid UTF-8 as it is, U+2028/2029 escaped
        assertEquals("\"é€😀\\u2028\\u2029\"", escaped("é€😀\u2028\u2029".getBytes(StandardCharsets.UTF_8)));
        // each byte that does not begin a valid sequence is one U+FFFD
        String[][] invalid = {
                {"ff", "\\ufffd"},                       // never a lead byte
                {"c0af", "\\ufffd\\ufffd"},              // overlong 2-byte form of '/'
                {"e080af", "\\ufffd\\ufffd\\ufffd"},     // overlong 3-byte form
                {"eda080", "\\ufffd\\ufffd\\ufffd"},     // a surrogate, U+D800
                {"f4908080", "\\ufffd\\ufffd\\ufffd\\ufffd"}, // above U+10FFFF
                {"e282", "\\ufffd\\ufffd"},              // truncated at the end
                {"e28241", "\\ufffd\\ufffdA"},           // bad continuation, then ASCII
                {"80", "\\ufffd"},                       // a lone continuation byte
                {"41c3a942", "Aé" + "B"},                // valid between ASCII
        };
        for (String[] c : invalid) {
            byte[] in = java.util.HexFormat.of().parseHex(c[0]);
            String json = escaped(in);
            assertEquals("\"" + c[1] + "\"", json, c[0]);
            // a real JSON parser reads it, with U+FFFD where the bad bytes were
            assertEquals(c[1].replace("\\ufffd", "\ufffd"), decoded(json), c[0]);
        }
        // every byte value, decoded by a real parser: ASCII round-trips, the rest are U+FFFD alone
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 256; i++) {
            expected.append(i < 0x80 ? (char) i : '\ufffd');
        }
        assertEquals(expected.toString(), decoded(escaped(all)));
    }

    @Test
    void labelAndEnvFieldsFollowDockerAndTheGelfNameRule() {
        List<String> warnings = new ArrayList<>();
        ContainerMetadata c = new ContainerMetadata(ID, "web", null,
                Map.of("app", "from-label", "_x", "kept", "id", "no", "tag", "no", "a b", "no",
                        "x\n[conmon:e]: forged", "no"),
                Map.of("app", "from-env"), null);
        var extras = GelfMessageFormat.extras(c, warnings::add);
        assertEquals(Map.of("_app", "from-env", "_x", "kept", "_container_id", ID, "_container_name", "web",
                "_tag", "0123456789ab"), extras);
        assertEquals(List.of(
                "label 'a b' is not sent as GELF field '_a b': GELF field names are letters, digits, _ . and -",
                "label id is not sent as GELF field '_id': GELF does not allow the field _id",
                "label tag is not sent as GELF field '_tag': it would replace the driver's own field",
                "label 'x\\x0a[conmon:e]: forged' is not sent as GELF field '_x\\x0a[conmon:e]: forged': GELF field"
                        + " names are letters, digits, _ . and -"), warnings, "names are escaped: no line of the"
                + " monitor's log can be forged");
    }
}
