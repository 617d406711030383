/*
 * plugin-loader.h - opening a log plugin the way conmon-j does, shared by
 * conmon-j-plugin-host and conmon-plugin-check.
 */
#ifndef PLUGIN_LOADER_H
#define PLUGIN_LOADER_H

#include <stddef.h>
#include <conmon_log_plugin.h>

/* The descriptor's size before container_exited was appended (ABI 1 as first published). */
#define PLUGIN_DESCRIPTOR_SIZE_V1 offsetof(struct conmon_log_plugin, container_exited)

struct loaded_plugin {
    const struct conmon_log_plugin *d;
    void (*container_exited)(void *handle); /* NULL when absent or beyond the descriptor's size */
    void *dl;
};

/*
 * Opens PATH read-only with O_NOFOLLOW|O_CLOEXEC relative to its directory and checks the open
 * file and the directory as the monitor does (regular file, one link, owned by root and its
 * directory too when running as root, neither writable by group or others). Returns the fd, or
 * -1 with the reason in err.
 */
int plugin_open_checked(const char *path, char *err, size_t errlen);

/*
 * dlopen()s the plugin through /proc/self/fd/FD (so the checked file is the loaded one), calls
 * its entry point and checks the descriptor (ABI version, size, required functions). PATH only
 * names the plugin in messages. Returns 0, or -1 with the message (as the monitor shows it) in err.
 */
int plugin_load_fd(int fd, const char *path, struct loaded_plugin *out, char *err, size_t errlen);

#endif
