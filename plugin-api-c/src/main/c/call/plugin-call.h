/*
 * The block through which the in-process c-plugin driver calls a plugin's write (plugin-call.c). The driver
 * allocates one per plugin instance and sets function, handle and error buffer once, the record's size and data
 * pointer when it (re)allocates the data, and the rest of the record before every call; the call itself takes
 * only the block's address. PluginCalls.WRITE_CALL declares the same layout; AbiLayoutsTest compares the two.
 */
#ifndef CONMONJ_PLUGIN_CALL_H
#define CONMONJ_PLUGIN_CALL_H

#include <stddef.h>
#include <conmon_log_plugin.h>

struct conmonj_write_call {
    int (*write)(void *handle, const struct conmon_log_record *rec, char *errbuf, size_t errlen);
    void *handle;
    char *errbuf;
    size_t errlen;
    struct conmon_log_record record;
};

#endif
