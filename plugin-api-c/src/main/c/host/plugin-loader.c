/* plugin-loader.c - see plugin-loader.h. The monitor's Java loader (io.conmonj.pluginc) applies
   the same rules with the same messages; CPluginProviderTest and PluginCheckTest hold both to them. */
#define _GNU_SOURCE
#include "plugin-loader.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(char *err, size_t errlen, const char *fmt, const char *a, const char *b)
{
    snprintf(err, errlen, fmt, a, b);
    return -1;
}

int plugin_open_checked(const char *path, char *err, size_t errlen)
{
    if (path[0] != '/') {
        return fail(err, errlen, "cannot open log plugin %s: the path must be absolute%s", path, "");
    }
    char dir[4096];
    const char *slash = strrchr(path, '/');
    size_t dlen = (size_t) (slash - path);
    if (dlen >= sizeof dir || slash[1] == '\0') {
        return fail(err, errlen, "cannot open log plugin %s: %s", path, "not a file name");
    }
    memcpy(dir, path, dlen);
    dir[dlen == 0 ? 1 : dlen] = '\0';
    if (dlen == 0) {
        dir[0] = '/';
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        return fail(err, errlen, "cannot open log plugin %s: %s", path, strerror(errno));
    }
    int fd = openat(dfd, slash + 1, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        int e = errno;
        close(dfd);
        return fail(err, errlen, "cannot open log plugin %s: %s", path,
                    e == ELOOP ? "it is a symbolic link (refused)" : strerror(e));
    }
    struct stat f, d;
    const char *why = NULL;
    if (fstat(fd, &f) != 0 || fstat(dfd, &d) != 0) {
        why = strerror(errno);
    } else if (!S_ISREG(f.st_mode)) {
        why = "not a regular file (refused)";
    } else if (f.st_nlink != 1) {
        why = "it has more than one hard link (refused)";
    } else if (f.st_mode & (S_IWGRP | S_IWOTH)) {
        why = "it is writable by group or others (refused)";
    } else if (geteuid() == 0 && f.st_uid != 0) {
        why = "it is not owned by root (refused)";
    } else if (d.st_mode & (S_IWGRP | S_IWOTH)) {
        why = "its directory is writable by group or others (refused)";
    } else if (geteuid() == 0 && d.st_uid != 0) {
        why = "its directory is not owned by root (refused)";
    }
    close(dfd);
    if (why != NULL) {
        close(fd);
        return fail(err, errlen, "cannot open log plugin %s: %s", path, why);
    }
    return fd;
}

int plugin_load_fd(int fd, const char *path, struct loaded_plugin *out, char *err, size_t errlen)
{
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    memset(out, 0, sizeof *out);
    void *dl = dlopen(proc, RTLD_NOW | RTLD_LOCAL);
    if (dl == NULL) {
        const char *e = dlerror();
        /* dlerror names /proc/self/fd/N: show the path the administrator knows */
        const char *rest = e != NULL ? strstr(e, ": ") : NULL;
        snprintf(err, errlen, "cannot open log plugin %s: %s%s", path, path, rest != NULL ? rest : ": unknown error");
        return -1;
    }
    const struct conmon_log_plugin *(*entry)(void);
    *(void **) &entry = dlsym(dl, CONMON_LOG_PLUGIN_ENTRY);
    if (entry == NULL) {
        return fail(err, errlen, "log plugin %s: does not export %s() (is it a conmon-j log plugin built with"
                    " conmon_log_plugin.h?)", path, CONMON_LOG_PLUGIN_ENTRY);
    }
    const struct conmon_log_plugin *d = entry();
    if (d == NULL) {
        return fail(err, errlen, "log plugin %s: %s() returned NULL", path, CONMON_LOG_PLUGIN_ENTRY);
    }
    if (d->size < offsetof(struct conmon_log_plugin, name)) {
        snprintf(err, errlen, "log plugin %s: its descriptor is %zu bytes long, too short to hold an ABI version",
                 path, d->size);
        return -1;
    }
    if (d->abi_version != CONMON_LOG_PLUGIN_ABI_VERSION) {
        snprintf(err, errlen, "log plugin %s speaks ABI %u, conmon-j speaks %u", path, d->abi_version,
                 CONMON_LOG_PLUGIN_ABI_VERSION);
        return -1;
    }
    if (d->size < PLUGIN_DESCRIPTOR_SIZE_V1) {
        snprintf(err, errlen, "log plugin %s: its descriptor is %zu bytes long, ABI %u needs %zu", path, d->size,
                 CONMON_LOG_PLUGIN_ABI_VERSION, (size_t) PLUGIN_DESCRIPTOR_SIZE_V1);
        return -1;
    }
    const char *missing = d->init == NULL ? "init" : d->write == NULL ? "write" : d->flush == NULL ? "flush"
                        : d->close == NULL ? "close" : NULL;
    if (missing != NULL) {
        return fail(err, errlen, "log plugin %s: its descriptor has no %s function (NULL)", path, missing);
    }
    out->d = d;
    out->dl = dl;
    out->container_exited = CONMON_LOG_HAS_FIELD(d, struct conmon_log_plugin, container_exited)
                                ? d->container_exited : NULL;
    return 0;
}
