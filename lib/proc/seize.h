/*
 * seize.h - the set of threads we hold stopped, and the signal guard that resumes them when we
 * are interrupted. Used by the snapshot; kept apart because the guard is the one place with a
 * process-wide pointer and async-signal-safe rules.
 */
#ifndef TS_SEIZE_H
#define TS_SEIZE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

enum ts_seize_state {
	TS_SZ_NEW = 0,    /* listed, PTRACE_SEIZE not yet done */
	TS_SZ_SEIZED,     /* seized and interrupted, stop not yet seen */
	TS_SZ_STOPPED,    /* in a ptrace stop: registers and memory can be read */
	TS_SZ_DETACHED,   /* resumed (or left in the group stop it was in) */
	TS_SZ_GONE,       /* exited, or could not be seized: see reason */
};

struct ts_seized {
	int tid;
	volatile sig_atomic_t state;   /* enum ts_seize_state; the handler reads it */
	int pending_signal;            /* signal-delivery-stop: handed back at detach */
	bool group_stopped;
	const char *reason;            /* TS_SZ_GONE: why (a static string) */
	uint64_t t_interrupt, t_detach;
};

struct ts_seize_set {
	int pid;
	int tracer_tid;                /* ptrace requests only work from the thread that seized */
	struct ts_seized *v;
	size_t n, cap;
	volatile sig_atomic_t published; /* entries the handler may look at */
	volatile sig_atomic_t interrupted; /* the signal that interrupted us, 0 if none */
	bool guarded;
	struct sigaction old[3];
};

void ts_seize_init(struct ts_seize_set *s, int pid);
void ts_seize_fini(struct ts_seize_set *s);
/* Install the SIGINT/SIGTERM/SIGHUP guard for s. False when another snapshot holds it. */
bool ts_seize_guard(struct ts_seize_set *s);
void ts_seize_unguard(struct ts_seize_set *s);

/* Add tid (state NEW) unless present; returns its index, -1 on allocation failure. */
long ts_seize_add(struct ts_seize_set *s, int tid, bool *added);
/* PTRACE_SEIZE + PTRACE_INTERRUPT. Returns 0, or -errno of the seize (entry GONE on ESRCH). */
int ts_seize_one(struct ts_seize_set *s, size_t i);
/* Wait for entry i to stop (until deadline_ns). Returns 1 stopped, 0 timed out, -1 gone,
 * -2 interrupted (only when stop_on_intr: letting threads go after an interruption must still
 * wait for each one's stop, since only a stopped tracee can be detached). */
int ts_seize_wait(struct ts_seize_set *s, size_t i, uint64_t deadline_ns, bool stop_on_intr);
/* Detach entry i if it is STOPPED (handing back its pending signal). */
void ts_seize_release_one(struct ts_seize_set *s, size_t i);
/* Detach every STOPPED entry (handing back pending signals). */
void ts_seize_release(struct ts_seize_set *s);

#endif
