package io.conmonj.drivers.contrib.net;

import io.conmonj.plugin.DriverOptions;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A cap on the labels and env variables a driver repeats in every message. They come from annotations and the
 * container's environment, which the container's author controls: without a cap, one large annotation selected with
 * {@code labels} or {@code labels-regex} would be copied into every line's message (GELF over UDP then fails at 128
 * chunks, rsyslog cuts messages at 8 KiB by default). Fields are kept in name order while the characters of their
 * names and values fit; the rest are left out with one start-up warning.
 */
public final class MetadataBudget {
    private MetadataBudget() {
    }

    /**
     * The fields of {@code fields} (in name order) that fit {@code maxChars} in all.
     *
     * @param where what they are left out of, for the warning ("the GELF message")
     */
    public static Map<String, String> fit(Map<String, String> fields, int maxChars, String where,
                                          Consumer<String> warnings) {
        Map<String, String> kept = new LinkedHashMap<>();
        long used = 0;
        int left = 0;
        String firstLeft = null;
        for (Map.Entry<String, String> e : new TreeMap<>(fields).entrySet()) {
            long size = (long) e.getKey().length() + e.getValue().length();
            if (used + size <= maxChars) {
                kept.put(e.getKey(), e.getValue());
                used += size;
            } else {
                left++;
                if (firstLeft == null) {
                    firstLeft = e.getKey();
                }
            }
        }
        if (left > 0) {
            warnings.accept(left + (left == 1 ? " label or env variable" : " labels and env variables")
                    + " left out of " + where + " (first " + DriverOptions.name(firstLeft) + "): the selected ones may"
                    + " have " + maxChars + " characters of names and values in all");
        }
        return kept;
    }
}
