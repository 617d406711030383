package io.conmonj.pluginc;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The structs of conmon_log_plugin.h, declared field by field with the header's names (LP64). Code
 * that reads or writes them takes offsets from here, never as numbers of its own; the build checks
 * the header against the same offsets (src/build/sdk.sh).
 */
final class AbiLayouts {
    private AbiLayouts() {
    }

    /** struct conmon_log_plugin (the descriptor), ABI 1 with container_exited appended. */
    static final StructLayout DESCRIPTOR = MemoryLayout.structLayout(
            JAVA_LONG.withName("size"), JAVA_INT.withName("abi_version"), MemoryLayout.paddingLayout(4),
            ADDRESS.withName("name"), ADDRESS.withName("init"), ADDRESS.withName("write"), ADDRESS.withName("flush"),
            ADDRESS.withName("reopen"), ADDRESS.withName("close"), ADDRESS.withName("container_exited"));

    /** struct conmon_log_record. */
    static final StructLayout RECORD = MemoryLayout.structLayout(
            JAVA_LONG.withName("size"), JAVA_INT.withName("stream"), JAVA_INT.withName("flags"),
            JAVA_LONG.withName("timestamp_ns"), ADDRESS.withName("data"), JAVA_LONG.withName("length"));

    /** struct conmon_log_container. */
    static final StructLayout CONTAINER = MemoryLayout.structLayout(
            JAVA_LONG.withName("size"), ADDRESS.withName("id"), ADDRESS.withName("name"), ADDRESS.withName("tag"),
            ADDRESS.withName("image"), ADDRESS.withName("labels"), ADDRESS.withName("env"));

    static long offset(StructLayout struct, String field) {
        return struct.byteOffset(PathElement.groupElement(field));
    }

    /** The end of a field: a struct whose size field is at least this holds it (CONMON_LOG_HAS_FIELD). */
    static long end(StructLayout struct, String field) {
        return offset(struct, field) + struct.select(PathElement.groupElement(field)).byteSize();
    }

    static final long D_SIZE = offset(DESCRIPTOR, "size");
    static final long D_ABI = offset(DESCRIPTOR, "abi_version");
    static final long D_NAME = offset(DESCRIPTOR, "name");
    static final long D_INIT = offset(DESCRIPTOR, "init");
    static final long D_WRITE = offset(DESCRIPTOR, "write");
    static final long D_FLUSH = offset(DESCRIPTOR, "flush");
    static final long D_REOPEN = offset(DESCRIPTOR, "reopen");
    static final long D_CLOSE = offset(DESCRIPTOR, "close");
    static final long D_EXITED = offset(DESCRIPTOR, "container_exited");
    /** The descriptor's size as ABI 1 was first published (up to close). */
    static final long DESCRIPTOR_SIZE_V1 = end(DESCRIPTOR, "close");

    static final long R_SIZE = offset(RECORD, "size");
    static final long R_STREAM = offset(RECORD, "stream");
    static final long R_FLAGS = offset(RECORD, "flags");
    static final long R_TIMESTAMP = offset(RECORD, "timestamp_ns");
    static final long R_DATA = offset(RECORD, "data");
    static final long R_LENGTH = offset(RECORD, "length");

    static final long C_SIZE = offset(CONTAINER, "size");
    static final long C_ID = offset(CONTAINER, "id");
    static final long C_LABELS = offset(CONTAINER, "labels");
    static final long C_ENV = offset(CONTAINER, "env");
}
