package io.conmonj.host.attach;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** {@code ls -l}-style mode strings read with lstat, e.g. {@code prw-r-----}. */
final class FileModes {
    private FileModes() {}

    static String of(Path path) throws IOException {
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        char type = switch (mode & 0170000) {
            case 0010000 -> 'p';
            case 0020000 -> 'c';
            case 0040000 -> 'd';
            case 0100000 -> '-';
            case 0120000 -> 'l';
            case 0140000 -> 's';
            default -> '?';
        };
        StringBuilder s = new StringBuilder().append(type);
        String letters = "rwxrwxrwx";
        for (int bit = 0; bit < 9; bit++) {
            s.append((mode & (0400 >> bit)) != 0 ? letters.charAt(bit) : '-');
        }
        return s.toString();
    }
}
