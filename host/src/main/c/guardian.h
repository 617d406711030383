/*
 * The guardian: the launcher's child that stays the monitor JVM's parent and
 * child subreaper, so that a monitor that dies (uncaught Error, heap
 * exhaustion, SIGSEGV in a native plugin, SIGKILL) never costs the user the
 * container's status. Design and record format: guardian.c, docs/reliability.md.
 */
#ifndef CONMONJ_GUARDIAN_H
#define CONMONJ_GUARDIAN_H

/* "FD;PID": the monitor's end of the channel and the guardian's pid (for -P). */
#define ENV_GUARDIAN "CONMONJ_GUARDIAN"

/*
 * Execs the monitor JVM in the calling process (CONMONJ_GUARDIAN already set);
 * verdict_fd is the launcher's verdict pipe, or -1 for a resumed monitor after
 * a hibernation (no verdict, no inherited fds: guardian-sleep.h). Does not return.
 */
typedef void (*guardian_exec_fn)(int verdict_fd, void *context);

/*
 * Runs in the launcher's child, after setsid(), with SIGCHLD, SIGTERM,
 * SIGINT, SIGQUIT and SIGUSR1 blocked. Forks the monitor (which calls
 * exec_monitor) and guards it; holds the fds of a monitor that hibernates and
 * starts a resumed one (exec_monitor again, verdict_fd -1) when they need it;
 * exits with the monitor's status when the monitor finished its own exit path,
 * else with the container's. Does not return.
 */
void guardian_run(int verdict_fd, guardian_exec_fn exec_monitor, void *context) __attribute__((noreturn));

#endif
