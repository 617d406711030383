/*
 * A well-formed plugin whose constructor leaves a marker: the file it was loaded from, with
 * ".ran" appended, created when the dynamic loader runs its code. The tests that plant unsafe
 * files check that the marker stays absent (the plugin was refused before any of its code ran);
 * the positive control checks that it appears.
 */
#define _GNU_SOURCE
#include <conmon_log_plugin.h>

#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

__attribute__((constructor)) static void leave_marker(void)
{
    Dl_info info;
    if (dladdr((void *) leave_marker, &info) == 0 || info.dli_fname == NULL)
        return;
    /* loaded through /proc/self/fd/N: the name behind the descriptor */
    char real[PATH_MAX];
    ssize_t n = readlink(info.dli_fname, real, sizeof real - 8);
    if (n < 0) {
        snprintf(real, sizeof real - 8, "%s", info.dli_fname);
        n = (ssize_t) strlen(real);
    }
    real[n] = '\0';
    strcat(real, ".ran");
    int fd = open(real, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd >= 0)
        close(fd);
}

static int m_init(int argc, const char *const *argv, const struct conmon_log_container *meta, void **handle,
                  char *errbuf, size_t errlen)
{
    (void) argc, (void) argv, (void) meta, (void) errbuf, (void) errlen;
    *handle = NULL;
    return CONMON_LOG_OK;
}

static int m_ok(void *handle, char *errbuf, size_t errlen)
{
    (void) handle, (void) errbuf, (void) errlen;
    return CONMON_LOG_OK;
}

static int m_write(void *handle, const struct conmon_log_record *rec, char *errbuf, size_t errlen)
{
    (void) rec;
    return m_ok(handle, errbuf, errlen);
}

CONMON_LOG_PLUGIN_DESCRIPTOR("marker", m_init, m_write, m_ok, NULL, m_ok)
