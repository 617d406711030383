/*
 * conmon_log_plugin.h - the C ABI of conmon-j log plugins, version 1.
 *
 * A log plugin is a shared object that receives every record of one container's
 * output (stdout and stderr) from conmon-j's monitor. Build one with
 *
 *     gcc $(pkg-config --cflags conmon-log-plugin) -shared -fPIC -o myplugin.so myplugin.c
 *
 * (PKG_CONFIG_PATH must name the directory holding conmon-log-plugin.pc: in a build of
 * conmon-j that is plugin-api-c/target/sdk/lib/pkgconfig) and enable it with the log
 * driver "c-plugin" and the option plugin=/absolute/path/myplugin.so; every other option
 * of that driver is handed to the plugin's init() as "key=value".
 *
 * ENTRY POINT
 *   The plugin exports one function, CONMON_LOG_PLUGIN_ENTRY ("conmon_log_plugin_entry"),
 *   returning a pointer to a static descriptor (struct conmon_log_plugin) that stays valid
 *   until the library is unloaded. The host calls it once, before anything else, and
 *   refuses the plugin when the descriptor's abi_version differs from the host's
 *   CONMON_LOG_PLUGIN_ABI_VERSION ("log plugin /x.so speaks ABI 2, conmon-j speaks 1").
 *   The symbol's name does not change between ABI versions, so a mismatch is always told
 *   as such. Set the descriptor up with CONMON_LOG_PLUGIN_DESCRIPTOR(...) below.
 *
 * GROWING THE ABI
 *   Every struct starts with its own size in bytes (the sizeof the writer compiled with).
 *   Compatible additions are made only by appending fields; abi_version changes only for
 *   incompatible changes. A reader never reads a field that lies beyond the size the
 *   writer reported: a plugin compiled against a newer header checks rec->size (or
 *   CONMON_LOG_HAS_FIELD) before using a field added later; the host does the same with
 *   the descriptor and ignores fields it does not know.
 *
 * THREADS
 *   The host calls the functions of one handle from one thread at a time, never
 *   concurrently, but not necessarily always from the same thread and usually not from
 *   the process's main thread (conmon-j is a JVM; a driver in non-blocking mode runs on
 *   its own worker thread). Different handles (several instances of the plugin in one
 *   monitor) may be called concurrently from different threads: keep global state
 *   thread-safe or avoid it. A plugin may start threads of its own; it must join them in
 *   close(). It must not install signal handlers, change the signal mask of threads it
 *   did not create, call exit() or fork() without exec, or close file descriptors it did
 *   not open.
 *
 * BLOCKING
 *   In the default "blocking" mode the container's output waits while write() runs, as
 *   with conmon's own log files. A plugin that talks to a slow destination should buffer
 *   and return, or return CONMON_LOG_RETRY rather than block for long.
 *
 * ISOLATION AND DEADLINES
 *   By default each instance runs in a process of its own, conmon-j-plugin-host, which
 *   loads the plugin and receives the records of each read in one message. A crash, an
 *   abort(), or a call (retries included) that outlives the c-plugin option call-timeout
 *   (default 5 s) ends only that process: the host reports it once, marks this driver
 *   failed, and the container and the other drivers go on. The administrator may load a
 *   trusted plugin into the monitor's own process instead (option isolation=in-process):
 *   then a crash ends the monitor (its guardian still reports the container's exit) and no
 *   deadline applies. Write the plugin so that it works the same either way.
 *
 * OWNERSHIP
 *   Every pointer the host passes (argv and its strings, the container metadata and all
 *   its strings and arrays, the record and its data, errbuf) is owned by the host and
 *   valid only during the call that receives it: the plugin copies whatever it keeps.
 *   Record data is reused for the next record. The handle is the plugin's: the host never
 *   looks inside it, passes it back unchanged and calls close() on it exactly once.
 *
 * ERRORS
 *   Every function except the entry point returns an enum conmon_log_status and receives
 *   errbuf/errlen: a host-owned buffer of errlen bytes (errlen >= 256), set to "" before
 *   each call. On any status other than CONMON_LOG_OK the plugin should write a short,
 *   NUL-terminated, single-line message there (truncating it to errlen - 1 bytes, e.g.
 *   with snprintf); the host shows it to the user, prefixed with the plugin's path and the
 *   failing call. Messages should be UTF-8. What the host does on each status:
 *
 *   CONMON_LOG_OK     success.
 *   CONMON_LOG_RETRY  a transient condition (destination busy, EAGAIN, reconnecting): the
 *                     call had no effect, in particular write() accepted none of the
 *                     record. The host calls the same function again with the same
 *                     arguments after a back-off (1 ms, doubling, at most 250 ms apart), up
 *                     to the driver option plugin-retries (default 8) further attempts;
 *                     after that it treats the condition as an I/O error of this driver
 *                     (below) with the last message. From init(), RETRY is retried the
 *                     same way; a handle is produced only by CONMON_LOG_OK.
 *   CONMON_LOG_FATAL  the plugin cannot go on (and any value other than the three). From
 *                     init(): the driver is not created and the message reaches the user
 *                     as the start-up error (podman run fails with it); *handle is
 *                     ignored and close() is not called, so init() frees what it allocated
 *                     before failing. From write()/flush()/reopen(): the host reports the
 *                     message once (monitor log; counted), stops calling write, flush and
 *                     reopen for this handle, and calls close() once when the container is
 *                     done. The other log drivers go on. From close(): reported, nothing
 *                     more.
 *
 * ORDER OF CALLS (one handle)
 *   init  ( write* flush? | reopen )*  close     (container_exited: see the descriptor)
 *   flush() follows the records of one read of the container's output; close() comes
 *   after the container exited and its output is drained, also after a FATAL. The host
 *   never calls a function after close() on the same handle.
 */
