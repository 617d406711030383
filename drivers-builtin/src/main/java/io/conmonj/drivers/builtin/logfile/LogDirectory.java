package io.conmonj.drivers.builtin.logfile;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The directory that holds a log file and its siblings (rotated {@code NAME.i}, {@code NAME.i.gz}, temporary
 * {@code NAME.new}, {@code NAME.tmp}, {@code NAME.gz.tmp}), held open for the driver's life: every open, stat, rename
 * and delete is relative to this directory's descriptor and names one entry of it, never a path that is walked
 * again. The monitor runs as root, and the directory may be one that others can write to: nothing planted there (a
 * symbolic link, a hard link to someone else's file, a FIFO, a directory) may redirect a write, a rename or a delete.
 *
 * <p><b>Why a {@link SecureDirectoryStream}.</b> On Linux {@code Files.newDirectoryStream(dir)} returns one: an open
 * directory descriptor whose {@code newByteChannel}, {@code move}, {@code deleteFile} and attribute views call
 * {@code openat}, {@code renameat}, {@code unlinkat} and {@code fstatat} relative to it, and honour
 * {@link LinkOption#NOFOLLOW_LINKS} ({@code O_NOFOLLOW}, {@code AT_SYMLINK_NOFOLLOW}). That is all a log file needs,
 * in pure Java, with no native call of its own (the native layer, {@code io.conmonj.sys}, is not needed here).
 *
 * <p><b>What is checked, and where.</b>
 * <ul>
 *   <li>New files ({@link #createNew}) are created {@code O_CREAT|O_EXCL|O_NOFOLLOW}: whatever is planted at the name
 *       makes the creation fail ({@code File exists}); nothing is opened through it.</li>
 *   <li>Existing files ({@link #openAppend}, {@link #openForReading}) are opened {@code O_RDWR|O_NOFOLLOW} first (a
 *       symbolic link fails with {@code ELOOP}, a directory with {@code EISDIR}, and a FIFO does not block an
 *       {@code O_RDWR} open as it would block {@code O_WRONLY}); then the <em>opened</em> file is checked: a regular
 *       file with one link ({@code st_nlink > 1} is a hard link someone made to a file they could not write, e.g.
 *       {@code /etc/shadow}). Java has no {@code fstat} of a channel, so the check stats
 *       {@code /proc/self/fd/N} (a stat of the open file, whatever its name is now) of the one descriptor that
 *       appeared in {@code /proc/self/fd} across the open ({@link OpenedFd}); the append channel is then opened through
 *       that same {@code /proc/self/fd/N}, i.e. on the checked inode, never by name again.</li>
 *   <li>Renames and deletes ({@link #rename}, {@link #delete}) act on the directory entry itself: {@code renameat} and
 *       {@code unlinkat} never follow a symbolic link, so a planted link or hard link is moved or removed, and the
 *       file it points to is untouched; a planted directory makes them fail.</li>
 * </ul>
 *
 * <p><b>Confinement</b> (for paths that come from an annotation): {@link #confined(Path, String)} takes the base
 * directory the host trusts (the container's log directory) and a path <em>relative</em> to it; it refuses absolute
 * paths, {@code ..}, {@code .} and empty components, NUL, and over-long names, and walks each directory component
 * with {@code O_NOFOLLOW} relative to the previous one, so a symbolic link anywhere below the base cannot lead out of
 * it. The file name is then opened relative to the last directory, as above. {@link #locate(Path)} is the same for
 * a path the administrator or Podman gave: the parent directory is opened as given (its symbolic links are the
 * administrator's), the file name within it is not followed.
 */
public final class LogDirectory implements Closeable {
    /** Longest path {@link #confined} accepts (PATH_MAX minus the NUL). */
    public static final int MAX_PATH_BYTES = 4095;
    /** Longest file name (NAME_MAX). Leaves room for the longest suffix the engine adds ({@code .NNN.gz}). */
    public static final int MAX_NAME_BYTES = 255 - 12;
    /** Most directory components {@link #confined} walks. */
    public static final int MAX_DEPTH = 32;

    /**
     * rw-r-----, spelled out: PosixFilePermissions.fromString builds an EnumSet, which reads the enum's constants
     * reflectively and so spins a method handle class at every monitor start.
     */
    static final FileAttribute<Set<PosixFilePermission>> MODE_0640 = PosixFilePermissions.asFileAttribute(
            Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_READ));
    private static final Path PROC_FD = Path.of("/proc/self/fd");
    /** How often an open is repeated when another thread opened a descriptor at the same moment (see OpenedFd). */
    private static final int IDENTIFY_ATTEMPTS = 8;
    /** Serializes this module's identifying opens, so that they never hide each other. */
    private static final ReentrantLock IDENTIFY = new ReentrantLock();

    /** A directory and the name of the log file in it. */
    public record Location(LogDirectory directory, String name) {
        public Location {
            Objects.requireNonNull(directory, "directory");
            checkName(name);
        }

        /** The file's path, for messages and for readers (never opened by the engine). */
        public Path path() {
            return directory.path().resolve(name);
        }
    }

    /** An opened file and its identity ({@code st_dev}/{@code st_ino} as {@link BasicFileAttributes#fileKey()}). */
    public record OpenFile(FileChannel channel, Object fileKey) {
    }

    private final SecureDirectoryStream<Path> dir;
    private final Path path;

    private LogDirectory(SecureDirectoryStream<Path> dir, Path path) {
        this.dir = dir;
        this.path = path;
    }

    /** Opens {@code directory} (following symbolic links in it: it is the caller's choice). */
    public static LogDirectory open(Path directory) throws IOException {
        DirectoryStream<Path> ds = Files.newDirectoryStream(directory);
        if (!(ds instanceof SecureDirectoryStream<Path> sds)) {
            ds.close();
            throw new IOException("this platform cannot open files relative to a directory descriptor: " + directory);
        }
        return new LogDirectory(sds, directory);
    }

    /**
     * The directory of a path the administrator or Podman gave (relative paths against the working directory); the
     * last component is the file name, which the engine never follows.
     */
    public static Location locate(Path file) throws IOException {
        Path name = file.getFileName();
        if (name == null) {
            throw new FileSystemException(file.toString(), null, "Is a directory");
        }
        String n = name.toString();
        if (n.equals("..") || n.equals(".")) {
            throw new FileSystemException(file.toString(), null, "Is a directory");
        }
        Path parent = file.getParent() != null ? file.getParent() : Path.of("");
        LogDirectory d = open(parent.toString().isEmpty() ? Path.of(".") : parent);
        try {
            return new Location(d, n);
        } catch (IllegalArgumentException e) {
            d.close();
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * {@code relative} below {@code base}, walking every directory component relative to the previous one with
     * {@code O_NOFOLLOW}: a symbolic link or anything that is not a directory on the way is refused (the error names
     * the component). The directories must exist.
     *
     * @throws IllegalArgumentException the path is not a confined relative path (absolute, {@code ..}, {@code .},
     *                                  empty component, NUL, too long or too deep); the message says which
     */
    public static Location confined(Path base, String relative) throws IOException {
        List<String> parts = checkRelative(relative);
        SecureDirectoryStream<Path> cur = open(base).dir;
        Path curPath = base;
        try {
            for (int i = 0; i < parts.size() - 1; i++) {
                String c = parts.get(i);
                SecureDirectoryStream<Path> next;
                try {
                    next = cur.newDirectoryStream(Path.of(c), LinkOption.NOFOLLOW_LINKS);
                } catch (FileSystemException e) {
                    throw new FileSystemException(curPath.resolve(c).toString(), null,
                            "not a directory below " + base + " (a symbolic link or another file is refused): "
                                    + io.conmonj.plugin.ErrnoText.of(e));
                }
                cur.close();
                cur = next;
                curPath = curPath.resolve(c);
            }
        } catch (IOException | RuntimeException e) {
            cur.close();
            throw e;
        }
        return new Location(new LogDirectory(cur, curPath), parts.get(parts.size() - 1));
    }

    /** The components of a confined relative path; see {@link #confined}. */
    static List<String> checkRelative(String relative) {
        if (relative == null || relative.isEmpty()) {
            throw new IllegalArgumentException("path is empty");
        }
        if (relative.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("path contains a NUL character");
        }
        if (relative.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            throw new IllegalArgumentException("path is longer than " + MAX_PATH_BYTES + " bytes");
        }
        if (relative.startsWith("/")) {
            throw new IllegalArgumentException("path must be relative to the container's log directory, not absolute");
        }
        String[] parts = relative.split("/", -1);
        if (parts.length > MAX_DEPTH) {
            throw new IllegalArgumentException("path has more than " + MAX_DEPTH + " components");
        }
        List<String> out = new ArrayList<>(parts.length);
        for (String p : parts) {
            if (p.isEmpty() || p.equals(".") || p.equals("..")) {
                throw new IllegalArgumentException("path may not contain '" + (p.isEmpty() ? "//" : p)
                        + "' components or end with '/'");
            }
            checkEncodable(p);
            out.add(p);
        }
        checkName(out.get(out.size() - 1));
        return out;
    }

    static void checkName(String name) {
        if (name == null || name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0
                || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("invalid file name '" + name + "'");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("file name is longer than " + MAX_NAME_BYTES + " bytes");
        }
        checkEncodable(name);
    }

    /** A name the file system's encoding can express (e.g. no lone surrogate). */
    private static void checkEncodable(String name) {
        try {
            Path.of(name);
        } catch (java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException("path has characters that cannot be a file name");
        }
    }

    /**
     * {@code s} for a message: control characters, DEL, U+2028/U+2029 and backslash escaped ({@code \n},
     * {@code \xNN}, a backslash, {@code u} and four hex digits), so that a name from an annotation cannot forge lines
     * in the monitor's log. Not cut: paths are bounded ({@link #MAX_PATH_BYTES}) before they are used.
     */
    public static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                b.append("\\\\");
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", (int) c));
            } else if (c == 0x2028 || c == 0x2029) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** The directory as it was given (messages only). */
    public Path path() {
        return path;
    }

    /**
     * Opens {@code name} for appending, creating it (mode 0640 before umask) if it does not exist; the opened file must
     * be a regular file with one link. {@code asConmon}: open it as conmon opens its {@code -l} file, the path Podman
     * or CRI-O chose in their own directory (a symbolic link at the name is followed, and any file type is taken:
     * {@code /dev/null}, {@code /dev/stdout}); never for a file chosen by driver options.
     */
    public OpenFile openAppend(String name, boolean asConmon) throws IOException {
        Set<OpenOption> probe = asConmon
                ? Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE)
                : Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                LinkOption.NOFOLLOW_LINKS);
        return openChecked(name, probe, true);
    }

    /**
     * The file another process of this monitor had open, inherited as descriptor {@code fd} (a monitor resumed after
     * hibernation): reopened for appending through {@code /proc/self/fd/N}, i.e. the same file whatever is at its
     * name now (as a monitor that never stopped keeps writing the file it has open), never by name.
     */
    public static OpenFile adoptAppend(int fd) throws IOException {
        Path proc = PROC_FD.resolve(Integer.toString(fd));
        FileChannel c = FileChannel.open(proc, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        try {
            return new OpenFile(c, Files.readAttributes(proc, BasicFileAttributes.class).fileKey());
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /**
     * Opens the existing {@code name} for reading (compression of a rotated file); a regular file with one link, not
     * followed, and the file whose identity is {@code expectedKey} (else {@code null}: not ours any more).
     */
    public OpenFile openForReading(String name, Object expectedKey) throws IOException {
        OpenFile f = openChecked(name, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS), false);
        if (!f.fileKey().equals(expectedKey)) {
            f.channel().close();
            return null;
        }
        return f;
    }

    /** Creates {@code name} (mode 0640 before umask) for writing: {@code O_CREAT|O_EXCL|O_NOFOLLOW}. */
    public OpenFile createNew(String name) throws IOException {
        FileChannel c = (FileChannel) dir.newByteChannel(Path.of(name), Set.of(StandardOpenOption.WRITE,
                StandardOpenOption.CREATE_NEW, LinkOption.NOFOLLOW_LINKS), MODE_0640);
        try {
            return new OpenFile(c, attributes(name).fileKey());
        } catch (IOException e) {
            c.close();
            throw e;
        }
    }

    /** rename(2) within this directory; replaces {@code to}. Neither name is followed. */
    public void rename(String from, String to) throws IOException {
        dir.move(Path.of(from), dir, Path.of(to));
    }

    /** Removes the entry {@code name} (not what a link points to). */
    public void delete(String name) throws IOException {
        dir.deleteFile(Path.of(name));
    }

    /** {@link #delete}; false if there was nothing. */
    public boolean deleteIfExists(String name) throws IOException {
        try {
            dir.deleteFile(Path.of(name));
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** The names in the directory, read through a new descriptor of it (the stream of this one is not reused). */
    public List<String> names() throws IOException {
        List<String> out = new ArrayList<>();
        try (SecureDirectoryStream<Path> again = dir.newDirectoryStream(Path.of("."), LinkOption.NOFOLLOW_LINKS)) {
            for (Path p : again) {
                out.add(p.getFileName().toString());
            }
        }
        return out;
    }

    /** lstat of the entry (not followed). */
    public BasicFileAttributes attributes(String name) throws IOException {
        return dir.getFileAttributeView(Path.of(name), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .readAttributes();
    }

    /** Whether an entry of that name exists (of any type). */
    public boolean exists(String name) throws IOException {
        try {
            attributes(name);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** The identity of the entry (not followed), or null if there is none. */
    public Object fileKeyOf(String name) {
        try {
            return attributes(name).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        dir.close();
    }

    /**
     * Opens {@code name} with {@code probeOptions} (always {@code O_RDWR}: no blocking on a FIFO), identifies the
     * descriptor, checks the open file, then either reopens it for appending through {@code /proc/self/fd/N}
     * ({@code append}) or returns the probe itself.
     */
    private OpenFile openChecked(String name, Set<OpenOption> probeOptions, boolean append) throws IOException {
        IOException ambiguous = null;
        for (int attempt = 0; attempt < IDENTIFY_ATTEMPTS; attempt++) {
            FileChannel probe;
            OpenedFd fd;
            IDENTIFY.lock();
            try (DirectoryStream<Path> before = Files.newDirectoryStream(PROC_FD)) {
                // The listing stays open until the probe has been identified, so that the probe cannot get the
                // number of the listing's own descriptor.
                Set<String> known = OpenedFd.names(before);
                probe = (FileChannel) dir.newByteChannel(Path.of(name), probeOptions, MODE_0640);
                try {
                    fd = OpenedFd.identify(known);
                } catch (IOException | RuntimeException e) {
                    probe.close();
                    throw e;
                }
            } finally {
                IDENTIFY.unlock();
            }
            if (fd == null) {
                probe.close();
                ambiguous = new IOException("cannot identify the opened file in " + PROC_FD
                        + " (descriptors opened concurrently)");
                continue;
            }
            try {
                // The descriptor found must be the file now at the name (else: another thread's descriptor, or the
                // name was swapped after the open; either way, try again).
                boolean follow = !probeOptions.contains(LinkOption.NOFOLLOW_LINKS);
                Object atName;
                try {
                    atName = (follow ? dir.getFileAttributeView(Path.of(name), BasicFileAttributeView.class)
                            : dir.getFileAttributeView(Path.of(name), BasicFileAttributeView.class,
                            LinkOption.NOFOLLOW_LINKS)).readAttributes().fileKey();
                } catch (NoSuchFileException e) {
                    atName = null;
                }
                if (!fd.fileKey().equals(atName)) {
                    probe.close();
                    ambiguous = new IOException("the file changed while it was opened");
                    continue;
                }
                if (!follow && !fd.regularFile()) {
                    throw new FileSystemException(path.resolve(name).toString(), null,
                            "not a regular file (refused: something other than a log file is at this name)");
                }
                if (!follow && fd.links() > 1) {
                    throw new FileSystemException(path.resolve(name).toString(), null,
                            "has " + fd.links() + " hard links (refused: a log file has one name)");
                }
                if (!append) {
                    return new OpenFile(probe, fd.fileKey());
                }
                FileChannel c = FileChannel.open(fd.procPath(), StandardOpenOption.WRITE, StandardOpenOption.APPEND);
                probe.close();
                return new OpenFile(c, fd.fileKey());
            } catch (IOException | RuntimeException e) {
                probe.close();
                throw e;
            }
        }
        throw ambiguous;
    }

    /**
     * The descriptor an open added to {@code /proc/self/fd}, and a stat of the file it refers to (the magic link
     * {@code /proc/self/fd/N} is followed to the open file itself, whatever its name is now). Another thread of the
     * JVM may open a descriptor at the same moment; then the difference is not one descriptor, or it is one that is
     * not ours: the caller compares the identity found with the file at the name (the same file: then it does not
     * matter whose descriptor it is) and opens again when they differ.
     */
    record OpenedFd(int fd, Object fileKey, boolean regularFile, int links) {
        static Set<String> names(DirectoryStream<Path> listing) {
            Set<String> s = new HashSet<>();
            for (Path p : listing) {
                s.add(p.getFileName().toString());
            }
            return s;
        }

        /**
         * The one descriptor that is not in {@code known} (leaving out the listing's own, a directory), or null if
         * there is not exactly one.
         */
        static OpenedFd identify(Set<String> known) throws IOException {
            OpenedFd found = null;
            try (DirectoryStream<Path> after = Files.newDirectoryStream(PROC_FD)) {
                Set<String> added = names(after);
                added.removeAll(known);
                for (String n : added) {
                    Path p = PROC_FD.resolve(n);
                    Map<String, Object> a;
                    BasicFileAttributes b;
                    try {
                        a = Files.readAttributes(p, "unix:mode,nlink");
                        b = Files.readAttributes(p, BasicFileAttributes.class);
                    } catch (NoSuchFileException e) {
                        continue; // closed meanwhile by another thread: not ours (ours is open)
                    }
                    if (b.isDirectory()) {
                        continue; // the listing itself (a probe is never a directory: O_RDWR fails on one)
                    }
                    if (found != null) {
                        return null;
                    }
                    int mode = (Integer) a.get("mode");
                    found = new OpenedFd(Integer.parseInt(n), b.fileKey(), (mode & 0170000) == 0100000,
                            (Integer) a.get("nlink"));
                }
            }
            return found;
        }

        Path procPath() {
            return PROC_FD.resolve(Integer.toString(fd));
        }
    }
}
