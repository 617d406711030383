/*
 * The guardian's state and the calls guardian.c offers guardian-sleep.c (hibernation): private to the two.
 */
#ifndef CONMONJ_GUARDIAN_STATE_H
#define CONMONJ_GUARDIAN_STATE_H

#include <stddef.h>
#include <sys/types.h>

#include "guardian.h"
#include "guardian-output.h"
#include "guardian-sleep.h"

#define MAX_EXIT_FILES 2

struct guard {
    /* the current monitor JVM: reset when a resumed one starts */
    pid_t monitor;
    int monitor_status; /* wait status */
    int monitor_done;
    int channel;
    int finished;
    int exit_now;    /* 'X' came after 'F': exit with exit_status without waiting for the monitor */
    int exit_status;
    int handed_off;  /* 'h' sent: its death is hibernation, not a fault */
    int resumed;     /* started by us after a hibernation: told the container's end ('s') */
    char *failure;   /* 'R': the monitor's own account of why it gives up */

    pid_t self;
    int signals;
    struct hold hold; /* what a hibernated monitor handed us (guardian-sleep.h) */
    guardian_exec_fn exec_monitor;
    void *context;

    char *id;
    char *exit_files[MAX_EXIT_FILES];
    int exit_file_count;
    struct guardian_log log; /* the k8s-file log and the id for messages */
    char **exit_argv; /* NULL-terminated */
    int exit_delay;

    pid_t container;
    int container_status; /* conmon's form: exit code or 128+signal */
    int container_done;
    int container_pidfd;
    int out_fds[2]; /* our copies: stdout, stderr */
    char *oom_score_adj; /* the value we inherited, restored for the exit command */
};

/* One record to the monitor, without blocking; 0, or -1 (reported). */
int guard_send(struct guard *g, const char *record, size_t len);

/* Reaps every child that ended (the monitor, the container, orphans). */
void guard_reap(struct guard *g);

/* Handles the signals waiting on the signalfd: SIGCHLD reaps, the others are forwarded. */
void guard_read_signals(struct guard *g);

/* The container's end when it is not (or no longer) our child to reap. */
void guard_check_container(struct guard *g);

/* Finishes the container's exit path without a monitor (reason, drain, exit files, exit command); death says
 * what became of the monitor. */
void guard_keep_container(struct guard *g, const char *death) __attribute__((noreturn));

/* In a forked child about to exec: the oom_score_adj the guardian inherited, not its own -1000. */
void guard_restore_oom_score_adj(const struct guard *g);

/* In a forked child: execs the monitor JVM with pair[1] as its end of the channel; verdict_fd -1 for a resumed one. */
void guard_exec_monitor(struct guard *g, int pair[2], int verdict_fd) __attribute__((noreturn));

#endif
