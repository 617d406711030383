package io.conmonj.plugin;

/**
 * One piece of container output: a line including its {@code \n}, or, with
 * {@code partial} set, the unterminated tail of one read of the container's
 * output (the line goes on in the next record of the same stream). All
 * records of one read share one timestamp. The bytes are exactly what the
 * container wrote (binary data and invalid UTF-8 included).
 *
 * <p>Ownership: {@code data} is the host's buffer and is reused after
 * {@link LogDriver#write} returns; a driver that keeps bytes must copy them.
 *
 * @param timestampNanos wall-clock time of the read, nanoseconds since the epoch
 */
public record LogRecord(LogStream stream, long timestampNanos, byte[] data, int offset, int length,
                        boolean partial) {

    /** A copy of the record's bytes. */
    public byte[] bytes() {
        byte[] copy = new byte[length];
        System.arraycopy(data, offset, copy, 0, length);
        return copy;
    }
}
