/*
 * cfi.c - the compiler's CFI (.eh_frame, .debug_frame) as a row source, read with libdw.
 *
 * libdw interprets the CFA programs; we only translate its answer (location expressions for the
 * CFA and for each register) into a trustack_row. Linked files are read in place. Relocatable
 * objects are not: their FDE addresses are relocations against .text, so we hand libdw a small
 * in-memory ELF holding the section with our relocations applied (.eh_frame: the image's
 * relocated copy at its synthetic address; .debug_frame: relocated here), and addresses then
 * line up with the analysis' synthetic ones.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "tables/source.h"

struct cfi_src {
	struct ts_source base;
	const struct ts_image *img;
	unsigned nslots;
	Dwarf **dw;        /* .debug_frame: one libdw handle per slot */
	Dwarf_CFI **cfi;   /* one CFI per slot (libdw caches FDEs in a tree without locks) */
	Elf **mini;        /* per slot: the in-memory ELF of an object's section */
	uint8_t *minibuf;  /* its bytes, shared (read-only) */
	Elf *owner_elf;    /* the ELF the CFI reads */
	struct ts_sign_range *sign; /* where the CFI says the return address is signed (arm64) */
	size_t nsign;
};

/* ---- translating libdw's answers ----------------------------------------------------------- */

/* A register rule as libdw gives it (a location expression) -> trustack_loc. With no operations,
 * libdw says "undefined" by pointing ops at the caller's buffer and "same value" by a NULL ops. */
static bool map_reg_rule(const Dwarf_Op *ops, size_t n, bool undefined_rule, struct trustack_loc *loc,
			 bool *undefined)
{
	*undefined = false;
	memset(loc, 0, sizeof(*loc));
	if (n == 0) {
		if (undefined_rule) {
			*undefined = true; /* DW_CFA_undefined */
			loc->kind = TRUSTACK_LOC_UNDEFINED;
		} else {
			loc->kind = TRUSTACK_LOC_SAME;
		}
		return true;
	}
	/* expression(E): libdw pushes the CFA first, as DWARF says; E = breg(R)+k ignores it and
	 * names the save slot at R+k (gcc's DRAP frames save FP this way) */
	if (n == 2 && ops[0].atom == DW_OP_call_frame_cfa && ops[1].atom >= DW_OP_breg0 && ops[1].atom <= DW_OP_breg31) {
		loc->kind = TRUSTACK_LOC_AT_REG;
		loc->reg = (uint8_t)(ops[1].atom - DW_OP_breg0);
		loc->offset = (int32_t)(int64_t)ops[1].number;
		return true;
	}
	/* offset(N): the value is saved at CFA+N */
	if (ops[0].atom == DW_OP_call_frame_cfa) {
		if (n == 1) {
			loc->kind = TRUSTACK_LOC_AT_CFA;
			return true;
		}
		if (n == 2 && ops[1].atom == DW_OP_plus_uconst) {
			loc->kind = TRUSTACK_LOC_AT_CFA;
			loc->offset = (int32_t)ops[1].number;
			return true;
		}
		if (n == 3 && (ops[1].atom == DW_OP_consts || ops[1].atom == DW_OP_constu) && ops[2].atom == DW_OP_plus) {
			loc->kind = TRUSTACK_LOC_AT_CFA;
			loc->offset = (int32_t)(int64_t)ops[1].number;
			return true;
		}
		return false;
	}
	/* register(R): the value is in register R */
	if (n == 1 && ops[0].atom >= DW_OP_reg0 && ops[0].atom <= DW_OP_reg31) {
		loc->kind = TRUSTACK_LOC_IN_REG;
		loc->reg = (uint8_t)(ops[0].atom - DW_OP_reg0);
		return true;
	}
	if (n == 1 && ops[0].atom == DW_OP_regx) {
		loc->kind = TRUSTACK_LOC_IN_REG;
		loc->reg = (uint8_t)ops[0].number;
		return true;
	}
	/* expression(E) of the form breg(R)+k: saved at R+k (realigned frames) */
	if (n == 1 && ops[0].atom >= DW_OP_breg0 && ops[0].atom <= DW_OP_breg31) {
		loc->kind = TRUSTACK_LOC_AT_REG;
		loc->reg = (uint8_t)(ops[0].atom - DW_OP_breg0);
		loc->offset = (int32_t)(int64_t)ops[0].number;
		return true;
	}
	return false;
}

