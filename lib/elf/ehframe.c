/*
 * ehframe.c - what .eh_frame tells besides unwind rules:
 *  - function bounds: stripped files and shared libraries that export only some symbols
 *    (libc.so.6 has only .dynsym) still describe every compiled function with an FDE. Each
 *    FDE range that no symbol covers becomes a function named "fde@ADDR", so no code is
 *    silently left out of the analysis;
 *  - C++ landing pads: an FDE's LSDA (.gcc_except_table) lists, for ranges of call sites, the
 *    code an exception thrown through the call continues at. No branch leads there. Where the
 *    call pushed arguments, the FDE's DW_CFA_GNU_args_size says how many bytes: the landing
 *    pad runs with them popped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf/image.h"
#include "trustack.h"
#include "common/vec.h"

struct cursor {
	const uint8_t *p, *end;
	uint64_t addr; /* address of *p */
	bool bad;
	bool be;       /* the file is big-endian */
};

static uint64_t rd(struct cursor *c, unsigned n)
{
	uint64_t v = 0;
	if ((size_t)(c->end - c->p) < n) {
		c->bad = true;
		c->p = c->end;
		return 0;
	}
	if (c->be)
		for (unsigned i = 0; i < n; i++)
			v = v << 8 | c->p[i];
	else
		for (unsigned i = 0; i < n; i++)
			v |= (uint64_t)c->p[i] << 8 * i;
	c->p += n;
	c->addr += n;
	return v;
}

static uint64_t uleb(struct cursor *c)
{
	uint64_t v = 0;
	unsigned shift = 0;
	while (c->p < c->end) {
		uint8_t b = *c->p++;
		c->addr++;
		if (shift < 64)
			v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80))
			return v;
	}
	c->bad = true;
	return v;
}

static int64_t sleb(struct cursor *c)
{
	int64_t v = 0;
	unsigned shift = 0;
	uint8_t b = 0;
	while (c->p < c->end) {
		b = *c->p++;
		c->addr++;
		if (shift < 64)
			v |= (int64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80)) {
			if (shift < 64 && (b & 0x40))
				v |= -((int64_t)1 << shift);
			return v;
		}
	}
	c->bad = true;
	return v;
}

/* Decode a DW_EH_PE_* encoded pointer; pcrel is the only relative form used in practice. */
static uint64_t enc_ptr(struct cursor *c, uint8_t enc, bool value_only)
{
	uint64_t at = c->addr, v;
	if (enc == 0xff) /* DW_EH_PE_omit */
		return 0;
	switch (enc & 0x0f) {
	case 0x00: v = rd(c, 8); break;
	case 0x01: v = uleb(c); break;
	case 0x02: v = rd(c, 2); break;
	case 0x03: v = rd(c, 4); break;
	case 0x04: v = rd(c, 8); break;
	case 0x09: v = (uint64_t)sleb(c); break;
	case 0x0a: v = (uint64_t)(int64_t)(int16_t)rd(c, 2); break;
	case 0x0b: v = (uint64_t)(int64_t)(int32_t)rd(c, 4); break;
	case 0x0c: v = rd(c, 8); break;
	default: c->bad = true; return 0;
	}
	if (!value_only && (enc & 0x70) == 0x10)
		v += at;
	return v;
}

struct cie_info {
	uint64_t off;
	uint64_t caf;     /* code alignment factor */
	uint8_t fde_enc;
	uint8_t lsda_enc; /* 0xff: the CIE has no 'L' */
	bool aug_z;
};

