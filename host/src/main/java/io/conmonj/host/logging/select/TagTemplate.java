package io.conmonj.host.logging.select;

import java.util.ArrayList;
import java.util.List;

/**
 * A log tag with Docker's template fields ({@code --log-opt tag="{{.Name}}/{{.ID}}"}), the subset conmon-j knows:
 * {@code {{.ID}}} (the first 12 characters of the id), {@code {{.FullID}}}, {@code {{.Name}}},
 * {@code {{.ImageName}}}, {@code {{.ImageID}}}, {@code {{.DaemonName}}} ({@code conmon-j}). Spaces inside the
 * braces are allowed ({@code {{ .Name }}}), as in Go templates; everything outside {@code {{ }}} is kept as it is.
 * A field whose value is unknown (no name, no image) becomes the empty string, as in Docker. Parsed once when the
 * driver is selected, so a bad template is a start-up error; no regex (this runs in the monitor's start-up).
 */
public final class TagTemplate {
    /** The fields, in the order error messages list them. */
    static final List<String> FIELDS = List.of("ID", "FullID", "Name", "ImageName", "ImageID", "DaemonName");
    static final String DAEMON_NAME = "conmon-j";

    /** What a template is expanded against; null values expand to "". */
    public record Fields(String id, String name, String imageName, String imageId) {
    }

    private final String source;
    /** Alternating text and field names: a String for text, a Field for a field. */
    private final List<Object> parts;

    private record Field(String name) {
    }

    private TagTemplate(String source, List<Object> parts) {
        this.source = source;
        this.parts = parts;
    }

    /**
     * @throws IllegalArgumentException with the reason (unclosed {@code {{}, empty action, unknown field); the caller
     *                                  names the driver and the template
     */
    public static TagTemplate parse(String template) {
        List<Object> parts = new ArrayList<>();
        int i = 0;
        int n = template.length();
        StringBuilder text = new StringBuilder();
        while (i < n) {
            int open = template.indexOf("{{", i);
            if (open < 0) {
                text.append(template, i, n);
                break;
            }
            text.append(template, i, open);
            int close = template.indexOf("}}", open + 2);
            if (close < 0) {
                throw new IllegalArgumentException("unclosed '{{' at offset " + open);
            }
            String action = template.substring(open + 2, close).strip();
            if (action.isEmpty()) {
                throw new IllegalArgumentException("empty '{{}}' at offset " + open);
            }
            if (action.charAt(0) != '.' || !FIELDS.contains(action.substring(1))) {
                throw new IllegalArgumentException("unknown field '" + action + "' (known: "
                        + String.join(", ", FIELDS.stream().map(f -> "{{." + f + "}}").toList()) + ")");
            }
            if (!text.isEmpty()) {
                parts.add(text.toString());
                text.setLength(0);
            }
            parts.add(new Field(action.substring(1)));
            i = close + 2;
        }
        if (!text.isEmpty()) {
            parts.add(text.toString());
        }
        return new TagTemplate(template, List.copyOf(parts));
    }

    /** The template as written. */
    public String source() {
        return source;
    }

    public String expand(Fields f) {
        StringBuilder out = new StringBuilder();
        for (Object part : parts) {
            if (part instanceof Field(String name)) {
                String id = f.id() == null ? "" : f.id();
                String v = switch (name) {
                    case "ID" -> id.length() > 12 ? id.substring(0, 12) : id;
                    case "FullID" -> id;
                    case "Name" -> f.name();
                    case "ImageName" -> f.imageName();
                    case "ImageID" -> f.imageId();
                    case "DaemonName" -> DAEMON_NAME;
                    default -> throw new IllegalStateException(name);
                };
                out.append(v == null ? "" : v);
            } else {
                out.append((String) part);
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return source;
    }
}