/*
 * A CFA expression linear in a run-time factor (arm64's VG, ts_arch.dwarf_vg): gcc describes a
 * frame with SVE areas as `DW_CFA_def_cfa_expression: DW_OP_breg31 (sp) 0; DW_OP_consts 32;
 * DW_OP_plus; DW_OP_consts 16; DW_OP_bregx 46 (vg) 0; DW_OP_mul; DW_OP_plus`, i.e. sp + 32 +
 * 16 * VG, which is TRUSTACK_CFA_REG_VG {sp, 32, 16}. Evaluated on values reg + k + m * VG (at
 * most one register, products only with a constant); anything else is not such a rule.
 */
struct lin {
	int reg; /* -1: none */
	int64_t k, m;
};

static bool lin_push(struct lin *st, size_t *n, struct lin v)
{
	if (*n >= 8)
		return false;
	st[(*n)++] = v;
	return true;
}

static bool vg_cfa_rule(const Dwarf_Op *ops, size_t nops, unsigned vg, struct trustack_row *row)
{
	struct lin st[8];
	size_t n = 0;
	for (size_t i = 0; i < nops; i++) {
		const Dwarf_Op *o = &ops[i];
		unsigned reg = o->atom == DW_OP_bregx ? (unsigned)o->number : (unsigned)(o->atom - DW_OP_breg0);
		int64_t off = o->atom == DW_OP_bregx ? (int64_t)o->number2 : (int64_t)o->number;
		if ((o->atom >= DW_OP_breg0 && o->atom <= DW_OP_breg31) || o->atom == DW_OP_bregx) {
			if (reg > UINT8_MAX && reg != vg)
				return false;
			struct lin v = { reg == vg ? -1 : (int)reg, off, reg == vg };
			if (!lin_push(st, &n, v))
				return false;
		} else if (o->atom >= DW_OP_lit0 && o->atom <= DW_OP_lit31) {
			if (!lin_push(st, &n, (struct lin){ -1, o->atom - DW_OP_lit0, 0 }))
				return false;
		} else if (o->atom == DW_OP_consts || o->atom == DW_OP_constu || o->atom == DW_OP_const1s ||
			   o->atom == DW_OP_const1u || o->atom == DW_OP_const2s || o->atom == DW_OP_const2u ||
			   o->atom == DW_OP_const4s || o->atom == DW_OP_const4u || o->atom == DW_OP_const8s ||
			   o->atom == DW_OP_const8u) {
			if (!lin_push(st, &n, (struct lin){ -1, (int64_t)o->number, 0 }))
				return false;
		} else if (o->atom == DW_OP_plus_uconst && n >= 1) {
			if (o->number > INT32_MAX || __builtin_add_overflow(st[n - 1].k, (int64_t)o->number, &st[n - 1].k))
				return false;
		} else if ((o->atom == DW_OP_plus || o->atom == DW_OP_minus) && n >= 2) {
			struct lin b = st[--n], *a = &st[n - 1];
			bool plus = o->atom == DW_OP_plus;
			if (b.reg >= 0 && (a->reg >= 0 || !plus))
				return false; /* two registers, or a register subtracted */
			if (b.reg >= 0)
				a->reg = b.reg;
			if (plus ? __builtin_add_overflow(a->k, b.k, &a->k) || __builtin_add_overflow(a->m, b.m, &a->m)
				 : __builtin_sub_overflow(a->k, b.k, &a->k) || __builtin_sub_overflow(a->m, b.m, &a->m))
				return false;
		} else if (o->atom == DW_OP_mul && n >= 2) {
			struct lin b = st[--n], *a = &st[n - 1];
			bool a_const = a->reg < 0 && !a->m, b_const = b.reg < 0 && !b.m;
			if (!a_const && !b_const)
				return false;
			struct lin x = a_const ? b : *a;
			int64_t c = a_const ? a->k : b.k;
			if (x.reg >= 0 && c != 1)
				return false; /* a multiple of a register is no address */
			if (__builtin_mul_overflow(x.k, c, &x.k) || __builtin_mul_overflow(x.m, c, &x.m))
				return false;
			*a = x;
		} else {
			return false;
		}
	}
	if (n != 1 || st[0].reg < 0 || st[0].reg > UINT8_MAX || st[0].k < INT32_MIN || st[0].k > INT32_MAX || st[0].m < INT16_MIN ||
	    st[0].m > INT16_MAX)
		return false;
	row->cfa_kind = st[0].m ? TRUSTACK_CFA_REG_VG : TRUSTACK_CFA_REG;
	row->cfa_reg = (uint8_t)st[0].reg;
	row->cfa_offset = (int32_t)st[0].k;
	row->cfa_vg = (int16_t)st[0].m;
	return true;
}