static bool parse_cie(const uint8_t *base, size_t size, uint64_t secaddr, uint64_t off, bool be, struct cie_info *ci)
{
	if (off >= size)
		return false; /* a CIE pointer outside the section */
	struct cursor c = { base + off, base + size, secaddr + off, false, be };
	uint64_t len = rd(&c, 4);
	if (len == 0xffffffffu)
		len = rd(&c, 8);
	if (c.bad || len > (size_t)(c.end - c.p))
		return false; /* checked before forming the end pointer, which must stay in bounds */
	c.end = c.p + len;
	if (rd(&c, 4) != 0) /* CIE id */
		return false;
	uint8_t version = (uint8_t)rd(&c, 1);
	const char *aug = (const char *)c.p;
	size_t auglen = strnlen(aug, (size_t)(c.end - c.p));
	if (auglen == (size_t)(c.end - c.p))
		return false;
	c.p += auglen + 1;
	c.addr += auglen + 1;
	if (strstr(aug, "eh"))
		rd(&c, 8);
	ci->caf = uleb(&c);
	sleb(&c);
	if (version == 1)
		rd(&c, 1);
	else
		uleb(&c);
	ci->off = off;
	ci->fde_enc = 0; /* absptr */
	ci->lsda_enc = 0xff;
	ci->aug_z = aug[0] == 'z';
	if (ci->aug_z) {
		uleb(&c);
		for (const char *a = aug + 1; *a && !c.bad; a++) {
			if (*a == 'R')
				ci->fde_enc = (uint8_t)rd(&c, 1);
			else if (*a == 'P') {
				uint8_t e = (uint8_t)rd(&c, 1);
				enc_ptr(&c, e & 0x7f, false);
			} else if (*a == 'L')
				ci->lsda_enc = (uint8_t)rd(&c, 1);
			else if (*a != 'S' && *a != 'B')
				break;
		}
	}
	return !c.bad;
}

/* The symbol's function at addr has an .eh_frame FDE (functions are still in symbol order,
 * which is address order: build_functions). Only a Go program asks (ts_image_func_arch). */
static void mark_eh_cfi(struct ts_image *img, uint64_t addr)
{
	if (!img->go)
		return;
	size_t lo = 0, hi = img->nfuncs;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (img->funcs[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < img->nfuncs && img->funcs[lo].addr == addr)
		img->funcs[lo].flags |= TS_FUNC_EH_CFI;
}

static int add_fde_func(struct ts_image *img, uint64_t start, uint64_t size, size_t *cap)
{
	const struct ts_section *s = ts_image_section_at(img, start);
	if (!s || !s->exec || !size || start + size > s->addr + s->size)
		return 0;
	/* the linker's FDEs for PLT stubs: stubs are not functions with the usual entry state */
	if (!strncmp(s->name, ".plt", 4))
		return 0;
	/* covered by a function symbol? (symbols are sorted by address; look at the few before) */
	size_t lo = 0, hi = img->nsyms;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (img->syms[mid].addr <= start)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t k = 0; k < 32 && lo > k; k++) {
		const struct ts_symbol *y = &img->syms[lo - 1 - k];
		if ((y->type == STT_FUNC || y->type == STT_GNU_IFUNC) && start < y->addr + (y->size ? y->size : 1)) {
			mark_eh_cfi(img, y->addr);
			return 0;
		}
	}
	if (TS_GROW(img->funcs, img->nfuncs, *cap, 64))
		return -TRUSTACK_E_NOMEM;
	char *buf = malloc(32);
	if (!buf)
		return -TRUSTACK_E_NOMEM;
	snprintf(buf, 32, "fde@0x%llx", (unsigned long long)(img->rel ? start - s->addr : start));
	const char *name = ts_image_own_name(img, buf);
	if (!name)
		return -TRUSTACK_E_NOMEM;
	struct ts_func *f = &img->funcs[img->nfuncs++];
	memset(f, 0, sizeof(*f));
	f->name = name;
	f->addr = start;
	f->size = size;
	f->sec = (uint32_t)(s - img->secs);
	f->parent = -1;
	f->flags = TS_FUNC_FROM_FDE;
	return 0;
}

static int split_glued(struct ts_image *img, size_t *cap, size_t f);

