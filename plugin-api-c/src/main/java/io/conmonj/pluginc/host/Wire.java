package io.conmonj.pluginc.host;

/**
 * The frames between the monitor and conmon-j-plugin-host: the Java side of
 * src/main/c/host/plugin-wire.h (the reference, with the layout of each payload). Every frame is
 * {@code uint32 type, uint32 length, payload}, in the machine's byte order.
 */
final class Wire {
    private Wire() {
    }

    static final int HEADER = 8;
    static final int NULL_STRING = 0xffffffff;
    /** Largest payload either side accepts. */
    static final int MAX = 64 << 20;
    /** A batch of records is sent once its data reaches this many bytes (else at flush). */
    static final int BATCH = 1 << 20;
    /** Largest reply the monitor reads (the header's five ints and a 1 KiB message, with room). */
    static final int MAX_REPLY = 64 * 1024;

    static final int INIT = 1;
    static final int RECORDS = 2;
    static final int FLUSH = 3;
    static final int REOPEN = 4;
    static final int CLOSE = 5;
    static final int REPLY = 16;
    static final int FAULT = 17;

    static final int OK = 0;
    static final int RETRY_EXHAUSTED = 1;
    static final int FATAL = 2;
    static final int LOAD_ERROR = 3;

    /** enum plugin_wire_call, as names for messages. */
    static String callName(int call) {
        return switch (call) {
            case 1 -> "init";
            case 2 -> "write";
            case 3 -> "flush";
            case 4 -> "reopen";
            case 5 -> "close";
            default -> "load";
        };
    }

    /** A REPLY frame: int32 outcome, call, attempts, status, done, then the message. */
    record Reply(int outcome, int call, int attempts, int status, int done, String message) {
    }
}
