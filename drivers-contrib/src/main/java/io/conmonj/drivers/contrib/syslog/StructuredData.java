package io.conmonj.drivers.contrib.syslog;

import io.conmonj.drivers.contrib.net.MetadataBudget;
import io.conmonj.plugin.DriverOptions;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The STRUCTURED-DATA field of RFC 5424 (section 6.3) for the labels and environment variables the container
 * selected (the host's {@code labels} and {@code env} options): one SD-ELEMENT each,
 * {@code [labels@32473 NAME="VALUE" ...][env@32473 NAME="VALUE" ...]}, parameters in name order, an element left
 * out when it has no parameter, {@code -} (NILVALUE) when both are.
 *
 * <p>SD-IDs: a name that is not IANA-registered must be {@code NAME@PEN} (section 6.3.2). conmon-j has no private
 * enterprise number of its own, so it uses 32473, the one RFC 5612 reserves for documentation and examples.
 *
 * <p>PARAM-NAME (section 6.3.3) is 1 to 32 printable US-ASCII characters other than {@code =}, space, {@code ]} and
 * {@code "}: any other character of a label or variable name is replaced by {@code _}, and a name longer than 32
 * characters is left out with a warning. PARAM-VALUE is UTF-8 with {@code "}, {@code \} and {@code ]} escaped by a
 * backslash (section 6.3.3: "MUST be escaped").
 */
final class StructuredData {
    static final String PEN = "32473";
    static final String LABELS_ID = "labels@" + PEN;
    static final String ENV_ID = "env@" + PEN;
    static final int MAX_NAME = 32;
    /**
     * Characters of names and values in the structured data of each message: rsyslog cuts messages at 8 KiB by
     * default, and the line itself needs room.
     */
    static final int MAX_SD = 4096;

    private StructuredData() {
    }

    /** The field's UTF-8 bytes. */
    static byte[] of(Map<String, String> labels, Map<String, String> env, Consumer<String> warnings) {
        StringBuilder sd = new StringBuilder();
        Map<String, String> keptLabels = MetadataBudget.fit(labels, MAX_SD, "the structured data", warnings);
        int used = keptLabels.entrySet().stream().mapToInt(e -> e.getKey().length() + e.getValue().length()).sum();
        element(sd, LABELS_ID, "label", keptLabels, warnings);
        element(sd, ENV_ID, "env", MetadataBudget.fit(env, MAX_SD - used, "the structured data", warnings), warnings);
        return (sd.isEmpty() ? "-" : sd.toString()).getBytes(StandardCharsets.UTF_8);
    }

    private static void element(StringBuilder sd, String id, String kind, Map<String, String> params,
                                Consumer<String> warnings) {
        StringBuilder element = new StringBuilder();
        for (Map.Entry<String, String> e : new TreeMap<>(params).entrySet()) {
            String name = paramName(e.getKey());
            if (name.isEmpty() || name.length() > MAX_NAME) {
                warnings.accept(kind + " " + DriverOptions.name(e.getKey()) + " is left out of the structured data: an SD-PARAM name has "
                        + "1 to " + MAX_NAME + " characters (RFC 5424 section 6.3.3)");
                continue;
            }
            element.append(' ').append(name).append("=\"");
            escapeValue(e.getValue(), element);
            element.append('"');
        }
        if (!element.isEmpty()) {
            sd.append('[').append(id).append(element).append(']');
        }
    }

    /** PRINTUSASCII except {@code = SP ] "}; anything else becomes {@code _}. */
    static String paramName(String key) {
        StringBuilder n = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean ok = c >= 33 && c <= 126 && c != '=' && c != ']' && c != '"';
            n.append(ok ? c : '_');
        }
        return n.toString();
    }

    /**
     * PARAM-VALUE escaping, and control characters (C0, DEL, C1, U+2028/9) replaced by {@code _}: RFC 5424 lets a
     * value hold them, but on a newline-framed transport a label value with LF would end the message and forge the
     * next one (labels come from annotations, which the container's author writes).
     */
    static void escapeValue(String value, StringBuilder out) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\' || c == ']') {
                out.append('\\');
            }
            boolean control = c < ' ' || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == '\u2028' || c == '\u2029';
            out.append(control ? '_' : c);
        }
    }
}