static void describe_ops(const Dwarf_Op *ops, size_t n, char *b, size_t len)
{
	size_t k = (size_t)snprintf(b, len, "expr");
	for (size_t i = 0; i < n && k < len; i++)
		k += (size_t)snprintf(b + k, len - k, " 0x%x", ops[i].atom);
}

static int cfi_lookup(struct ts_source *s, unsigned slot, uint64_t addr, struct ts_srcrow *out)
{
	struct cfi_src *c = (struct cfi_src *)s;
	memset(out, 0, sizeof(*out));
	if (slot >= c->nslots)
		return -TRUSTACK_E_ARG;
	Dwarf_Frame *fr = NULL;
	if (dwarf_cfi_addrframe(c->cfi[slot], addr, &fr) != 0 || !fr) {
		out->status = TS_SRC_NONE;
		out->start = addr;
		out->end = addr + 1;
		return 0;
	}
	Dwarf_Addr start, end;
	bool signal = false;
	int ra = dwarf_frame_info(fr, &start, &end, &signal);
	out->start = start;
	out->end = end > start ? end : addr + 1;
	out->signal = signal;
	out->fde_start = start; /* refined below when the FDE is known */
	Dwarf_Op *ops;
	size_t nops;
	out->status = TS_SRC_ROW;
	if (dwarf_frame_cfa(fr, &ops, &nops) != 0) {
		out->status = TS_SRC_OPAQUE;
		snprintf(out->what, sizeof(out->what), "cfa: unreadable rule");
	} else if (nops == 1 && ops[0].atom == DW_OP_bregx) {
		out->row.cfa_kind = TRUSTACK_CFA_REG;
		out->row.cfa_reg = (uint8_t)ops[0].number;
		out->row.cfa_offset = (int32_t)(int64_t)ops[0].number2;
	} else if (nops == 1 && ops[0].atom >= DW_OP_breg0 && ops[0].atom <= DW_OP_breg31) {
		out->row.cfa_kind = TRUSTACK_CFA_REG;
		out->row.cfa_reg = (uint8_t)(ops[0].atom - DW_OP_breg0);
		out->row.cfa_offset = (int32_t)(int64_t)ops[0].number;
	} else if (nops == 2 && ops[0].atom >= DW_OP_breg0 && ops[0].atom <= DW_OP_breg31 &&
		   ops[1].atom == DW_OP_deref) {
		out->row.cfa_kind = TRUSTACK_CFA_DEREF; /* DRAP: CFA = *(reg + k) */
		out->row.cfa_reg = (uint8_t)(ops[0].atom - DW_OP_breg0);
		out->row.cfa_offset = (int32_t)(int64_t)ops[0].number;
	} else if (!c->img->arch->dwarf_vg || !vg_cfa_rule(ops, nops, c->img->arch->dwarf_vg, &out->row)) {
		out->status = TS_SRC_OPAQUE;
		char d[48];
		describe_ops(ops, nops, d, sizeof(d));
		snprintf(out->what, sizeof(out->what), "cfa=%s", d);
	}
	const struct ts_arch *a = c->img->arch;
	out->other_ra_column = ra >= 0 && (unsigned)ra != a->ra;
	Dwarf_Op mem[3];
	bool und;
	if (out->status == TS_SRC_ROW) {
		int regs[2] = { ra, a->fp };
		struct trustack_loc *locs[2] = { &out->row.ra, &out->row.fp };
		for (int k = 0; k < 2; k++) {
			ops = NULL;
			nops = 0;
			if (dwarf_frame_register(fr, regs[k], mem, &ops, &nops) != 0) {
				out->status = TS_SRC_OPAQUE;
				snprintf(out->what, sizeof(out->what), "%s: unreadable rule", k ? "fp" : "ra");
				break;
			}
			if (!map_reg_rule(ops, nops, ops == mem, locs[k], &und)) {
				out->status = TS_SRC_OPAQUE;
				char d[48];
				describe_ops(ops, nops, d, sizeof(d));
				snprintf(out->what, sizeof(out->what), "%s=%s", k ? "fp" : "ra", d);
				break;
			}
			if (k == 0 && und && !out->other_ra_column)
				out->outermost = true; /* (another column's "undefined" is the CIE's default
							* for a call-clobbered register, no end of stack) */
		}
	}
	free(fr);
	if (c->img->arch->cfa_negate_ra_op) {
		/* the signing state, which libdw does not keep: the answer holds where both do */
		uint64_t lo, hi;
		const struct ts_sign_range *sr = ts_sign_range_at(c->sign, c->nsign, addr, &lo, &hi);
		out->row.ra_sign = sr ? sr->sign : TRUSTACK_RA_PLAIN;
		if (lo > out->start)
			out->start = lo;
		if (hi < out->end)
			out->end = hi;
	}
	return 0;
}

