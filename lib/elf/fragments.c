/*
 * fragments.c - which functions known only from .eh_frame are pieces of other functions.
 *
 * In a stripped file gcc's .cold parts have no symbol, only an FDE. The CFI at the start of a
 * real function says CFA = sp+8 (the return address was just pushed); a fragment starts inside
 * its parent's frame. Fragments are analysed as part of the functions that reach them, with the
 * state those jumps carry. (A cold part entered from a frameless point looks like a function
 * by its CFI; walk.c adopts such code when a jump lands in its middle.)
 *
 * A fragment no function reaches is code entered some other way: ld.so's lazy-binding
 * trampolines (_dl_runtime_resolve_*) are entered by PLT0 with two words pushed above the return
 * address, so their CFI starts at CFA = sp+24. For such code the CFI at the first instruction is
 * kept as an entry hint (the driver analyses the fragment from it when no function adopted it),
 * but only when it is plain: CFA = sp+N, the return address where a call leaves it, every other
 * register unchanged, undefined or saved in the frame. Anything else stays unanalysed.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <stdlib.h>
#include <string.h>

#include "elf/image.h"
#include "common/vec.h"

/* Does the CFI row say CFA = sp + (what a call leaves), as at a function's entry? */
static bool is_entry_cfa(const struct ts_image *img, Dwarf_Frame *frame, size_t *nops)
{
	Dwarf_Op *ops = NULL;
	*nops = 0;
	return dwarf_frame_cfa(frame, &ops, nops) == 0 && *nops == 1 && ops[0].atom == DW_OP_bregx &&
	       ops[0].number == img->arch->sp && (int64_t)ops[0].number2 == -img->arch->entry_sp_offset;
}

/* Is the row's CFA another register plus a constant, neither the stack nor the frame pointer, so
 * no frame of a function? (glibc's arm64 __longjmp puts it on x0, the jmp_buf it loads: another
 * context. A DRAP frame's CFA is an expression on the frame pointer.) */
static bool other_reg_cfa(const struct ts_image *img, Dwarf_Frame *frame)
{
	Dwarf_Op *ops = NULL;
	size_t nops = 0;
	return dwarf_frame_cfa(frame, &ops, &nops) == 0 && nops == 1 && ops[0].atom == DW_OP_bregx &&
	       ops[0].number != img->arch->sp && ops[0].number != img->arch->fp;
}

/* The CFI row at a fragment's start as an entry hint, when it is plain (see the top). */
static bool plain_hint(const struct ts_image *img, Dwarf_Frame *frame, uint64_t addr, struct ts_entry_hint *h)
{
	const struct ts_arch *a = img->arch;
	Dwarf_Op *ops = NULL;
	size_t nops = 0;
	memset(h, 0, sizeof(*h));
	h->addr = addr;
	if (dwarf_frame_cfa(frame, &ops, &nops) || nops != 1 || ops[0].atom != DW_OP_bregx || ops[0].number != a->sp)
		return false;
	int64_t cfa = (int64_t)ops[0].number2;
	if (cfa < -a->entry_sp_offset || cfa > 4096 || cfa % 8)
		return false;
	h->sp_off = (int32_t)-cfa;
	for (unsigned r = 0; r < a->nregs; r++) {
		if (r == a->sp)
			continue;
		Dwarf_Op mem[3];
		ops = NULL;
		nops = 0;
		if (dwarf_frame_register(frame, (int)r, mem, &ops, &nops))
			return false;
		/* libdw: no operations and ops at our buffer = undefined, NULL ops = same value */
		bool same = nops == 0 && ops != mem, undefined = nops == 0 && ops == mem;
		int64_t off = 0;
		bool at_cfa = false;
		if (nops == 1 && ops[0].atom == DW_OP_call_frame_cfa)
			at_cfa = true;
		else if (nops == 2 && ops[0].atom == DW_OP_call_frame_cfa && ops[1].atom == DW_OP_plus_uconst)
			at_cfa = true, off = (int64_t)ops[1].number;
		else if (nops == 3 && ops[0].atom == DW_OP_call_frame_cfa &&
			 (ops[1].atom == DW_OP_consts || ops[1].atom == DW_OP_constu) && ops[2].atom == DW_OP_plus)
			at_cfa = true, off = (int64_t)ops[1].number;
		if (r == a->ra) {
			/* where the call left it, or this is no frame a caller made */
			if (a->ra_in_reg ? !same : !(at_cfa && off == a->ra_cfa_offset))
				return false;
			continue;
		}
		if (same)
			continue;
		if (undefined) {
			if ((a->callee_saved >> r) & 1)
				h->lost |= 1ull << r;
			continue;
		}
		/* saved in this frame: above the stack pointer, below the return address */
		if (!at_cfa || off >= a->ra_cfa_offset || off < h->sp_off || off % 8 || h->nsaved == TS_HINT_MAX_SAVED)
			return false;
		h->saved_reg[h->nsaved] = (uint8_t)r;
		h->saved_off[h->nsaved++] = (int32_t)off;
	}
	return true;
}