/*
 * Code a linked file starts from that neither a symbol nor an FDE covers: the ELF entry point
 * (ld.so's RTLD_START is hand-written assembly without CFI, in a file without .symtab), and the
 * constructors and destructors of .init_array/.fini_array (crtstuff's frame_dummy and
 * __do_global_dtors_aux have no FDE, and a stripped library no symbol for them). Each becomes a
 * function "PREFIX@ADDR" up to the next known function, so its code is analysed and the unwinder
 * has rows for it (an exit runs __do_global_dtors_aux of every library).
 */
static int add_start_func(struct ts_image *img, size_t *cap, uint64_t e, const char *prefix)
{
	const struct ts_section *s = e && !img->rel ? ts_image_section_at(img, e) : NULL;
	if (!s || !s->exec)
		return 0;
	uint64_t end = s->addr + s->size;
	for (size_t i = 0; i < img->nfuncs; i++) {
		const struct ts_func *f = &img->funcs[i];
		if (f->addr <= e && e < f->addr + (f->size ? f->size : 1))
			return 0;
		if (f->addr > e && f->addr < end)
			end = f->addr;
	}
	for (size_t i = 0; i < img->nsyms; i++) {
		const struct ts_symbol *y = &img->syms[i];
		if (y->type != STT_FUNC && y->type != STT_GNU_IFUNC)
			continue;
		if (y->addr <= e && e < y->addr + (y->size ? y->size : 1))
			return 0;
		if (y->addr > e && y->addr < end)
			end = y->addr;
	}
	int rc = add_fde_func(img, e, end - e, cap);
	if (rc || !img->nfuncs || img->funcs[img->nfuncs - 1].addr != e)
		return rc;
	char *buf = malloc(32);
	if (!buf)
		return -TRUSTACK_E_NOMEM;
	snprintf(buf, 32, "%s@0x%llx", prefix, (unsigned long long)e);
	const char *name = ts_image_own_name(img, buf);
	if (!name)
		return -TRUSTACK_E_NOMEM;
	img->funcs[img->nfuncs - 1].name = name;
	img->funcs[img->nfuncs - 1].flags = 0; /* not from an FDE: no CFI describes it */
	return split_glued(img, cap, img->nfuncs - 1);
}

/*
 * Code with neither a symbol nor an FDE after a start function (hand-written assembly in a
 * stripped library: libdav1d's nasm functions follow crtstuff's frame_dummy) is glued onto that
 * function up to the next known one, a pseudo-function never analysed as the functions it holds
 * (each of them "unreachable"), with no unwind rows of their own. Where the rest of the file
 * shows a function starts there, it does: the target of a direct call, or an address code
 * outside the stretch computes (`lea f(%rip)`: a function stored as a pointer, dav1d's DSP
 * tables); or a code address stored in data (add_data_starts). Each becomes a function
 * "call@ADDR", or "data@ADDR" when only data points at it (finish_functions sizes it up to the
 * next start). The file's code is scanned only when a stretch is longer than start functions are.
 */
#define GLUED_MIN 4096

static void note_start(uint64_t **v, size_t *n, size_t *cap, uint64_t t, uint64_t lo, uint64_t hi, bool *nomem)
{
	if (t <= lo || t >= hi || *nomem)
		return;
	if (TS_GROW(*v, *n, *cap, 64)) {
		*nomem = true;
		return;
	}
	(*v)[(*n)++] = t;
}

/* Sort v and drop repeats: the count left. */
static size_t sort_unique(uint64_t *v, size_t n)
{
	if (n)
		ts_sort_u64(v, n);
	size_t u = 0;
	for (size_t i = 0; i < n; i++)
		if (!u || v[i] != v[u - 1])
			v[u++] = v[i];
	return u;
}

static bool sorted_has(const uint64_t *v, size_t n, uint64_t x)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo] == x;
}

