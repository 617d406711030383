package io.conmonj.host.attach;

import io.conmonj.host.sys.Sys;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * conmon's line assembly for the ctl and winsz FIFOs ({@code
 * read_from_ctrl_buffer}, conmon-behaviour.md §6.1): a 200-byte buffer, at most 199
 * bytes of it filled, one read per wake-up. Every complete line is handed to
 * the line handler; a partial line at the end of a read waits for the next
 * one. A chunk of 199 bytes without a newline is discarded with a warning
 * (so an overlong line goes away in 199-byte pieces and only its tail is
 * parsed). When the handler rejects a line, the rest of that read is dropped.
 * The data is a C string: bytes after a NUL in a read are ignored.
 *
 * Deliberate differences from conmon, none of which a well-formed writer
 * can see: each FIFO has its own buffer (conmon shares one static buffer
 * between ctl and winsz); after a rejected line the buffer is emptied
 * (conmon keeps a partial line carried over from the previous read and glues
 * the next read onto it); and a buffer that fills up over several reads
 * without a newline is discarded like a single 199-byte read (conmon then
 * reads 0 bytes forever, warning in a busy loop).
 */
final class CtlLineReader {
    static final int BUFFER_SIZE = 200;
    private static final int CAPACITY = BUFFER_SIZE - 1;

    /** Handles one line; returns false to reject it (and drop the rest of the read). */
    @FunctionalInterface
    interface LineHandler {
        /**
         * The line starts at {@code start}; like conmon's sscanf the parser
         * may look past its newline up to {@code end}, the end of the data.
         */
        boolean line(byte[] buf, int start, int end) throws IOException;
    }

    private final int fd;
    private final LineHandler handler;
    private final Consumer<String> warn;
    private final byte[] buffer = new byte[BUFFER_SIZE];
    private final byte[] chunk = new byte[CAPACITY];
    private int filled;

    CtlLineReader(int fd, LineHandler handler, Consumer<String> warn) {
        this.fd = fd;
        this.handler = handler;
        this.warn = warn;
    }

    /** One read from the FIFO and the processing of the complete lines it made. */
    void readOnce() throws IOException {
        int n = Sys.read(fd, chunk, CAPACITY - filled);
        if (n == Sys.WOULD_BLOCK) {
            return;
        }
        if (n == 0) { // cannot happen while our own write side is open
            warn.accept("Failed to read from fd " + fd);
            return;
        }
        int take = 0;
        while (take < n && chunk[take] != 0) {
            take++;
        }
        System.arraycopy(chunk, 0, buffer, filled, take);
        int end = filled + take;
        int begin = 0;
        for (int newline = indexOfNewline(begin, end); newline >= 0; newline = indexOfNewline(begin, end)) {
            if (!handler.line(buffer, begin, end)) {
                filled = 0;
                return;
            }
            begin = newline + 1;
        }
        if (begin == 0 && (n == CAPACITY || end == CAPACITY)) {
            warn.accept("Could not find newline in entire buffer");
            filled = 0;
        } else {
            filled = end - begin;
            System.arraycopy(buffer, begin, buffer, 0, filled);
        }
    }

    private int indexOfNewline(int from, int end) {
        for (int i = from; i < end; i++) {
            if (buffer[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
