/*
 * fuzz_sframe.c - libFuzzer target over the SFrame decoder (the bytes of a .sframe section, any
 * version, either byte order; lib/tables/sframe_dec.c, sframe_read.c) and what is built from a
 * decoded table: the unwinder's table (lib/unwind/sframe_utable.c) and objdump-style printing.
 *
 * One input = one section's bytes, decoded from a buffer of exactly its size (ASan sees any read
 * past it) twice: at a linked file's address with the header's own flags, and as a relocatable
 * object's section (start fields relative to themselves). An accepted table must be consistent
 * (every FDE's FREs inside the FRE array) and is then looked up at every FDE's first and last
 * byte and at each FRE's start, printed, and converted into an unwinder table whose lookups are
 * checked against the table's bounds.
 */
#include "fuzz_util.h"

#include "tables/sframe.h"
#include "trustack.h"
#include "unwind/utable.h"
#include "unwind/uwint.h"

static uint64_t use(const struct ts_sframe *t)
{
	uint64_t acc = 0;
	FUZZ_ASSERT(t->version >= 1 && t->version <= 3);
	for (size_t i = 0; i < t->nfdes; i++) {
		const struct ts_sf_fde *f = &t->fdes[i];
		FUZZ_ASSERT(f->first <= t->nfres && f->n <= t->nfres - f->first);
		if (i >= 64)
			continue;
		uint64_t at[3] = { f->start, f->start + f->size - 1, f->start + (f->n ? t->fres[f->first].start : 0) };
		for (int k = 0; k < 3; k++) {
			const struct ts_sf_fde *fd;
			const struct ts_sf_fre *fr;
			if (!ts_sframe_lookup(t, at[k], &fd, &fr))
				continue;
			FUZZ_ASSERT(at[k] - fd->start < fd->size);
			FUZZ_ASSERT(fr >= t->fres + fd->first && fr < t->fres + fd->first + fd->n);
			struct trustack_row row;
			ts_sframe_fre_row(t, fd, fr, &row);
			acc += row.cfa_kind + row.ra.kind + row.fp.kind + row.ra_sign;
		}
	}
	ts_sframe_print(fuzz_devnull(), t, NULL, ".sframe");

	struct ts_utable u;
	if (ts_uw_utable_from_sframe(t, 62, &u) == 0) {
		/* bounded by the section, not by what its sizes claim: every FRE gives a row or two
		 * (a gap before it), and PCMASK blocks repeat FREs up to 2^18 rows in all
		 * (TS_SF_MAX_SEGS in sframe_utable.c) */
		FUZZ_ASSERT(u.n <= 2 * ((1u << 18) + t->nfres + t->nfdes) + 1);
		for (uint32_t i = 0; i < u.n && i < 4096; i++) {
			const struct ts_urow *r = ts_utable_lookup(&u, u.base + u.pc[i]);
			FUZZ_ASSERT(r == &u.rows[u.row[i]]);
			acc += r->flags;
		}
		ts_utable_free(&u);
	}
	return acc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1); /* libFuzzer's buffer, but of our own making */
	FUZZ_ASSERT(copy);
	memcpy(copy, data, size);
	uint64_t acc = 0;
	static const struct { uint64_t base; bool pcrel; } as[] = { { 0x400000, false }, { 0x1000, true } };
	for (size_t k = 0; k < 2; k++) {
		struct ts_sframe t;
		char err[256] = "";
		int rc = ts_sframe_decode(copy, size, as[k].base, as[k].pcrel, &t, err, sizeof(err));
		if (rc) {
			FUZZ_ASSERT(rc < 0 && !t.fdes && !t.fres);
			acc += fuzz_touch_err(err, sizeof(err));
			continue;
		}
		acc += use(&t);
		ts_sframe_free(&t);
	}
	free(copy);
	fuzz_keep(acc);
	return 0;
}
