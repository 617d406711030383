package io.conmonj.host.reader;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** The files of one log: its rotated files {@code PATH.N} / {@code PATH.N.gz}, oldest (highest N) first. */
final class LogFiles {
    private LogFiles() {}

    /**
     * The rotated files of {@code path}, oldest first. When both {@code PATH.N} and {@code PATH.N.gz}
     * exist (a compression that has not removed its source yet) the uncompressed one is taken.
     */
    static List<Path> rotated(Path path) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        String base = path.getFileName().toString() + ".";
        TreeMap<Long, Path> byNumber = new TreeMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (!name.startsWith(base)) continue;
                String rest = name.substring(base.length());
                boolean gz = rest.endsWith(".gz");
                if (gz) rest = rest.substring(0, rest.length() - 3);
                if (rest.isEmpty() || rest.length() > 9 || !rest.chars().allMatch(c -> c >= '0' && c <= '9')) continue;
                long n = Long.parseLong(rest);
                if (n == 0) continue;
                Path have = byNumber.get(n);
                if (have == null || (have.getFileName().toString().endsWith(".gz") && !gz)) byNumber.put(n, p);
            }
        }
        return new ArrayList<>(byNumber.descendingMap().values());
    }
}