static void cfi_close(struct ts_source *s)
{
	struct cfi_src *c = (struct cfi_src *)s;
	if (!c)
		return;
	for (unsigned i = 0; i < c->nslots; i++) {
		if (c->dw && c->dw[i])
			dwarf_end(c->dw[i]);
		else if (c->cfi && c->cfi[i])
			dwarf_cfi_end(c->cfi[i]);
		if (c->mini && c->mini[i])
			elf_end(c->mini[i]);
	}
	free(c->dw);
	free(c->cfi);
	free(c->mini);
	free(c->minibuf);
	free(c->sign);
	free(c);
}

/* ---- relocatable objects: a one-section ELF in memory --------------------------------------- */

/* The headers below are built in the host's byte order; libelf reads them in the file's (its
 * e_ident, copied): a big-endian file's (s390x) read on a little-endian host needs them swapped. */
#define SWAP_FIELD(f) ((f) = sizeof(f) == 8 ? (__typeof__(f))__builtin_bswap64((uint64_t)(f)) \
				: sizeof(f) == 4 ? (__typeof__(f))__builtin_bswap32((uint32_t)(f)) \
				: (__typeof__(f))__builtin_bswap16((uint16_t)(f)))

static void swap_ehdr(Elf64_Ehdr *e)
{
	SWAP_FIELD(e->e_type), SWAP_FIELD(e->e_machine), SWAP_FIELD(e->e_version), SWAP_FIELD(e->e_entry);
	SWAP_FIELD(e->e_phoff), SWAP_FIELD(e->e_shoff), SWAP_FIELD(e->e_flags), SWAP_FIELD(e->e_ehsize);
	SWAP_FIELD(e->e_phentsize), SWAP_FIELD(e->e_phnum), SWAP_FIELD(e->e_shentsize), SWAP_FIELD(e->e_shnum);
	SWAP_FIELD(e->e_shstrndx);
}

static void swap_shdr(Elf64_Shdr *h)
{
	SWAP_FIELD(h->sh_name), SWAP_FIELD(h->sh_type), SWAP_FIELD(h->sh_flags), SWAP_FIELD(h->sh_addr);
	SWAP_FIELD(h->sh_offset), SWAP_FIELD(h->sh_size), SWAP_FIELD(h->sh_link), SWAP_FIELD(h->sh_info);
	SWAP_FIELD(h->sh_addralign), SWAP_FIELD(h->sh_entsize);
}
#undef SWAP_FIELD

/*
 * ELF header, the section bytes, ".shstrtab", then three section headers (null, the section,
 * .shstrtab), in the file's byte order. libdw needs nothing more to read CFI.
 */
