package io.conmonj.host.oom;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The lines of {@code /proc/PID/cgroup}: {@code ID:CONTROLLERS:PATH}, one per
 * hierarchy. The cgroup v2 (unified) hierarchy is the line {@code 0::PATH}; a
 * v1 hierarchy lists its controllers comma-separated (named hierarchies as
 * {@code name=X}). Paths may contain ':', so only the first two colons split.
 */
final class ProcCgroup {
    private ProcCgroup() {}

    record Line(int hierarchyId, List<String> controllers, String path) {
        boolean isUnified() {
            return hierarchyId == 0 && controllers.isEmpty();
        }
    }

    /** Parses the file's text; malformed lines are skipped. */
    static List<Line> parse(String text) {
        List<Line> lines = new ArrayList<>();
        for (String raw : text.split("\n")) {
            int first = raw.indexOf(':');
            int second = first < 0 ? -1 : raw.indexOf(':', first + 1);
            if (second < 0) {
                continue;
            }
            int id;
            try {
                id = Integer.parseInt(raw.substring(0, first));
            } catch (NumberFormatException e) {
                continue;
            }
            String list = raw.substring(first + 1, second);
            List<String> controllers = list.isEmpty() ? List.of() : Arrays.asList(list.split(","));
            lines.add(new Line(id, List.copyOf(controllers), raw.substring(second + 1)));
        }
        return lines;
    }

    /** The path of the {@code 0::PATH} line, wherever it is in the file. */
    static Optional<String> unifiedPath(List<Line> lines) {
        for (Line line : lines) {
            if (line.isUnified()) {
                return Optional.of(line.path());
            }
        }
        return Optional.empty();
    }

    /** The path of the v1 hierarchy that has {@code controller} (an exact name, e.g. "memory"). */
    static Optional<String> controllerPath(List<Line> lines, String controller) {
        for (Line line : lines) {
            if (!line.isUnified() && line.controllers().contains(controller)) {
                return Optional.of(line.path());
            }
        }
        return Optional.empty();
    }
}
