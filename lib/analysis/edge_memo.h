/*
 * edge_memo.h - meets known to change nothing, so the walk need not compute them again.
 *
 * A state sent along an edge is a function of the state its walk started from and of the
 * edge (the instruction and which of its exits). When that same state met the target's state
 * before and changed nothing, meeting it again with the target's state unchanged changes
 * nothing either: the meet is a function of the two states. A walk repeats a meet only where
 * one indirect jump sends it: the cases of a table that share a target (walk.c asks the memo
 * for those edges alone; each leader is walked once per version of its state, so no other
 * edge comes twice). States are identified by a version number that walk.c bumps whenever one
 * changes.
 */
#ifndef TS_EDGE_MEMO_H
#define TS_EDGE_MEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ts_edge_key {
	uint64_t from;           /* address of the instruction the edge leaves */
	int32_t target;          /* instruction index it enters */
	int32_t start;           /* instruction index the walk started from */
	uint32_t start_version;  /* version of that walk's starting state */
	uint32_t target_version; /* version of the target's state */
	uint8_t kind;            /* which exit of the instruction (walk.c, enum edge_kind) */
};

struct ts_edge_memo {
	struct ts_edge_slot {
		struct ts_edge_key key;
		uint32_t gen;    /* entries of another generation are empty */
	} *slot;
	size_t cap, n;
	uint32_t gen;
};

/* Forget everything (a new unit). */
void ts_edge_memo_clear(struct ts_edge_memo *m);
bool ts_edge_memo_has(const struct ts_edge_memo *m, const struct ts_edge_key *k);
/* Returns 0, or -1 when out of memory (the memo then just remembers less). */
int ts_edge_memo_add(struct ts_edge_memo *m, const struct ts_edge_key *k);
void ts_edge_memo_free(struct ts_edge_memo *m);

#endif
