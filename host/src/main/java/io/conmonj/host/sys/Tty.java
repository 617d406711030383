package io.conmonj.host.sys;

import io.conmonj.sys.Layouts;
import io.conmonj.sys.LibC;
import io.conmonj.sys.NativeMemory;

import java.nio.charset.StandardCharsets;

/**
 * Checked terminal calls: termios, window size, pseudo-terminal pairs.
 * Constants and layouts are Linux x86_64/aarch64 (glibc) values:
 * <pre>
 * struct termios (60 bytes)              struct winsize (8 bytes)
 *    0 tcflag_t c_iflag                     0 unsigned short ws_row
 *    4 tcflag_t c_oflag                     2 unsigned short ws_col
 *    8 tcflag_t c_cflag                     4 unsigned short ws_xpixel
 *   12 tcflag_t c_lflag                     6 unsigned short ws_ypixel
 *   16 cc_t     c_line
 *   17 cc_t     c_cc[32] (+3 pad)
 *   52 speed_t  c_ispeed
 *   56 speed_t  c_ospeed
 * </pre>
 */
public final class Tty {
    private Tty() {}

    /** c_oflag: map NL to CR-NL on output. */
    public static final int ONLCR = 0000004;
    /** c_oflag: post-process output (ONLCR only applies with it). */
    public static final int OPOST = 0000001;
    public static final int TCSANOW = 0;
    public static final int O_NOCTTY = 0400;
    /** read(2) on a pty master whose slave is closed: no data, not an error (conmon-behaviour.md §9.2). */
    public static final int EIO = 5;

    static final int TERMIOS_SIZE = (int) Layouts.TERMIOS.size();
    static final long C_OFLAG = Layouts.TERMIOS.offset("c_oflag");
    static final int WINSIZE_SIZE = (int) Layouts.WINSIZE.size();
    static final long WS_ROW = Layouts.WINSIZE.offset("ws_row"), WS_COL = Layouts.WINSIZE.offset("ws_col");
    static final long TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414;

    /** A termios image read by {@link #getAttributes}; only the fields conmon touches are exposed. */
    public static final class Termios {
        private final NativeMemory image = new NativeMemory(TERMIOS_SIZE);

        private Termios() {
            image.clear();
        }

        public int outputFlags() {
            return image.getInt(C_OFLAG);
        }

        public void setOutputFlags(int flags) {
            image.setInt(C_OFLAG, flags);
        }
    }

    /** tcgetattr(3). */
    public static Termios getAttributes(int fd) throws NativeCallException {
        Termios termios = new Termios();
        Sys.retry("tcgetattr", () -> LibC.tcgetattr(fd, termios.image));
        return termios;
    }

    /** tcsetattr(3) with TCSANOW. */
    public static void setAttributes(int fd, Termios termios) throws NativeCallException {
        Sys.retry("tcsetattr", () -> LibC.tcsetattr(fd, TCSANOW, termios.image));
    }

    /** ioctl TIOCSWINSZ; the pixel sizes are set to 0. */
    public static void setWindowSize(int fd, int rows, int cols) throws NativeCallException {
        NativeMemory ws = new NativeMemory(WINSIZE_SIZE);
        ws.clear();
        ws.setShort(WS_ROW, (short) rows);
        ws.setShort(WS_COL, (short) cols);
        ioctl(fd, TIOCSWINSZ, ws, "ioctl TIOCSWINSZ");
    }

    /** ioctl TIOCGWINSZ: {rows, cols}. */
    public static int[] windowSize(int fd) throws NativeCallException {
        NativeMemory ws = new NativeMemory(WINSIZE_SIZE);
        ws.clear();
        ioctl(fd, TIOCGWINSZ, ws, "ioctl TIOCGWINSZ");
        return new int[] {Short.toUnsignedInt(ws.getShort(WS_ROW)), Short.toUnsignedInt(ws.getShort(WS_COL))};
    }

    private static void ioctl(int fd, long request, NativeMemory arg, String call) throws NativeCallException {
        Sys.retry(call, () -> LibC.ioctl(fd, request, arg));
    }

    public static boolean isatty(int fd) {
        return LibC.isatty(fd) == 1;
    }

    /** ptsname_r(3): the path of the slave of {@code master}, e.g. {@code /dev/pts/3}. */
    public static String slaveName(int master) throws NativeCallException {
        byte[] name = new byte[128];
        int err = LibC.ptsname_r(master, name, name.length);
        if (err != 0) {
            throw new NativeCallException("ptsname_r", err);
        }
        int end = 0;
        while (end < name.length && name[end] != 0) {
            end++;
        }
        return new String(name, 0, end, StandardCharsets.UTF_8);
    }

    /** Opens a pty slave by path: read-write, close-on-exec, {@code O_NOCTTY}. */
    public static int openSlave(String path) throws NativeCallException {
        return Sys.open(path, Sys.O_RDWR | O_NOCTTY | Sys.O_CLOEXEC, 0);
    }

    /**
     * A new pseudo-terminal, as a runtime creates one for a container:
     * {master, slave}, both close-on-exec and not made the controlling
     * terminal ({@code O_NOCTTY}).
     */
    public static int[] openPty() throws NativeCallException {
        int master = Sys.check("posix_openpt",
                LibC.posix_openpt(Sys.O_RDWR | O_NOCTTY | Sys.O_CLOEXEC));
        try {
            Sys.check("grantpt", LibC.grantpt(master));
            Sys.check("unlockpt", LibC.unlockpt(master));
            int slave = openSlave(slaveName(master));
            return new int[] {master, slave};
        } catch (NativeCallException e) {
            Sys.closeQuietly(master);
            throw e;
        }
    }
}
