package io.conmonj.host.policy;

import io.conmonj.host.sys.Sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Whether a file the monitor trusts (the policy, a registered plugin or driver jar) and its directory can be
 * changed only by the administrator: neither is a symbolic link, both are owned by root (or, for a monitor that
 * does not run as root, by its own user), and neither is writable by group or others. Checked with
 * {@code lstat(2)} ({@link LinkOption#NOFOLLOW_LINKS}); since nobody but the owner can then replace an entry of the
 * directory, the file opened afterwards with {@code O_NOFOLLOW} is the file checked.
 */
public final class OwnerCheck {
    private static final int WRITABLE_BY_OTHERS = 0022;
    private static final int S_IFMT = 0170000, S_IFREG = 0100000, S_IFDIR = 0040000;

    private OwnerCheck() {
    }

    /** The file's {@code unix:dev} and {@code unix:ino}, as checked, to compare with what was opened. */
    public record Identity(long dev, long ino) {
    }

    /**
     * @param path  absolute path of a regular file
     * @param euid  the monitor's effective user id
     * @param where for messages: the policy line that named the file, or the file itself
     * @param rule  the rule named in a refusal
     * @throws PolicyException when the file or its directory is missing, a symlink, not owned by root (or euid),
     *                         or writable by group or others
     */
    public static Identity check(Path path, int euid, String where, String rule) throws PolicyException {
        Path dir = path.getParent();
        if (dir == null) {
            throw new PolicyException(where, rule, path + " has no directory");
        }
        attributes(dir, euid, where, rule, S_IFDIR, "directory");
        Map<String, Object> file = attributes(path, euid, where, rule, S_IFREG, "regular file");
        return new Identity(((Number) file.get("dev")).longValue(), ((Number) file.get("ino")).longValue());
    }

    private static Map<String, Object> attributes(Path p, int euid, String where, String rule, int type,
                                                  String typeName) throws PolicyException {
        Map<String, Object> a;
        try {
            a = Files.readAttributes(p, "unix:mode,uid,dev,ino", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new PolicyException(where, rule, p + ": no such file or directory");
        } catch (IOException | UnsupportedOperationException e) {
            throw new PolicyException(where, rule, p + ": cannot check: " + e.getMessage());
        }
        int mode = (Integer) a.get("mode");
        int uid = (Integer) a.get("uid");
        if ((mode & S_IFMT) != type) {
            throw new PolicyException(where, rule, p + " is not a " + typeName
                    + ((mode & S_IFMT) == 0120000 ? " but a symbolic link (not followed)" : ""));
        }
        if (uid != 0 && uid != euid) {
            throw new PolicyException(where, rule, p + " is owned by uid " + uid + ", not root"
                    + (euid != 0 ? " or uid " + euid : ""));
        }
        if ((mode & WRITABLE_BY_OTHERS) != 0) {
            throw new PolicyException(where, rule, p + " is writable by " + ((mode & 0020) != 0 ? "its group" : "others")
                    + " (mode " + Integer.toOctalString(mode & 07777) + "): only its owner may write it");
        }
        return a;
    }

    /** The monitor's effective user id. */
    public static int effectiveUid() {
        return Sys.geteuid();
    }
}