static void add_hint(struct ts_image *img, const struct ts_entry_hint *h)
{
	if (TS_GROW(img->hints, img->nhints, img->caphints, 16))
		return; /* the fragment stays unanalysed: unreliable, never wrong */
	img->hints[img->nhints++] = *h;
}

/* Code at addr is entered by a lazy PLT's jump: its entry state is the one the PLT leaves (see
 * mark_plt_entered). */
static void add_plt_entry_hint(struct ts_image *img, uint64_t addr)
{
	const struct ts_arch *a = img->arch;
	struct ts_entry_hint h = { .addr = addr, .sp_off = -(int32_t)a->plt_entry_pushed, .flags = TS_HINT_PLT_ENTRY };
	if (a->ra_in_reg && a->plt_entry_ra_slot) {
		h.saved_reg[0] = (uint8_t)a->ra;
		h.saved_off[0] = a->plt_entry_ra_slot;
		h.nsaved = 1;
	}
	add_hint(img, &h);
}

/*
 * The lazy-binding trampoline of a dynamic ld.so, which has no symbol for it: code whose CFI says
 * that the return address is saved above the CFA, where no call leaves it, at the slot a lazy
 * PLT stores it in (arm64: glibc's dl-trampoline.S takes the stack pointer after PLT0's `stp x16,
 * x30, [sp, #-16]!` as its CFA and says "x30 at cfa+8"; after a leading nop, BTI_C without BTI,
 * its first row is a plain entry). Only on a link-register machine with such a PLT: elsewhere
 * the trampolines' CFI is a plain hint already (x86-64: CFA = sp + 24).
 */
static bool plt_entered_by_cfi(const struct ts_image *img, Dwarf_CFI *cfi, const struct ts_func *f, const uint8_t *code,
			       size_t avail)
{
	const struct ts_arch *a = img->arch;
	if (!a->ra_in_reg || !a->plt_entry_pushed || !a->plt_entry_ra_slot)
		return false;
	uint64_t at = f->addr;
	if (code && a->lp_nop_len && avail > a->lp_nop_len && f->size > a->lp_nop_len &&
	    !memcmp(code, a->lp_nop, a->lp_nop_len))
		at += a->lp_nop_len;
	Dwarf_Frame *frame = NULL;
	if (dwarf_cfi_addrframe(cfi, at, &frame) != 0)
		return false;
	size_t nops = 0;
	Dwarf_Op mem[3], *ops = NULL;
	bool yes = is_entry_cfa(img, frame, &nops) && !dwarf_frame_register(frame, (int)a->ra, mem, &ops, &nops) &&
		   nops == 2 && ops[0].atom == DW_OP_call_frame_cfa && ops[1].atom == DW_OP_plus_uconst &&
		   (int64_t)ops[1].number == (int64_t)a->plt_entry_pushed + a->entry_sp_offset + a->plt_entry_ra_slot;
	free(frame);
	return yes;
}

static int cmp_hint(const void *x, const void *y)
{
	const struct ts_entry_hint *a = x, *b = y;
	return a->addr < b->addr ? -1 : a->addr > b->addr;
}

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
		size_t nops = 0;
		if (dwarf_cfi_addrframe(cfi, f->addr, &frame) != 0)
			continue;
		bool entry = is_entry_cfa(img, frame, &nops);
		bool nop_pad = false;
		/* gcc starts a cold part whose first instruction is a landing pad with a nop (a
		 * landing pad at offset 0 would read as "none"); the FDE's first row then describes
		 * the nop alone, and the fragment's frame shows from the next byte on. A frame: a
		 * function that starts with a nop (glibc's arm64 BTI_C without BTI) and then says
		 * where another context is (__longjmp: CFA = x0, the jmp_buf) is no cold part */
		size_t avail;
		const uint8_t *code = ts_image_bytes(img, f->addr, &avail);
		const struct ts_arch *a = img->arch;
		size_t nl = a->lp_nop_len;
		if (entry && code && nl && avail > nl && f->size > nl && !memcmp(code, a->lp_nop, nl)) {
			Dwarf_Frame *next = NULL;
			size_t n2 = 0;
			if (dwarf_cfi_addrframe(cfi, f->addr + nl, &next) == 0 && !is_entry_cfa(img, next, &n2) && n2 >= 1 &&
			    !other_reg_cfa(img, next)) {
				entry = false;
				nop_pad = true;
				nops = n2;
			}
			free(next);
		}
		if (entry && plt_entered_by_cfi(img, cfi, f, code, avail))
			add_plt_entry_hint(img, f->addr);
		if (!entry && nops >= 1) {
			f->flags |= TS_FUNC_FRAGMENT;
			f->parent = -1; /* found by the jumps into it */
			struct ts_entry_hint h;
			/* (after a landing-pad nop the first row is not the fragment's state) */
			if (!nop_pad && plain_hint(img, frame, f->addr, &h))
				add_hint(img, &h);
		}
		free(frame);
	}
	dwarf_cfi_end(cfi);
}

