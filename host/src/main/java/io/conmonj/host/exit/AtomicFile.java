package io.conmonj.host.exit;

import io.conmonj.host.sys.Sys;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes small files (exit files, the -P pidfile) the way conmon does: a temp
 * file in the same directory, renamed over the target, so a reader never sees
 * a half-written number. Mode 0644, no trailing newline.
 *
 * The temp file is named after the target, our pid and a counter, and created
 * exclusively without following links (a name that exists is skipped, a bounded
 * number of times). Not Files.createTempFile: its random names come from
 * SecureRandom, which loads ≈ 55 security classes into every monitor at start-up.
 */
public final class AtomicFile {
    private static final int NAME_ATTEMPTS = 16;
    private static final OpenOption[] CREATE = {
        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS};
    private static int counter;

    private AtomicFile() {}

    public static void write(Path target, String content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        byte[] bytes = content.getBytes(StandardCharsets.US_ASCII);
        Path temp = null;
        try {
            temp = createAndWrite(dir, "." + target.getFileName() + "." + Sys.getpid() + ".", bytes);
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            if (temp != null) {
                Files.deleteIfExists(temp);
            }
        }
    }

    private static Path createAndWrite(Path dir, String prefix, byte[] bytes) throws IOException {
        for (int attempt = 1; ; attempt++) {
            Path temp = dir.resolve(prefix + nextCount() + ".tmp");
            SeekableByteChannel channel;
            try {
                channel = Files.newByteChannel(temp, CREATE);
            } catch (FileAlreadyExistsException e) {
                if (attempt == NAME_ATTEMPTS) {
                    throw new IOException("cannot create a temp file " + prefix + "N.tmp in " + dir
                            + ": " + NAME_ATTEMPTS + " names taken", e);
                }
                continue;
            }
            try (channel) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(temp);
                throw e;
            }
            return temp;
        }
    }

    private static synchronized int nextCount() {
        return counter++;
    }
}
