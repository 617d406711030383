/*
 * Hibernation, the guardian's part (docs/reliability.md, "Hibernation"): an idle monitor JVM hands the
 * fds it watches to the guardian ('H' record) and exits; the guardian holds them with the JVM's opaque
 * state, sleeps until one of them has an event or the container ends, then starts a resumed JVM that
 * adopts them (CONMONJ_RESUME). guardian.c calls these four; the guardian's state is guardian-state.h.
 */
#ifndef CONMONJ_GUARDIAN_SLEEP_H
#define CONMONJ_GUARDIAN_SLEEP_H

#include <stddef.h>
#include <sys/types.h>

/* "FDS;STATE": the held fds at the resumed JVM's numbers ("5w,6w,7k"), then the state, for the resumed JVM */
#define ENV_RESUME "CONMONJ_RESUME"
/* the container's status (conmon's form) when it was reaped before the resumed JVM started */
#define ENV_RESUME_STATUS "CONMONJ_RESUME_STATUS"

#define HOLD_MAX_FDS 16
#define HOLD_STATE_MAX 4096

struct hold_entry {
    int fd;    /* the guardian's copy, close-on-exec until it is passed on */
    char mode; /* 'w': wake when readable or hung up; 'k': keep only */
};

struct hold {
    struct hold_entry entries[HOLD_MAX_FDS];
    int count;
    char *state; /* NUL-terminated; NULL while nothing is held */
};

struct guard;

/* 'H' FDS\0STATE: holds copies of the monitor's fds and its state and answers 'h', or answers 'n' and why. */
void sleep_hand_off(struct guard *g, const char *payload, size_t len);

/* The container was reaped: a resumed monitor (whose child it is not) gets 's' STATUS. */
void sleep_tell_status(struct guard *g);

/* After 'h' and the monitor's exit: waits until a held 'w' fd has an event or the container ended. */
void sleep_hibernate(struct guard *g);

/* Starts the resumed monitor JVM with the held fds; on failure, finishes the container's exit path without one. */
void sleep_resume(struct guard *g);

#endif