/* Function starts inside [lo, hi) the code of the file's executable sections shows: the targets
 * of direct calls and the addresses code outside the stretch computes (sorted, into *out). And
 * those bound by the psABI (sorted, into *public): every address inside the stretch that code
 * computes, from inside too, and the targets of calls from outside it (compiled code, whose
 * compiler assumes the psABI of every function it calls). The others are private
 * (TS_FUNC_PRIVATE): only the hand-written code around them calls them. */
static int glued_starts(const struct ts_image *img, uint64_t lo, uint64_t hi, uint64_t **out, size_t *nout,
			uint64_t **public, size_t *npublic)
{
	uint64_t *v = NULL, *t = NULL;
	size_t n = 0, cap = 0, nt = 0, capt = 0;
	bool nomem = false;
	for (size_t k = 1; k < img->nsecs && !nomem; k++) {
		const struct ts_section *s = &img->secs[k];
		if (!s->exec || !s->data || !strncmp(s->name, ".plt", 4))
			continue;
		for (uint64_t off = 0; off < s->size && !nomem;) {
			uint64_t at = s->addr + off;
			unsigned scan = TS_SCAN_ADDRESS | TS_SCAN_FLOW;
			unsigned len = img->arch->length ? img->arch->length(img->dec, s->data + off, s->size - off, &scan) : 0;
			struct ts_insn in;
			in.nuops = 0;
			in.flow = TS_FLOW_NEXT;
			if (!img->arch->length || scan)
				len = img->arch->decode(img->dec, s->data + off, s->size - off, at, &in);
			if (in.flow == TS_FLOW_CALL)
				note_start(&v, &n, &cap, in.target, lo, hi, &nomem);
			if (in.flow == TS_FLOW_CALL && (at < lo || at >= hi))
				note_start(&t, &nt, &capt, in.target, lo, hi, &nomem);
			for (unsigned q = 0; q < in.nuops; q++) {
				const struct ts_uop *o = &in.uops[q];
				if (o->kind != TS_UOP_LEA || !o->mem.abs || o->mem.base != TS_REG_NONE ||
				    o->mem.index != TS_REG_NONE)
					continue;
				if (at < lo || at >= hi)
					note_start(&v, &n, &cap, (uint64_t)o->mem.disp, lo, hi, &nomem);
				note_start(&t, &nt, &capt, (uint64_t)o->mem.disp, lo, hi, &nomem);
			}
			off += len ? len : 1;
		}
	}
	if (nomem) {
		free(v);
		free(t);
		return -TRUSTACK_E_NOMEM;
	}
	*out = v;
	*nout = sort_unique(v, n);
	*public = t;
	*npublic = sort_unique(t, nt);
	return 0;
}

/*
 * Code addresses stored in data that point into the stretch (a position-independent file's
 * RELATIVE relocations: image.c code_refs) start functions too: code entered only through a
 * pointer, never called or computed by code (libdav1d's assembly functions, whose addresses C
 * code loads from the GOT). The starts of glued_starts (sorted, *n of them) with these merged
 * in, sorted. Not in a non-PIE executable: its code_refs are a guess (every aligned word of
 * data that looks like a code address), good for a computed goto's targets, where a wrong one
 * costs an edge, not for cutting code into functions; and the stretches there are GHC's code
 * (shellcheck), whose functions keep the Haskell stack in %rbp and enter each other by jumps:
 * split, each would be reported as a tail call with %rbp changed.
 */
static int add_data_starts(const struct ts_image *img, uint64_t lo, uint64_t hi, uint64_t **v, size_t *n)
{
	if (img->ehdr.e_type == ET_EXEC)
		return 0;
	const uint64_t *refs;
	size_t nrefs = ts_image_code_refs(img, lo + 1, hi, &refs), m = *n, cap = *n;
	for (size_t k = 0; k < nrefs; k++) {
		if (TS_GROW(*v, m, cap, 64))
			return -TRUSTACK_E_NOMEM;
		(*v)[m++] = refs[k];
	}
	*n = sort_unique(*v, m);
	return 0;
}

