/*
 * fragments.c - which functions known only from .eh_frame are pieces of other functions.
 *
 * In a stripped file gcc's .cold parts have no symbol, only an FDE. The CFI at the start of a
 * real function says CFA = sp+8 (the return address was just pushed); a fragment starts inside
 * its parent's frame. Fragments are analysed as part of the functions that reach them, with the
 * state those jumps carry. (A cold part entered from a frameless point looks like a function
 * by its CFI; walk.c adopts such code when a jump lands in its middle.)
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <stdlib.h>

#include "elf/image.h"

static void mark_by_cfi(struct ts_image *img)
{
	Dwarf_CFI *cfi = dwarf_getcfi_elf(img->elf);
	if (!cfi)
		return;
	for (size_t i = 0; i < img->nfuncs; i++) {
		struct ts_func *f = &img->funcs[i];
		if (!(f->flags & TS_FUNC_FROM_FDE))
			continue;
		Dwarf_Frame *frame = NULL;
		Dwarf_Op *ops = NULL;
		size_t nops = 0;
		if (dwarf_cfi_addrframe(cfi, f->addr, &frame) != 0)
			continue;
		bool entry = dwarf_frame_cfa(frame, &ops, &nops) == 0 && nops == 1 && ops[0].atom == DW_OP_bregx &&
			     ops[0].number == img->arch->sp && (int64_t)ops[0].number2 == -img->arch->entry_sp_offset;
		if (!entry && nops >= 1) {
			f->flags |= TS_FUNC_FRAGMENT;
			f->parent = -1; /* found by the jumps into it */
		}
		free(frame);
	}
	dwarf_cfi_end(cfi);
}

void ts_image_mark_fde_fragments(struct ts_image *img)
{
	bool any = false;
	for (size_t i = 0; i < img->nfuncs && !any; i++)
		any = (img->funcs[i].flags & TS_FUNC_FROM_FDE) != 0;
	if (!any || img->rel)
		return;
	mark_by_cfi(img);
}
