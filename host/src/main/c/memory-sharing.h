/*
 * How a monitor JVM shares its memory with the other monitors of the host
 * (docs/design.md, "Memory shared between monitors").
 *
 * One JVM runs per container, and most of what an idle monitor keeps in memory
 * (the AOT cache pages it linked, its heap's archived objects, its compiled code)
 * has the same bytes in every monitor. The kernel's same-page merging (KSM) can
 * keep one copy of such pages when the host runs it (/sys/kernel/mm/ksm/run = 1,
 * the operator's choice) and the process opts in. The opt-in is
 * CONMONJ_MEMORY_SHARING in the monitor's environment (containers.conf,
 * conmon_env_vars):
 *
 *   ksm               (the default) the JVM opts in (prctl PR_SET_MEMORY_MERGE);
 *                     a kernel or a user that cannot do it runs without;
 *   ksm-fixed-layout  also turns address-space randomisation off for the JVM
 *                     alone, so that its pointers, and hence many more pages, are
 *                     the same in every monitor (an administrator's trade:
 *                     docs/security.md);
 *   off               no opt-in.
 *
 * Only the JVM gets these: the launcher and the guardian do not, and everything
 * the JVM starts (the runtime, the exit command, the plugin host) starts again
 * with the kernel's defaults (memory_sharing_reset).
 */
#ifndef CONMONJ_MEMORY_SHARING_H
#define CONMONJ_MEMORY_SHARING_H

#include <stddef.h>

#define MEMORY_SHARING_ENV "CONMONJ_MEMORY_SHARING"

enum memory_sharing { SHARING_OFF, SHARING_KSM, SHARING_KSM_FIXED_LAYOUT };

/*
 * The mode the environment asks for, checked against what this kernel and user
 * can do. An explicit mode that cannot be had, or a value that is not one of the
 * three, writes the reason into message and returns -1; the default falls back
 * to SHARING_OFF silently.
 */
int memory_sharing_choose(enum memory_sharing *mode, char *message, size_t size);

/* Applies mode to the calling process, before it execs the JVM. -1 and errno on failure. */
int memory_sharing_apply(enum memory_sharing mode);

/*
 * Undoes both opt-ins for the calling process, before it execs anything else.
 * Randomisation is decided at exec: 1 means it was off and is back on for the
 * next exec (a process that goes on running itself, like the plugin host, execs
 * itself again), 0 that it was on, -1 and errno that it could not be turned on.
 */
int memory_sharing_reset(void);

#endif