static uint8_t *mini_elf(const struct ts_image *img, const char *name, uint64_t addr, uint64_t flags,
			 const uint8_t *data, size_t size, size_t *total)
{
	size_t namelen = strlen(name) + 1;
	size_t strsz = 1 + namelen + sizeof(".shstrtab");
	size_t off_data = sizeof(Elf64_Ehdr);
	size_t off_str = off_data + size;
	size_t off_sh = (off_str + strsz + 7) & ~(size_t)7;
	*total = off_sh + 3 * sizeof(Elf64_Shdr);
	uint8_t *b = calloc(1, *total);
	if (!b)
		return NULL;
	Elf64_Ehdr eh = { 0 };
	memcpy(eh.e_ident, img->ehdr.e_ident, EI_NIDENT);
	eh.e_type = ET_REL;
	eh.e_machine = img->ehdr.e_machine;
	eh.e_version = EV_CURRENT;
	eh.e_shoff = off_sh;
	eh.e_ehsize = sizeof(Elf64_Ehdr);
	eh.e_shentsize = sizeof(Elf64_Shdr);
	eh.e_shnum = 3;
	eh.e_shstrndx = 2;
	bool swap = (img->ehdr.e_ident[EI_DATA] == ELFDATA2MSB) != (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__);
	if (swap)
		swap_ehdr(&eh);
	memcpy(b, &eh, sizeof(eh));
	memcpy(b + off_data, data, size);
	char *str = (char *)b + off_str;
	memcpy(str + 1, name, namelen);
	memcpy(str + 1 + namelen, ".shstrtab", sizeof(".shstrtab"));
	Elf64_Shdr sh[3] = { 0 };
	sh[1].sh_name = 1;
	sh[1].sh_type = SHT_PROGBITS;
	sh[1].sh_flags = flags;
	sh[1].sh_addr = addr;
	sh[1].sh_offset = off_data;
	sh[1].sh_size = size;
	sh[1].sh_addralign = 8;
	sh[2].sh_name = (Elf64_Word)(1 + namelen);
	sh[2].sh_type = SHT_STRTAB;
	sh[2].sh_offset = off_str;
	sh[2].sh_size = strsz;
	sh[2].sh_addralign = 1;
	for (int k = 0; k < 3 && swap; k++)
		swap_shdr(&sh[k]);
	memcpy(b + off_sh, sh, sizeof(sh));
	return b;
}

/* .debug_frame of an object, with its relocations applied (it is not loaded by the image). */
static uint8_t *relocated_debug_frame(const struct ts_image *img, size_t secidx, size_t *size)
{
	Elf_Scn *scn = elf_getscn(img->elf, secidx);
	Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL;
	if (!d || !d->d_buf || !d->d_size)
		return NULL;
	uint8_t *buf = malloc(d->d_size);
	if (!buf)
		return NULL;
	memcpy(buf, d->d_buf, d->d_size);
	*size = d->d_size;
	Elf_Scn *rs = NULL;
	while ((rs = elf_nextscn(img->elf, rs))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(rs, &sh) || sh.sh_type != SHT_RELA || sh.sh_info != secidx || !sh.sh_entsize)
			continue;
		Elf_Scn *symscn = elf_getscn(img->elf, sh.sh_link);
		Elf_Data *syms = symscn ? elf_getdata(symscn, NULL) : NULL;
		Elf_Data *rd = elf_getdata(rs, NULL);
		if (!syms || !rd)
			continue;
		size_t n = rd->d_size / sizeof(Elf64_Rela);
		for (size_t k = 0; k < n; k++) {
			GElf_Rela r;
			GElf_Sym sym;
			if (!gelf_getrela(rd, (int)k, &r) || !gelf_getsym(syms, (int)GELF_R_SYM(r.r_info), &sym))
				continue;
			if (r.r_offset >= *size)
				continue;
			uint64_t S = sym.st_value;
			if (sym.st_shndx != SHN_UNDEF && sym.st_shndx < img->nsecs &&
			    (img->secs[sym.st_shndx].flags & SHF_ALLOC))
				S += img->secs[sym.st_shndx].addr; /* synthetic address, as the analysis uses */
			img->arch->apply_reloc(GELF_R_TYPE(r.r_info), buf + r.r_offset, *size - r.r_offset, r.r_offset, S,
					       r.r_addend, 0);
		}
	}
	return buf;
}

/* ---- opening -------------------------------------------------------------------------------- */

static int find_section(const struct ts_image *img, const char *name)
{
	for (size_t i = 1; i < img->nsecs; i++)
		if (img->secs[i].name && !strcmp(img->secs[i].name, name) && img->secs[i].type != SHT_NOBITS)
			return (int)i;
	return -1;
}

