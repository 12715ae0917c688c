/*
 * plt.h - unwind rows of PLT stubs, decoded from their bytes (not assumed from a layout).
 *
 * Linked files call into other modules through stubs in .plt (lazy binding: PLT0, then 16-byte
 * PLTn entries), .plt.sec and .plt.got (jump-only stubs). No symbol or FDE makes them functions
 * of the analysis, so the table writers describe them from here.
 */
#ifndef TS_PLT_H
#define TS_PLT_H

#include <stdbool.h>
#include <stdint.h>

#include "elf/image.h"
#include "tables/rowmap.h"

/*
 * The CFA offsets (from SP) of the stub at addr .. addr+size, entered with CFA = SP + cfa0: a
 * row at each change (starts[] are offsets in the stub). Every instruction must be decodable and
 * change SP only by pushes or pops; after a direct jump only padding may follow. False otherwise.
 */
bool ts_plt_stub_rows(const struct ts_image *img, uint64_t addr, uint64_t size, int32_t cfa0, uint32_t *starts,
		      int32_t *cfa, unsigned *n, unsigned max);

/*
 * Called for each PLT stub the row map does not cover, with its rows (n == 0: a stub of an
 * unknown form, which has no rule). A non-zero return stops the walk and is returned.
 */
typedef int (*ts_plt_stub_fn)(void *ctx, const struct ts_image *img, uint64_t addr, uint64_t size,
			      const uint32_t *starts, const int32_t *cfa, unsigned n);
int ts_plt_for_each_stub(const struct ts_image *img, const struct ts_rowmap *m, ts_plt_stub_fn fn, void *ctx);

#endif