static int split_glued(struct ts_image *img, size_t *cap, size_t f)
{
	if (!img->dec || img->funcs[f].size < GLUED_MIN)
		return 0;
	uint64_t lo = img->funcs[f].addr, hi = lo + img->funcs[f].size, *starts = NULL, *calls = NULL, *public = NULL;
	uint32_t sec = img->funcs[f].sec;
	size_t n = 0, ncalls, npublic = 0;
	int rc = glued_starts(img, lo, hi, &starts, &n, &public, &npublic);
	if (!rc && n && !(calls = malloc(n * sizeof(*calls))))
		rc = -TRUSTACK_E_NOMEM;
	if (calls)
		memcpy(calls, starts, n * sizeof(*calls));
	ncalls = n;
	if (!rc)
		rc = add_data_starts(img, lo, hi, &starts, &n);
	if (rc || !n) {
		free(starts);
		free(calls);
		free(public);
		return rc;
	}
	img->funcs[f].size = starts[0] - lo;
	for (size_t i = 0; i < n && !rc; i++) {
		char *buf = malloc(32);
		const char *name = NULL;
		if (buf) {
			/* data@: entered only through a pointer in data */
			snprintf(buf, 32, "%s@0x%llx", sorted_has(calls, ncalls, starts[i]) ? "call" : "data",
				 (unsigned long long)starts[i]);
			name = ts_image_own_name(img, buf);
		}
		if (!name || TS_GROW(img->funcs, img->nfuncs, *cap, 64)) {
			rc = -TRUSTACK_E_NOMEM;
			break;
		}
		struct ts_func *g = &img->funcs[img->nfuncs++];
		memset(g, 0, sizeof(*g));
		g->name = name;
		g->addr = starts[i];
		g->size = (i + 1 < n ? starts[i + 1] : hi) - starts[i];
		g->sec = sec;
		g->parent = -1; /* not from an FDE, no CFI describes it */
		g->flags = TS_FUNC_GLUED;
		const uint64_t *ref;
		if (sorted_has(calls, ncalls, starts[i]) && !sorted_has(public, npublic, starts[i]) &&
		    !ts_image_code_refs(img, starts[i], starts[i] + 1, &ref))
			g->flags |= TS_FUNC_PRIVATE; /* only direct calls enter it */
	}
	free(starts);
	free(calls);
	free(public);
	return rc;
}

static int add_start_funcs(struct ts_image *img, size_t *cap)
{
	int rc = add_start_func(img, cap, img->ehdr.e_entry, "entry");
	for (size_t i = 0; i < img->nsecs && !rc && !img->rel; i++) {
		const struct ts_section *s = &img->secs[i];
		bool init = s->name && !strcmp(s->name, ".init_array"), fini = s->name && !strcmp(s->name, ".fini_array");
		if (!init && !fini)
			continue;
		/* the linker writes the addresses into the section too (the relocations' addends) */
		for (uint64_t at = s->addr; at + 8 <= s->addr + s->size && at - s->addr < 8 * 64 && !rc; at += 8) {
			uint64_t v;
			if (ts_image_read(img, at, 8, &v) && v && v != (uint64_t)-1)
				rc = add_start_func(img, cap, v, init ? "init" : "fini");
		}
	}
	return rc;
}

static int add_site(struct ts_image *img, uint64_t start, uint64_t end, uint64_t lp)
{
	if (TS_GROW(img->lsda, img->nlsda, img->caplsda, 64))
		return -TRUSTACK_E_NOMEM;
	img->lsda[img->nlsda++] = (struct ts_lsda_site){ start, end, lp };
	return 0;
}

/* Read the call-site table of the LSDA at addr, for the function starting at func. A
 * malformed table contributes what it could read: the landing pads are then reported as
 * unreachable, never silently accepted. */