/*
 * ld.so's lazy-binding trampolines as linked into static executables (libc.a keeps them for
 * dlopen), where they have symbols: entered by a lazy PLT's jump (through the GOT slot ld.so
 * fills in), never by a call, with the words the PLT pushed on the stack. Their CFI does not
 * always say so: glibc's arm64 dl-trampoline.S takes the stack pointer after PLT0's `stp x16,
 * x30, [sp, #-16]!` as its CFA (the return address at CFA+8, above it, in _dl_runtime_resolve;
 * not at all in _dl_runtime_profile, whose first rows read as an ordinary entry), while the
 * code pops those 16 bytes before its `br x16`. So the entry state comes from the machine's
 * PLT (plt_entry_pushed: what the stubs push; plt_entry_ra_slot: where PLT0 stored the link
 * register), as objtool's hints give it for such code. glibc's names: x86-64's
 * _dl_runtime_resolve_{xsave,xsavec,fxsave} and _dl_runtime_profile_{avx512,avx,sse},
 * arm64's _dl_runtime_resolve and _dl_runtime_profile.
 */
static bool plt_entered_name(const char *name)
{
	return name && (!strncmp(name, "_dl_runtime_resolve", 19) || !strncmp(name, "_dl_runtime_profile", 19));
}

static void mark_plt_entered(struct ts_image *img)
{
	const struct ts_arch *a = img->arch;
	if (!a->plt_entry_pushed)
		return;
	for (size_t i = 0; i < img->nfuncs; i++) {
		const struct ts_func *f = &img->funcs[i];
		if ((f->flags & (TS_FUNC_FROM_FDE | TS_FUNC_FRAGMENT)) || !f->size || !plt_entered_name(f->name))
			continue;
		add_plt_entry_hint(img, f->addr);
	}
}

/*
 * Hand-written code may have several entry points in one FDE (glibc's memmove variants share
 * their tails); an IFUNC resolver picks one with `lea entry(%rip)`. In a stripped file those
 * entries have no symbol: collect addresses taken that way inside another FDE-only function,
 * other than its start, so the analysis can start there too.
 */

/* An address function i may take that would be an alternate entry point. */
static bool alt_entry_target(const struct ts_image *img, size_t i, uint64_t t)
{
	int g = ts_image_func_at(img, t);
	return g >= 0 && (size_t)g != i && img->funcs[g].addr != t && (img->funcs[g].flags & TS_FUNC_FROM_FDE) &&
	       !(img->funcs[g].flags & TS_FUNC_FRAGMENT);
}

/* A direct jump's target in the middle of another function (not a fragment: those are parts of
 * the functions that jump there). Compiled code never jumps into another function's middle;
 * hand-written code does (glibc's memmove into memcpy, symbols or not). */
static bool alt_branch_target(const struct ts_image *img, size_t i, uint64_t t)
{
	int g = ts_image_func_at(img, t);
	return g >= 0 && (size_t)g != i && img->funcs[g].addr != t && !(img->funcs[g].flags & TS_FUNC_FRAGMENT);
}

struct candidates {
	const struct ts_image *img;
	size_t func;
	bool any;
};

static bool candidate(void *ctx, uint64_t t)
{
	struct candidates *c = ctx;
	c->any = alt_entry_target(c->img, c->func, t);
	return !c->any; /* one is enough to look closely */
}

/*
 * Is uop u an absolute address a pass over the code must look at? Then in *t. On a machine whose
 * LEA may be only a page (lea_pages: arm64 `adrp x1, page; add x1, x1, #lo12`), a page-aligned
 * LEA is remembered per register and the ADDI that completes it gives the address: the page alone
 * is the start of whatever function the page begins in, not a reference to it.
 */
