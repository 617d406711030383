package io.conmonj.host.terminal;

import io.conmonj.host.sys.NativeCallException;
import io.conmonj.host.sys.Tty;

import java.util.function.Consumer;

/**
 * What conmon does to the pty master it receives (conmon-behaviour.md §9.1, §9.3).
 * Failures are warnings with conmon's texts, never fatal.
 */
public final class Pty {
    private Pty() {}

    /**
     * Binds the terminal calls before the runtime starts. runc does not wait
     * for the monitor after it hands over the pty: the process may run
     * `stty size` at once, so the path from the console socket to TIOCSWINSZ
     * must not pay for class initialization and native binding then.
     */
    public static void prepare() {
        Tty.isatty(-1);
    }

    /**
     * Reads the termios, sets {@code ONLCR} in {@code c_oflag} and writes it
     * back with {@code TCSANOW}; nothing else (no raw mode: the client puts
     * its own terminal in raw mode).
     *
     * @return false if a warning was given
     */
    public static boolean setOnlcr(int master, Consumer<String> warn) {
        Tty.Termios termios;
        try {
            termios = Tty.getAttributes(master);
        } catch (NativeCallException e) {
            warn.accept("Failed to get console terminal settings");
            return false;
        }
        termios.setOutputFlags(termios.outputFlags() | Tty.ONLCR);
        try {
            Tty.setAttributes(master, termios);
        } catch (NativeCallException e) {
            warn.accept("Failed to set console terminal settings");
            return false;
        }
        return true;
    }

    /**
     * {@code TIOCSWINSZ} with rows = HEIGHT, cols = WIDTH (already checked to
     * be 0..1000 by the winsz reader). conmon applies it to its stdout fd,
     * the dup of the master, which stays open when stdin is closed.
     *
     * @return false if a warning was given
     */
    public static boolean resize(int fd, int rows, int cols, Consumer<String> warn) {
        try {
            Tty.setWindowSize(fd, rows, cols);
            return true;
        } catch (NativeCallException e) {
            warn.accept("Failed to set process pty terminal size: " + e.reason());
            return false;
        }
    }

    /**
     * True if a failed read of a terminal means "no data now" rather than an
     * error: {@code EIO} on a pty master whose slave is not open (conmon-behaviour.md §9.2).
     */
    public static boolean isEndOfData(NativeCallException e) {
        return e.errno() == Tty.EIO;
    }
}