#ifndef CONMON_LOG_PLUGIN_H
#define CONMON_LOG_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The ABI this header describes. */
#define CONMON_LOG_PLUGIN_ABI_VERSION 1u

/** The name of the function every plugin exports (see ENTRY POINT). */
#define CONMON_LOG_PLUGIN_ENTRY "conmon_log_plugin_entry"

/** Return values of every plugin function but the entry point (see ERRORS). */
enum conmon_log_status {
    CONMON_LOG_OK = 0,
    CONMON_LOG_RETRY = 1,
    CONMON_LOG_FATAL = 2
};

/** Which of the container's streams a record came from (terminal mode: all STDOUT). */
enum conmon_log_stream {
    CONMON_LOG_STDOUT = 1,
    CONMON_LOG_STDERR = 2
};

/** conmon_log_record.flags: the record is not the end of a line (see below). */
#define CONMON_LOG_PARTIAL 0x1u

/**
 * One piece of container output: a line including its '\n', or, with CONMON_LOG_PARTIAL,
 * the unterminated tail of one read (the line goes on in the next record of the same
 * stream). All records of one read share one timestamp. data holds exactly the bytes the
 * container wrote: binary data, NUL bytes and invalid UTF-8 included; it is not
 * NUL-terminated. length may be 0.
 *
 * Layout on LP64 (x86_64, aarch64): size@0 stream@8 flags@12 timestamp_ns@16 data@24
 * length@32, sizeof 40.
 */
struct conmon_log_record {
    size_t size;                /* sizeof(struct conmon_log_record) of the host */
    int32_t stream;             /* enum conmon_log_stream */
    uint32_t flags;             /* CONMON_LOG_PARTIAL or 0; other bits reserved, ignore them */
    int64_t timestamp_ns;       /* wall-clock time of the read, ns since the Unix epoch */
    const uint8_t *data;        /* the bytes; host-owned, valid during write() only */
    size_t length;              /* number of bytes at data */
};

/**
 * What the host knows about the container. Strings are UTF-8 and NUL-terminated.
 * labels and env are arrays of "key=value" strings ended by a NULL pointer; either may be
 * empty (first element NULL) but is never NULL itself.
 *
 * Layout on LP64: size@0 id@8 name@16 tag@24 image@32 labels@40 env@48, sizeof 56.
 */
struct conmon_log_container {
    size_t size;                /* sizeof(struct conmon_log_container) of the host */
    const char *id;             /* full container id, never NULL */
    const char *name;           /* container name, or NULL */
    const char *tag;            /* log tag, or NULL */
    const char *image;          /* image name, or NULL where unknown */
    const char *const *labels;  /* the labels selected with the labels= option, "k=v", NULL-terminated */
    const char *const *env;     /* the environment variables selected with the env= option, "k=v", NULL-terminated */
};

/**
 * The descriptor returned by the entry point. All function pointers but reopen are
 * required (a NULL one makes the host refuse the plugin).
 *
 * Layout on LP64: size@0 abi_version@8 name@16 init@24 write@32 flush@40 reopen@48
 * close@56 container_exited@64, sizeof 72 (64 before container_exited was added: the host
 * accepts both).
 */
struct conmon_log_plugin {
    size_t size;                /* sizeof(struct conmon_log_plugin) of the plugin */
    uint32_t abi_version;       /* CONMON_LOG_PLUGIN_ABI_VERSION the plugin was built for */
    const char *name;           /* short name for messages, e.g. "file-plugin" (may be NULL) */