bool ts_uop_address(const struct ts_arch *a, const struct ts_uop *u, struct ts_page_pairs *pp, uint64_t *t)
{
	bool lea = u->kind == TS_UOP_LEA && u->mem.abs;
	if (!a->lea_pages) {
		*t = (uint64_t)u->mem.disp;
		return lea;
	}
	if (u->dst >= TS_MAX_REGS)
		return false;
	if (lea && !(u->mem.disp & 0xfff)) {
		pp->page[u->dst] = (uint64_t)u->mem.disp;
		pp->paged |= 1ull << u->dst;
		return false;
	}
	/* `add x0, x0, :lo12:f` of an f at the start of a page adds 0: the decoder's `mov x0, x0` */
	bool pair = u->src < TS_MAX_REGS && ((pp->paged >> u->src) & 1) &&
		    (u->kind == TS_UOP_ADDI || (u->kind == TS_UOP_MOV && u->dst == u->src));
	if (pair)
		*t = pp->page[u->src] + (u->kind == TS_UOP_ADDI ? (uint64_t)u->imm : 0);
	else if (lea)
		*t = (uint64_t)u->mem.disp;
	if (u->kind != TS_UOP_STORE)
		pp->paged &= ~(1ull << u->dst);
	return pair || lea;
}

static void collect_alt_entries(struct ts_image *img)
{
	for (size_t i = 0; i < img->nfuncs; i++) {
		const struct ts_func *f = &img->funcs[i];
		size_t avail;
		const uint8_t *code = ts_image_bytes(img, f->addr, &avail);
		if (!code)
			continue;
		uint64_t end = f->addr + (f->size < avail ? f->size : avail);
		/* Few functions take such an address: the bytes alone rule most out (a superset of
		 * what decoding finds), and only the others are decoded. */
		if (img->arch->address_candidates) {
			struct candidates c = { img, i, false };
			img->arch->address_candidates(code, end - f->addr, f->addr, candidate, &c);
			if (!c.any)
				continue;
		}
		struct ts_page_pairs pp = { .paged = 0 }; /* lea_pages: the page an LEA put into a register */
		/* direct jumps too, where no byte filter skips functions (the filter looks for
		 * addresses only): glibc's arm64 memmove variants branch into the middle of the memcpy
		 * that follows them (`b.lo L(move_long)`), code no path of memcpy's own reaches */
		unsigned want = img->arch->address_candidates ? TS_SCAN_ADDRESS : TS_SCAN_ADDRESS | TS_SCAN_FLOW;
		for (uint64_t a = f->addr; a < end;) {
			struct ts_insn in;
			const uint8_t *p = code + (a - f->addr);
			unsigned scan = want;
			/* the length alone for most instructions: this pass reads every byte of code
			 * before the analysis starts, on one thread */
			unsigned len = img->arch->length ? img->arch->length(img->dec, p, end - a, &scan) : 0;
			in.flow = TS_FLOW_NEXT;
			if (scan & want)
				len = img->arch->decode(img->dec, p, end - a, a, &in);
			else
				in.nuops = 0;
			a += len ? len : 1;
			if ((want & TS_SCAN_FLOW) && len && (in.flow == TS_FLOW_JUMP || in.flow == TS_FLOW_JCC) &&
			    alt_branch_target(img, i, in.target)) {
				if (TS_GROW(img->alt_entries, img->nalt_entries, img->capalt_entries, 64))
					return;
				img->alt_entries[img->nalt_entries++] = in.target;
			}
			for (unsigned k = 0; k < in.nuops; k++) {
				const struct ts_uop *u = &in.uops[k];
				uint64_t t;
				if (!ts_uop_address(img->arch, u, &pp, &t))
					continue;
				if (!alt_entry_target(img, i, t))
					continue;
				if (TS_GROW(img->alt_entries, img->nalt_entries, img->capalt_entries, 64))
					return; /* fewer entries: their code is then reported, not hidden */
				img->alt_entries[img->nalt_entries++] = t;
			}
		}
	}
	ts_sort_u64(img->alt_entries, img->nalt_entries);
}

void ts_image_mark_fde_fragments(struct ts_image *img)
{
	bool any = false;
	for (size_t i = 0; i < img->nfuncs && !any; i++)
		any = (img->funcs[i].flags & TS_FUNC_FROM_FDE) != 0;
	if (img->rel)
		return;
	if (any)
		mark_by_cfi(img);
	mark_plt_entered(img);
	if (img->nhints)
		qsort(img->hints, img->nhints, sizeof(*img->hints), cmp_hint);
	/* where the pre-scan decodes every instruction anyway (no byte filter), its direct jumps
	 * into other functions' middles are entries with or without FDE-only code */
	if (any || !img->arch->address_candidates)
		collect_alt_entries(img);
}
