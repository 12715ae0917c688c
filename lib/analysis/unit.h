/*
 * unit.h - one unit of analysis: a function and its gcc .cold fragments, decoded, with the
 * state computed at every instruction.
 */
#ifndef TS_UNIT_H
#define TS_UNIT_H

#include "analysis/edge_memo.h"
#include "analysis/state.h"
#include "elf/image.h"
#include "trustack.h"

struct ts_uwarn {
	uint64_t addr;
	uint8_t kind; /* enum trustack_warning_kind */
	int32_t insn;  /* the instruction whose step emitted it, -1 for the unit (walk.c) */
	uint32_t walk; /* the walk that emitted it: kept only if it is that instruction's last */
	char msg[160];
};

struct ts_unit {
	const struct ts_image *img;
	const struct ts_arch *a;
	enum trustack_rules rules;
	bool fp_exempt;         /* glibc start-up code: the fp rules do not apply (see walk.c) */
	bool quiet;             /* walking a soft path (state.h): no warnings */
	int func;

	struct ts_insn *insns;  /* the ranges one after the other, each in address order */
	uint8_t *last;          /* 1 if the instruction ends its range (function or fragment) */
	uint8_t *dirty;         /* 1 if the leader's state changed since its last walk */
	size_t n, cap;
	struct ts_range {
		uint64_t start, end;
		size_t first;   /* index of its first instruction */
		bool borrowed;  /* code of another function entered in its middle: analysed on its
				 * own too, so its unreached parts are not this unit's to report */
		size_t at;      /* where its bytes start in at[] */
	} *ranges;              /* the function, then its fragments as they are found */
	size_t nranges, capranges;
	int32_t *at;            /* per byte of the ranges: the instruction starting there, or -1
				 * (edges look instructions up by address all the time) */
	size_t nat, capat;
	uint64_t *lea;          /* absolute addresses the instructions compute, sorted (walk.c) */
	size_t nlea, caplea, nlea_for; /* ... for the first nlea_for instructions */
	uint64_t near_base, near_next;  /* next_table_base_near's last question and answer */

	int32_t *row;           /* index into rows, -1 = not reached */
	int32_t *wstart;        /* instruction where the walk that reached it began */
	int32_t *leader;        /* index into states for join points, -1 otherwise */
	int32_t *latch;         /* for a loop head (the target of a direct jump from at or after
				 * it, same range): the last such jump; -1 otherwise (walk.c) */
	uint64_t *rowregs;      /* per instruction: the registers it writes, if the row does not
				 * change otherwise, for keeps_row (walk.c) */
	uint32_t *wid;          /* the last walk that stepped it (0: none): its row and warnings
				 * are the ones kept (walk.c, final_reach) */
	struct ts_call_memo {   /* per instruction: what a direct call's target is (walk.c) */
		const char *name;
		uint64_t clobbers;
		uint8_t known;  /* CM_* bits of what is filled in */
		bool local;     /* the target is code of this unit */
		uint8_t nr;     /* enum ts_noreturn */
	} *callm;
	size_t capinfo;         /* allocated length of last/dirty/row/wstart/leader/callm */

	struct ts_state *states;
	uint32_t *versions;     /* per state: bumped whenever it changes (edge_memo.h) */
	uint32_t *room;         /* per state: where it is in states (edge() swaps the met state in) */
	size_t nstates, nroom, capstates; /* states, rooms in use, rooms allocated */
	int32_t spare;          /* a room in states no state uses, -1: none yet (edge()) */
	struct ts_edge_memo memo; /* meets that changed nothing */
	int32_t walk_start;     /* the walk under way: where it started, that state's version, */
	uint32_t walk_version;
	bool start_changed;     /* an edge of it changed that state: it ends (walk.c) */
	uint32_t walk_id;       /* its number (walks are numbered from 1 in each unit), */
	int32_t walk_at;        /* the instruction it is stepping (edges and warnings belong to it) */
	int32_t *wend;          /* per walk: the last instruction it stepped */
	size_t capwend;
	struct ts_edge_rec {    /* every edge sent, in order, so in walk order */
		int32_t from, to;
		uint32_t walk;
	} *elog;
	size_t nelog, capelog;
	struct trustack_row *rows;
	size_t nrows, caprows;

	int32_t *work;
	size_t nwork, capwork;

	struct ts_uwarn *warns;
	size_t nwarns, capwarns;

	struct ts_meet_scratch *scratch; /* for ts_state_meet */
	int err;                /* TRUSTACK_E_NOMEM when an allocation failed */
};

/* Analyse function index f (with its fragments). Returns 0 or a negative error. */
int ts_unit_analyse(struct ts_unit *u, const struct ts_image *img, int f, enum trustack_rules rules);
void ts_unit_free(struct ts_unit *u);

/* The converged state before instruction i of an analysed unit, rebuilt by replaying from the
 * leader its walk started at (diff uses it to check a table's rule). -1 when i was not reached. */
int ts_unit_state_at(struct ts_unit *u, size_t i, struct ts_state *s);

enum ts_noreturn {
	TS_RETURNS = 0,
	TS_NORETURN_KNOWN,    /* a known name, or DW_AT_noreturn: the compiler knew too */
	TS_NORETURN_INFERRED, /* inferred from the callee's code: the compiler may not know */
};

/* Registers a call to target may change: the ABI's caller-saved set, or fewer for a function
 * of this file whose code shows it (gcc -fipa-ra relies on that). */
uint64_t ts_call_clobbers(const struct ts_image *img, uint64_t target);

/* Does a call to target (named name, may be NULL) never return, and how do we know? */
enum ts_noreturn ts_noreturn_call(const struct ts_image *img, uint64_t target, const char *name);

#endif
