package io.conmonj.host.reader;

/**
 * One record of a log file: its stream, its time as written in the file, whether the line goes
 * on in the next record of the same stream, and its bytes (for a k8s-file {@code F} record and a
 * complete json-file record, including the closing {@code \n}).
 */
record Entry(boolean stderr, String time, boolean partial, byte[] content) {}
