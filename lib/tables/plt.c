/*
 * plt.c - PLT stubs decoded into unwind rows (see plt.h).
 */
#include <string.h>

#include "tables/plt.h"

/* The CFA offsets (from SP) of the stub at addr .. addr+size, entered with CFA = SP + cfa0:
 * an FRE at each change. Every instruction must be decodable and change SP only by pushes or
 * pops (ADDI); after a direct jump only padding may follow. False otherwise. */
bool ts_plt_stub_rows(const struct ts_image *img, uint64_t addr, uint64_t size, int32_t cfa0, uint32_t *starts,
		      int32_t *cfa, unsigned *n, unsigned max)
{
	size_t avail;
	const uint8_t *p = ts_image_bytes(img, addr, &avail);
	if (!p || avail < size)
		return false;
	int32_t c = cfa0;
	bool ended = false;
	*n = 0;
	starts[(*n)] = 0, cfa[(*n)++] = c;
	for (uint64_t off = 0; off < size;) {
		struct ts_insn in;
		unsigned len = img->arch->decode(img->dec, p + off, size - off, addr + off, &in);
		if (!len || in.flow == TS_FLOW_INVALID)
			return false;
		if (!ended) {
			for (unsigned u = 0; u < in.nuops; u++) {
				const struct ts_uop *o = &in.uops[u];
				if (o->dst != img->arch->sp)
					continue;
				if (o->kind != TS_UOP_ADDI || o->src != img->arch->sp)
					return false;
				c -= (int32_t)o->imm;
			}
			/* an indirect jump does not end the stub: a lazy PLTn's GOT slot first points
			 * back to the push after it */
			if (in.flow == TS_FLOW_JUMP)
				ended = true;
			else if (in.flow != TS_FLOW_NEXT && in.flow != TS_FLOW_JUMP_IND)
				return false;
			if (off + len < size && c != cfa[*n - 1]) {
				if (*n == max)
					return false;
				starts[*n] = (uint32_t)(off + len), cfa[(*n)++] = c;
			}
		} else if (!(in.flags & (TS_IF_NOP | TS_IF_TRAP))) {
			return false; /* only padding may follow the jump */
		}
		off += len;
	}
	(void)ended;
	return true;
}


static bool covered(const struct ts_rowmap *m, uint64_t lo, uint64_t hi)
{
	const struct ts_rowrange *r = ts_rowmap_find(m, lo);
	if (r)
		return true;
	for (size_t i = 0; i < m->n; i++) /* rare: only for sections the lookup missed at lo */
		if (m->r[i].start < hi && m->r[i].start + m->r[i].len > lo)
			return true;
	return false;
}

int ts_plt_for_each_stub(const struct ts_image *img, const struct ts_rowmap *m, ts_plt_stub_fn fn, void *ctx)
{
	int rc = 0;
	uint32_t st[8];
	int32_t cf[8];
	unsigned n;
	for (size_t i = 1; i < img->nsecs && !rc; i++) {
		const struct ts_section *s = &img->secs[i];
		bool lazy = !strcmp(s->name, ".plt");
		bool jump_only = !strcmp(s->name, ".plt.sec") || !strcmp(s->name, ".plt.got");
		if ((!lazy && !jump_only) || !s->exec || !s->data || !s->size || covered(m, s->addr, s->addr + s->size))
			continue;
		const struct ts_arch *a = img->arch;
		if (!a->plt0_size)
			continue; /* the machine's PLTs are not known: no rows (unreliable gaps) */
		uint64_t esz = s->size % 16 == 0 ? 16 : 8;
		if (lazy && a->pltn_size)
			esz = a->pltn_size; /* s390x: 32-byte PLTn */
		bool layout_ok = !lazy || (s->size >= a->plt0_size && (s->size - a->plt0_size) % (lazy ? esz : 16) == 0);
		for (uint64_t off = 0; off < s->size && !rc;) {
			/* PLT0 of a lazy PLT is entered as the machine says (x86-64: with the relocation
			 * index pushed), the others as a call's target */
			bool plt0 = lazy && off == 0;
			uint64_t sz = plt0 ? a->plt0_size : esz;
			int32_t cfa0 = plt0 ? a->plt0_cfa : -a->entry_sp_offset;
			if (sz > s->size - off)
				sz = s->size - off;
			/* a PLTn's trailing data (s390x: its relocation's offset) is no code: decoded as
			 * code, the word could read as anything (0x0a.. is svc); it keeps the last row */
			uint64_t code = !plt0 && lazy && a->pltn_data < sz ? sz - a->pltn_data : sz;
			bool ok = layout_ok && ts_plt_stub_rows(img, s->addr + off, code, cfa0, st, cf, &n, 8);
			rc = fn(ctx, img, s->addr + off, sz, st, cf, ok ? n : 0);
			off += sz;
		}
	}
	return rc;
}
