/*
 * plugin-wire.h - the frames between conmon-j's monitor and conmon-j-plugin-host.
 *
 * One SOCK_STREAM socketpair (the host's end is fd 3). Every frame is
 *     uint32 type, uint32 length, then length bytes of payload
 * in the machine's byte order (both ends run on the same machine). Inside payloads a string
 * is uint32 length then its bytes (no NUL); length PLUGIN_WIRE_NULL stands for a NULL
 * pointer. The monitor sends one frame and waits for its reply (REPLY, or FAULT then EOF)
 * before it sends the next; the reference is plugin-api-c/README.md ("The plugin host").
 * Mirrored by io.conmonj.pluginc.host.Wire; keep both in step.
 */
#ifndef PLUGIN_WIRE_H
#define PLUGIN_WIRE_H

#include <stdint.h>

#define PLUGIN_WIRE_NULL 0xffffffffu
/* Largest payload either side accepts (a batch is cut at PLUGIN_WIRE_BATCH bytes of data). */
#define PLUGIN_WIRE_MAX (64u << 20)
#define PLUGIN_WIRE_BATCH (1u << 20)
#define PLUGIN_WIRE_MAX_STRINGS 4096u

enum plugin_wire_type {
    /* monitor -> host */
    WIRE_INIT = 1,    /* u32 retries, u32 call_timeout_ms, str id, name, tag, image,
                         u32 n + n str labels, u32 n + n str env, u32 argc + argc str argv */
    WIRE_RECORDS = 2, /* u32 flush (0/1), u32 count, count x (i32 stream, u32 flags,
                         i64 timestamp_ns, u32 length, length bytes) */
    WIRE_FLUSH = 3,   /* empty */
    WIRE_REOPEN = 4,  /* empty */
    WIRE_CLOSE = 5,   /* empty; the host exits after its reply */
    /* host -> monitor */
    WIRE_REPLY = 16,  /* i32 outcome, u32 call, u32 attempts, i32 status, u32 done, message bytes */
    WIRE_FAULT = 17   /* message bytes; the host dies right after */
};

/* WIRE_REPLY outcome */
enum plugin_wire_outcome {
    WIRE_OK = 0,
    WIRE_RETRY_EXHAUSTED = 1, /* status RETRY after `attempts` calls */
    WIRE_FATAL = 2,           /* status FATAL or a value outside the enum (in `status`) */
    WIRE_LOAD_ERROR = 3       /* the plugin could not be loaded; message is the whole text */
};

/* WIRE_REPLY call, and the index of the call in progress for FAULT texts */
enum plugin_wire_call {
    CALL_NONE = 0, CALL_INIT = 1, CALL_WRITE = 2, CALL_FLUSH = 3, CALL_REOPEN = 4, CALL_CLOSE = 5,
    CALL_EXITED = 6, CALL_LOAD = 7
};

#endif