    /*
     * Creates an instance for one container. argv holds argc options "key=value" (the
     * c-plugin driver's options except the loader's own: plugin, plugin-retries), in the
     * order given, followed by a NULL element. On CONMON_LOG_OK *handle is the instance
     * (any value, NULL included). Validate options here: a bad option is best reported
     * now, when it reaches `podman run`.
     */
    int (*init)(int argc, const char *const *argv, const struct conmon_log_container *meta,
                void **handle, char *errbuf, size_t errlen);

    /* Takes one record (see struct conmon_log_record and ERRORS for RETRY). */
    int (*write)(void *handle, const struct conmon_log_record *rec, char *errbuf, size_t errlen);

    /* Pushes out what write() buffered: called after the records of each read, and before
       the container's exit is reported (make the data durable here: fsync, acks). */
    int (*flush)(void *handle, char *errbuf, size_t errlen);

    /* Optional (may be NULL): "reopen logs" (log rotation by an outside tool, podman's
       ctl message); file plugins reopen their file, others leave it NULL. */
    int (*reopen)(void *handle, char *errbuf, size_t errlen);

    /* Releases the instance; called exactly once per handle that init() produced. The
       host ignores RETRY here (treated as FATAL: reported, not retried). */
    int (*close)(void *handle, char *errbuf, size_t errlen);

    /*
     * Optional (may be NULL; added compatibly in ABI 1: the host calls it only when the
     * descriptor's size covers it, CONMON_LOG_HAS_FIELD(d, struct conmon_log_plugin,
     * container_exited)). The container has exited: what follows is the rest of its output,
     * flush() and close(), and Podman learns the exit status only after them. A plugin that
     * waits for a destination (reconnecting, back-off sleeps, waiting for acks) stops waiting
     * now: it gives up within CONMON_LOG_EXIT_GRACE_MS, reporting what it could not deliver.
     * Called at most once per handle, from a thread other than the one that may be inside
     * write()/flush() at that moment, concurrently with them: it must be thread-safe, must
     * not block, and must not call the host. The host ends a plugin that is still inside a
     * call CONMON_LOG_EXIT_GRACE_MS after the exit (out of process: the plugin host is killed;
     * see plugin-api-c/README.md).
     */
    void (*container_exited)(void *handle);
};

/** How long after container_exited() a call may still take before the host ends it (ms). */
#define CONMON_LOG_EXIT_GRACE_MS 2000

/** True when a struct whose first field says its size holds the given field. */
#define CONMON_LOG_HAS_FIELD(ptr, type, field) \
    ((ptr)->size >= offsetof(type, field) + sizeof(((type *) 0)->field))

/** Declares the entry point (in the plugin's one source file that defines it). */
#define CONMON_LOG_PLUGIN_EXPORT __attribute__((visibility("default")))

/** The entry point's prototype; the plugin defines it, e.g. with CONMON_LOG_PLUGIN_DESCRIPTOR. */
CONMON_LOG_PLUGIN_EXPORT const struct conmon_log_plugin *conmon_log_plugin_entry(void);

/**
 * Defines the entry point returning a static descriptor, e.g.
 *
 *     CONMON_LOG_PLUGIN_DESCRIPTOR("file-plugin", my_init, my_write, my_flush, my_reopen, my_close)
 *
 * (container_exited NULL), or with CONMON_LOG_PLUGIN_DESCRIPTOR_EXITED and one more function.
 */
#define CONMON_LOG_PLUGIN_DESCRIPTOR(NAME, INIT, WRITE, FLUSH, REOPEN, CLOSE)               \
    CONMON_LOG_PLUGIN_DESCRIPTOR_EXITED(NAME, INIT, WRITE, FLUSH, REOPEN, CLOSE, NULL)

#define CONMON_LOG_PLUGIN_DESCRIPTOR_EXITED(NAME, INIT, WRITE, FLUSH, REOPEN, CLOSE, EXITED) \
    const struct conmon_log_plugin *conmon_log_plugin_entry(void)                          \
    {                                                                                      \
        static const struct conmon_log_plugin descriptor = {                               \
            sizeof(struct conmon_log_plugin), CONMON_LOG_PLUGIN_ABI_VERSION, (NAME),        \
            (INIT), (WRITE), (FLUSH), (REOPEN), (CLOSE), (EXITED)};                        \
        return &descriptor;                                                                \
    }

#ifdef __cplusplus
}
#endif

#endif /* CONMON_LOG_PLUGIN_H */
