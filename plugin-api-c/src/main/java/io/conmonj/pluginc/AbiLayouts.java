package io.conmonj.pluginc;

import io.conmonj.sys.Struct;

/**
 * The structs of conmon_log_plugin.h, declared field by field with the header's names (LP64) on the project's
 * {@link Struct}. Code that reads or writes them takes offsets from here, never as numbers of its own;
 * {@code AbiLayoutsTest} checks every offset and size against the C compiler reading the header.
 */
final class AbiLayouts {
    private AbiLayouts() {
    }

    /** struct conmon_log_plugin (the descriptor), ABI 1 with container_exited appended. */
    static final Struct DESCRIPTOR = Struct.of("conmon_log_plugin")
            .pointer("size").i32("abi_version").pointer("name")
            .pointer("init").pointer("write").pointer("flush").pointer("reopen").pointer("close")
            .pointer("container_exited").build();

    /** struct conmon_log_record. */
    static final Struct RECORD = Struct.of("conmon_log_record")
            .pointer("size").i32("stream").i32("flags").i64("timestamp_ns").pointer("data").pointer("length").build();

    /** struct conmon_log_container. */
    static final Struct CONTAINER = Struct.of("conmon_log_container")
            .pointer("size").pointer("id").pointer("name").pointer("tag").pointer("image").pointer("labels")
            .pointer("env").build();

    static final long D_SIZE = DESCRIPTOR.offset("size");
    static final long D_ABI = DESCRIPTOR.offset("abi_version");
    static final long D_NAME = DESCRIPTOR.offset("name");
    static final long D_INIT = DESCRIPTOR.offset("init");
    static final long D_WRITE = DESCRIPTOR.offset("write");
    static final long D_FLUSH = DESCRIPTOR.offset("flush");
    static final long D_REOPEN = DESCRIPTOR.offset("reopen");
    static final long D_CLOSE = DESCRIPTOR.offset("close");
    static final long D_EXITED = DESCRIPTOR.offset("container_exited");
    /** The descriptor's size as ABI 1 was first published (up to close). */
    static final long DESCRIPTOR_SIZE_V1 = DESCRIPTOR.end("close");

    static final long R_SIZE = RECORD.offset("size");
    static final long R_STREAM = RECORD.offset("stream");
    static final long R_FLAGS = RECORD.offset("flags");
    static final long R_TIMESTAMP = RECORD.offset("timestamp_ns");
    static final long R_DATA = RECORD.offset("data");
    static final long R_LENGTH = RECORD.offset("length");

    static final long C_SIZE = CONTAINER.offset("size");
    static final long C_ID = CONTAINER.offset("id");
    static final long C_NAME = CONTAINER.offset("name");
    static final long C_TAG = CONTAINER.offset("tag");
    static final long C_IMAGE = CONTAINER.offset("image");
    static final long C_LABELS = CONTAINER.offset("labels");
    static final long C_ENV = CONTAINER.offset("env");
}
