package io.conmonj.host.policy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.util.Map;
import java.util.Set;

/**
 * Where the policy comes from: {@link #DEFAULT_PATH}, fixed at build time, or the file named by the monitor's own
 * environment variable {@link #ENV} (which the administrator sets with {@code conmon_env_vars}; never an
 * annotation). A missing default file means {@link Policy#DEFAULT}; a missing {@code CONMONJ_POLICY} file is an
 * error (the administrator asked for it).
 */
public final class PolicyFile {
    public static final String DEFAULT_PATH = "/etc/conmon-j/policy.conf";
    public static final String ENV = "CONMONJ_POLICY";

    private PolicyFile() {
    }

    /**
     * @param environment the monitor's environment
     * @param euid        the monitor's effective uid ({@link OwnerCheck#effectiveUid()})
     * @throws PolicyException {@code FILE:LINE: RULE: message}
     */
    public static Policy load(Map<String, String> environment, int euid) throws PolicyException {
        String env = environment.get(ENV);
        boolean explicit = env != null && !env.isEmpty();
        String name = explicit ? env : DEFAULT_PATH;
        Path path = Path.of(name);
        if (!path.isAbsolute()) {
            throw new PolicyException(name, "policy-owner", ENV + " must be an absolute path");
        }
        if (!explicit && !Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return Policy.DEFAULT;
        }
        return PolicyReader.read(name, read(path, euid));
    }

    /** The file's bytes, after {@link OwnerCheck}, opened with {@code O_NOFOLLOW} relative to its directory. */
    static byte[] read(Path path, int euid) throws PolicyException {
        String name = path.toString();
        OwnerCheck.check(path, euid, name, "policy-owner");
        Path dir = path.getParent();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            if (!(ds instanceof SecureDirectoryStream<Path> sds)) {
                throw new PolicyException(name, "policy-owner", "cannot open " + dir + " as a directory descriptor");
            }
            Path file = path.getFileName();
            Object key = sds.getFileAttributeView(file, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes().fileKey();
            Object expected = Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS).fileKey();
            if (key == null || !key.equals(expected)) {
                throw new PolicyException(name, "policy-owner", "the file changed while it was checked");
            }
            try (SeekableByteChannel ch = sds.newByteChannel(file, Set.of(StandardOpenOption.READ,
                    LinkOption.NOFOLLOW_LINKS))) {
                ByteBuffer buf = ByteBuffer.allocate(TomlSubset.MAX_BYTES + 1);
                while (buf.hasRemaining() && ch.read(buf) > 0) {
                    // bounded by the buffer
                }
                if (!buf.hasRemaining()) {
                    throw PolicyException.at(name, 1, "policy-size", "the file is larger than " + TomlSubset.MAX_BYTES
                            + " bytes");
                }
                byte[] out = new byte[buf.position()];
                buf.flip().get(out);
                return out;
            }
        } catch (NoSuchFileException e) {
            throw new PolicyException(name, "policy-owner", "no such file");
        } catch (IOException e) {
            throw new PolicyException(name, "policy-owner", "cannot read: " + e.getMessage());
        }
    }
}
