/*
 * edge_memo.c - a set of edge keys (edge_memo.h), open addressing, emptied by generation.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/edge_memo.h"

static bool key_eq(const struct ts_edge_key *a, const struct ts_edge_key *b)
{
	return a->from == b->from && a->target == b->target && a->start == b->start &&
	       a->start_version == b->start_version && a->target_version == b->target_version && a->kind == b->kind;
}

static size_t key_hash(const struct ts_edge_key *k)
{
	uint64_t h = k->from * 0x9e3779b97f4a7c15ull;
	h ^= ((uint64_t)(uint32_t)k->target << 32 | (uint32_t)k->start) * 0xc2b2ae3d27d4eb4full;
	h ^= ((uint64_t)k->start_version << 32 | k->target_version) * 0x165667b19e3779f9ull;
	h ^= k->kind;
	return (size_t)(h ^ h >> 29);
}

#define SMALL 256 /* slots to start with */

void ts_edge_memo_clear(struct ts_edge_memo *m)
{
	m->n = 0;
	if (m->cap > SMALL) {
		/* A large function grew the table; the next unit would probe all of it at random
		 * (a cache miss per lookup): start small again. */
		free(m->slot);
		m->slot = NULL;
		m->cap = 0;
	}
	if (++m->gen == 0) { /* wrapped: really empty the table once */
		if (m->slot)
			memset(m->slot, 0, m->cap * sizeof(*m->slot));
		m->gen = 1;
	}
}

static struct ts_edge_slot *find(const struct ts_edge_memo *m, const struct ts_edge_key *k)
{
	size_t i = key_hash(k) & (m->cap - 1);
	while (m->slot[i].gen == m->gen && !key_eq(&m->slot[i].key, k))
		i = (i + 1) & (m->cap - 1);
	return &m->slot[i];
}

bool ts_edge_memo_has(const struct ts_edge_memo *m, const struct ts_edge_key *k)
{
	return m->cap && find(m, k)->gen == m->gen;
}

int ts_edge_memo_add(struct ts_edge_memo *m, const struct ts_edge_key *k)
{
	if (!m->gen)
		m->gen = 1;
	if (2 * (m->n + 1) > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : SMALL;
		struct ts_edge_slot *n = calloc(cap, sizeof(*n));
		if (!n)
			return -1;
		struct ts_edge_memo grown = { .slot = n, .cap = cap, .gen = m->gen };
		for (size_t i = 0; i < m->cap; i++)
			if (m->slot[i].gen == m->gen)
				*find(&grown, &m->slot[i].key) = m->slot[i];
		free(m->slot);
		m->slot = n;
		m->cap = cap;
	}
	struct ts_edge_slot *s = find(m, k);
	if (s->gen != m->gen) {
		s->key = *k;
		s->gen = m->gen;
		m->n++;
	}
	return 0;
}

void ts_edge_memo_free(struct ts_edge_memo *m)
{
	free(m->slot);
	memset(m, 0, sizeof(*m));
}