static int open_cfi(const struct ts_image *img, bool debug, unsigned slots, struct ts_source **out, char *err,
		    size_t errlen)
{
	*out = NULL;
	const char *secname = debug ? ".debug_frame" : ".eh_frame";
	int si = find_section(img, secname);
	if (si < 0)
		return ts_fail(err, errlen, TRUSTACK_E_NOTFOUND, debug ? "no .debug_frame" : "no .eh_frame");
	if (img->secs[si].flags & SHF_COMPRESSED) {
		/* gcc -gz: decompress the section in libelf's memory copy (the file is untouched);
		 * done here, before any worker thread reads the image */
		Elf_Scn *scn = elf_getscn(img->elf, (size_t)si);
		if (!scn || elf_compress(scn, 0, 0) < 0)
			return ts_fail(err, errlen, TRUSTACK_E_FORMAT, "compressed .debug_frame: cannot decompress it");
	}
	if (slots < 1)
		slots = 1;
	struct cfi_src *c = calloc(1, sizeof(*c));
	if (!c)
		return -TRUSTACK_E_NOMEM;
	c->base.name = debug ? "debug_frame" : "eh_frame";
	c->base.lookup = cfi_lookup;
	c->base.close = cfi_close;
	c->img = img;
	c->nslots = slots;
	c->cfi = calloc(slots, sizeof(*c->cfi));
	c->dw = calloc(slots, sizeof(*c->dw));
	c->mini = calloc(slots, sizeof(*c->mini));
	if (!c->cfi || !c->dw || !c->mini) {
		cfi_close(&c->base);
		return -TRUSTACK_E_NOMEM;
	}
	Elf *src = img->elf;
	size_t total = 0;
	if (img->rel) {
		const struct ts_section *s = &img->secs[si];
		uint8_t *data = NULL;
		size_t size = 0;
		if (debug)
			data = relocated_debug_frame(img, (size_t)si, &size);
		if (!debug && s->data) {
			data = (uint8_t *)s->data;
			size = s->size;
		}
		if (!data) {
			cfi_close(&c->base);
			return ts_fail(err, errlen, TRUSTACK_E_FORMAT, debug ? "unreadable .debug_frame" : "unreadable .eh_frame");
		}
		c->minibuf = mini_elf(img, secname, debug ? 0 : s->addr, s->flags & ~(uint64_t)SHF_COMPRESSED, data, size,
				     &total);
		int signrc = img->arch->cfa_negate_ra_op
				  ? ts_cfi_sign_ranges(data, size, debug ? 0 : s->addr, debug, img->arch->cfa_negate_ra_op,
						       &c->sign, &c->nsign)
				  : 0;
		if (debug)
			free(data);
		if (signrc) {
			cfi_close(&c->base);
			return signrc;
		}
		if (!c->minibuf) {
			cfi_close(&c->base);
			return -TRUSTACK_E_NOMEM;
		}
	}
	if (!img->rel && img->arch->cfa_negate_ra_op) {
		Elf_Scn *scn = elf_getscn(img->elf, (size_t)si);
		Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL;
		int rc = d && d->d_buf ? ts_cfi_sign_ranges(d->d_buf, d->d_size, img->secs[si].addr, debug,
							    img->arch->cfa_negate_ra_op, &c->sign, &c->nsign)
				       : 0;
		if (rc) {
			cfi_close(&c->base);
			return rc;
		}
	}
	for (unsigned i = 0; i < slots; i++) {
		Elf *e = src;
		if (c->minibuf) {
			e = c->mini[i] = elf_memory((char *)c->minibuf, total);
			if (!e)
				break;
		}
		if (debug) {
			c->dw[i] = dwarf_begin_elf(e, DWARF_C_READ, NULL);
			c->cfi[i] = c->dw[i] ? dwarf_getcfi(c->dw[i]) : NULL;
		} else {
			c->cfi[i] = dwarf_getcfi_elf(e);
		}
		if (!c->cfi[i])
			break;
	}
	if (!c->cfi[slots - 1]) {
		char m[160];
		snprintf(m, sizeof(m), "%s: libdw cannot read it: %s", secname, dwarf_errmsg(-1));
		cfi_close(&c->base);
		return ts_fail(err, errlen, TRUSTACK_E_FORMAT, "%s", m);
	}
	*out = &c->base;
	return 0;
}

int ts_source_open_eh_frame(const struct ts_image *img, unsigned slots, struct ts_source **out, char *err,
			    size_t errlen)
{
	return open_cfi(img, false, slots, out, err, errlen);
}

int ts_source_open_debug_frame(const struct ts_image *img, unsigned slots, struct ts_source **out, char *err,
			       size_t errlen)
{
	return open_cfi(img, true, slots, out, err, errlen);
}
