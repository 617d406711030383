/* See memory-sharing.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>

#include "memory-sharing.h"

/* Linux 6.4; older headers do not have them */
#ifndef PR_SET_MEMORY_MERGE
#define PR_SET_MEMORY_MERGE 67
#endif

static const char *const NAMES[] = {
    [SHARING_OFF] = "off",
    [SHARING_KSM] = "ksm",
    [SHARING_KSM_FIXED_LAYOUT] = "ksm-fixed-layout",
};

/* Whether this process may opt in: set and clear the flag on the launcher itself. */
static int can_merge(void)
{
    if (prctl(PR_SET_MEMORY_MERGE, 1, 0, 0, 0) != 0)
        return 0;
    prctl(PR_SET_MEMORY_MERGE, 0, 0, 0, 0);
    return 1;
}

int memory_sharing_choose(enum memory_sharing *mode, char *message, size_t size)
{
    const char *value = getenv(MEMORY_SHARING_ENV);
    int explicit_choice = value != NULL;
    if (!explicit_choice)
        value = NAMES[SHARING_KSM];
    int chosen = -1;
    for (int i = 0; i < (int)(sizeof NAMES / sizeof NAMES[0]); i++)
        if (strcmp(value, NAMES[i]) == 0)
            chosen = i;
    if (chosen < 0) {
        snprintf(message, size, "%s=%.64s: expected off, ksm or ksm-fixed-layout",
                 MEMORY_SHARING_ENV, value);
        return -1;
    }
    *mode = (enum memory_sharing)chosen;
    if (*mode == SHARING_OFF || can_merge())
        return 0;
    if (!explicit_choice) {
        *mode = SHARING_OFF;
        return 0;
    }
    snprintf(message, size, "%s=%s: this monitor cannot opt in to same-page merging "
             "(prctl PR_SET_MEMORY_MERGE: %s; it needs Linux 6.4 with KSM and CAP_SYS_RESOURCE)",
             MEMORY_SHARING_ENV, value, strerror(errno));
    return -1;
}

int memory_sharing_apply(enum memory_sharing mode)
{
    if (mode == SHARING_OFF)
        return 0;
    if (mode == SHARING_KSM_FIXED_LAYOUT) {
        int persona = personality(0xffffffff);
        if (persona < 0 || personality((unsigned long)persona | ADDR_NO_RANDOMIZE) < 0)
            return -1;
    }
    return prctl(PR_SET_MEMORY_MERGE, 1, 0, 0, 0);
}

int memory_sharing_reset(void)
{
    /* fails (EINVAL) on kernels without it, where nothing can be set either */
    prctl(PR_SET_MEMORY_MERGE, 0, 0, 0, 0);
    int persona = personality(0xffffffff);
    if (persona < 0 || !(persona & ADDR_NO_RANDOMIZE))
        return 0;
    if (personality((unsigned long)persona & ~(unsigned long)ADDR_NO_RANDOMIZE) < 0)
        return -1;
    return 1;
}