static int parse_lsda(struct ts_image *img, uint64_t addr, uint64_t func)
{
	size_t avail;
	const uint8_t *p = ts_image_bytes(img, addr, &avail);
	if (!p)
		return 0;
	struct cursor c = { p, p + avail, addr, false, img->big_endian };
	uint8_t lpstart_enc = (uint8_t)rd(&c, 1);
	uint64_t lpstart = lpstart_enc == 0xff ? func : enc_ptr(&c, lpstart_enc, false);
	uint8_t ttype_enc = (uint8_t)rd(&c, 1);
	if (ttype_enc != 0xff)
		uleb(&c);
	uint8_t cs_enc = (uint8_t)rd(&c, 1);
	uint64_t cs_len = uleb(&c);
	if (c.bad || cs_len > (size_t)(c.end - c.p))
		return 0;
	c.end = c.p + cs_len;
	while (c.p < c.end && !c.bad) {
		uint64_t start = enc_ptr(&c, cs_enc & 0x0f, true);
		uint64_t len = enc_ptr(&c, cs_enc & 0x0f, true);
		uint64_t lp = enc_ptr(&c, cs_enc & 0x0f, true);
		uleb(&c); /* action */
		if (c.bad)
			break;
		if (lp) {
			int rc = add_site(img, lpstart + start, lpstart + start + len, lpstart + lp);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int add_args_size(struct ts_image *img, uint64_t addr, uint64_t size)
{
	if (TS_GROW(img->argsz, img->nargsz, img->capargsz, 64))
		return -TRUSTACK_E_NOMEM;
	img->argsz[img->nargsz++] = (struct ts_args_size){ addr, size };
	return 0;
}

static void skip(struct cursor *c, uint64_t n)
{
	if (n > (uint64_t)(c->end - c->p)) {
		c->bad = true;
		c->p = c->end;
		return;
	}
	c->p += n;
	c->addr += n;
}

/*
 * The DW_CFA_GNU_args_size changes in the CFA program of an FDE [start, end) at c (only read for
 * functions with landing pads: the one thing it changes is where a landing pad's stack pointer
 * is). An exception resumes at the landing pad with the arguments pushed for the call already
 * popped (libgcc's uw_install_context_1 adds the target frame's args_size to its stack pointer;
 * LLVM's Rust and C++ code pushes arguments with `push`). The program is read up to an opcode we
 * do not know; what was read before stays.
 */
static int parse_args_size(struct ts_image *img, struct cursor *c, uint64_t start, uint64_t end,
			   const struct cie_info *ci)
{
	uint64_t loc = start;
	bool any = false;
	while (c->p < c->end && !c->bad) {
		uint8_t op = (uint8_t)rd(c, 1);
		switch (op >> 6) {
		case 1: loc += (op & 0x3f) * ci->caf; continue; /* advance_loc */
		case 2: uleb(c); continue;                    /* offset */
		case 3: continue;                             /* restore */
		}
		uint64_t n;
		switch (op) {
		case 0x00: case 0x0a: case 0x0b: break; /* nop, remember_state, restore_state */
		case 0x01: loc = enc_ptr(c, ci->fde_enc, false); break;
		case 0x02: loc += rd(c, 1) * ci->caf; break;
		case 0x03: loc += rd(c, 2) * ci->caf; break;
		case 0x04: loc += rd(c, 4) * ci->caf; break;
		case 0x05: case 0x09: case 0x0c: case 0x14: case 0x2f: uleb(c); uleb(c); break;
		case 0x06: case 0x07: case 0x08: case 0x0d: case 0x0e: uleb(c); break;
		case 0x11: case 0x12: case 0x15: uleb(c); sleb(c); break;
		case 0x13: sleb(c); break;
		case 0x0f: n = uleb(c); skip(c, n); break;                     /* def_cfa_expression */
		case 0x10: case 0x16: uleb(c); n = uleb(c); skip(c, n); break; /* (val_)expression */
		case 0x2e: { /* DW_CFA_GNU_args_size */
			n = uleb(c);
			if (c->bad)
				break;
			int rc = add_args_size(img, loc, n);
			if (rc)
				return rc;
			any = true;
			break;
		}
		default:
			c->bad = true; /* an opcode we do not know: its operands cannot be skipped */
		}
	}
	return any ? add_args_size(img, end, 0) : 0;
}

/* By address; at one address a change back to 0 (the end of an FDE) before the next FDE's own. */
static int cmp_args_size(const void *a, const void *b)
{
	const struct ts_args_size *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->size < y->size ? -1 : x->size > y->size;
}

uint64_t ts_image_args_size(const struct ts_image *img, uint64_t addr)
{
	size_t lo = 0, hi = img->nargsz;
	while (lo < hi) { /* the last change at or before addr */
		size_t mid = (lo + hi) / 2;
		if (img->argsz[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? img->argsz[lo - 1].size : 0;
}

static int cmp_site(const void *a, const void *b)
{
	const struct ts_lsda_site *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

uint64_t ts_image_landing_pad(const struct ts_image *img, uint64_t addr)
{
	size_t lo = 0, hi = img->nlsda;
	while (lo < hi) { /* the last site starting at or before addr */
		size_t mid = (lo + hi) / 2;
		if (img->lsda[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && addr < img->lsda[lo - 1].end)
		return img->lsda[lo - 1].lp;
	return 0;
}

int ts_image_load_fde_funcs(struct ts_image *img, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	const struct ts_section *eh = NULL;
	for (size_t i = 1; i < img->nsecs; i++)
		if (!strcmp(img->secs[i].name, ".eh_frame") && img->secs[i].data)
			eh = &img->secs[i];
	if (!eh)
		return 0;
	size_t cap = img->nsyms ? img->nsyms : 1; /* funcs was allocated with nsyms entries */
	struct cie_info ci = { .off = (uint64_t)-1 };
	uint64_t off = 0;
	while (off + 4 <= eh->size) {
		struct cursor c = { eh->data + off, eh->data + eh->size, eh->addr + off, false, img->big_endian };
		uint64_t len = rd(&c, 4);
		if (len == 0)
			break;
		if (len == 0xffffffffu)
			len = rd(&c, 8);
		uint64_t body = (uint64_t)(c.p - eh->data);
		if (c.bad || len > eh->size - body)
			break; /* malformed tail: the bounds we have so far stay */
		uint64_t next = body + len;
		uint64_t idpos = c.addr;
		uint32_t id = (uint32_t)rd(&c, 4);
		if (id != 0) {
			uint64_t cieoff = (idpos - eh->addr) - id;
			if (cieoff != ci.off && !parse_cie(eh->data, eh->size, eh->addr, cieoff, img->big_endian, &ci))
				ci.off = (uint64_t)-1;
			if (ci.off == cieoff) {
				c.end = eh->data + next;
				uint64_t start = enc_ptr(&c, ci.fde_enc, false);
				uint64_t range = enc_ptr(&c, ci.fde_enc & 0x0f, true);
				if (!c.bad) {
					int rc = add_fde_func(img, start, range, &cap);
					if (rc)
						return rc;
				}
				if (!c.bad && ci.aug_z && ci.lsda_enc != 0xff) {
					uint64_t auglen = uleb(&c); /* augmentation data length */
					struct cursor prog = c;      /* the CFA program follows the data */
					skip(&prog, auglen);
					uint64_t lsda = enc_ptr(&c, ci.lsda_enc, false);
					if (!c.bad && lsda) {
						int rc = parse_lsda(img, lsda, start);
						if (!rc && !prog.bad)
							rc = parse_args_size(img, &prog, start, start + range, &ci);
						if (rc)
							return rc;
					}
				}
			}
		}
		off = next;
	}
	if (img->nlsda)
		qsort(img->lsda, img->nlsda, sizeof(*img->lsda), cmp_site);
	if (img->nargsz)
		qsort(img->argsz, img->nargsz, sizeof(*img->argsz), cmp_args_size);
	return add_start_funcs(img, &cap);
}
