/*
 * cfi_rasign.c - where the compiler's CFI says the return address is signed (arm64 PAC).
 *
 * AArch64 CFI marks signing with one opcode, DW_CFA_AARCH64_negate_ra_state (`.cfi_negate_ra_state`
 * after paciasp and after autiasp), which toggles a pseudo register: the return address is signed
 * from one toggle to the next. DW_CFA_remember_state/restore_state save and restore it with the
 * rest of the row (gcc brackets each early epilogue with them), and a CIE with the 'B'
 * augmentation says the key is B. libdw (elfutils 0.188) accepts the opcode but keeps no state
 * for it, so this file reads the CFA programs itself: only the location and that one bit are
 * interpreted, every other instruction is stepped over by its operands.
 *
 * The opcode's number comes from the machine descriptor (ts_arch.cfa_negate_ra_op): on SPARC
 * the same number is DW_CFA_GNU_window_save.
 */
#include <stdlib.h>
#include <string.h>

#include "tables/source.h"
#include "common/vec.h"

struct rd {
	const uint8_t *p;
	size_t size, at;
	bool bad;
};

static uint64_t rd_u(struct rd *r, unsigned w)
{
	if (r->bad || w > r->size - r->at) {
		r->bad = true;
		return 0;
	}
	uint64_t v = 0;
	for (unsigned i = 0; i < w; i++)
		v |= (uint64_t)r->p[r->at + i] << (8 * i); /* little-endian: arm64 files are (the ELF
							     * layer refuses a byte order its machine
							     * does not have) */
	r->at += w;
	return v;
}

static int64_t rd_s(struct rd *r, unsigned w)
{
	uint64_t v = rd_u(r, w);
	unsigned sh = 64 - 8 * w;
	return (int64_t)(v << sh) >> sh;
}

static uint64_t uleb(struct rd *r)
{
	uint64_t v = 0;
	for (unsigned sh = 0; !r->bad; sh += 7) {
		uint64_t b = rd_u(r, 1);
		if (sh < 64)
			v |= (b & 0x7f) << sh;
		if (!(b & 0x80))
			break;
	}
	return v;
}

static int64_t sleb(struct rd *r)
{
	uint64_t v = 0, b = 0;
	unsigned sh = 0;
	do {
		b = rd_u(r, 1);
		if (sh < 64)
			v |= (b & 0x7f) << sh;
		sh += 7;
	} while ((b & 0x80) && !r->bad);
	if (sh < 64 && (b & 0x40))
		v |= ~(uint64_t)0 << sh;
	return (int64_t)v;
}

static void skip(struct rd *r, uint64_t n)
{
	if (r->bad || n > r->size - r->at)
		r->bad = true;
	else
		r->at += n;
}

/* A pointer in DW_EH_PE encoding enc (0xff: absent); addr: the section's address (pcrel). */
static uint64_t encoded(struct rd *r, uint8_t enc, uint64_t addr)
{
	if (enc == 0xff)
		return 0;
	uint64_t field = addr + r->at, v;
	switch (enc & 0x0f) {
	case 0x00: v = rd_u(r, 8); break;            /* absptr (64-bit files) */
	case 0x01: v = uleb(r); break;
	case 0x02: v = rd_u(r, 2); break;
	case 0x03: v = rd_u(r, 4); break;
	case 0x04: v = rd_u(r, 8); break;
	case 0x09: v = (uint64_t)sleb(r); break;
	case 0x0a: v = (uint64_t)rd_s(r, 2); break;
	case 0x0b: v = (uint64_t)rd_s(r, 4); break;
	case 0x0c: v = (uint64_t)rd_s(r, 8); break;
	default: r->bad = true; return 0;
	}
	switch (enc & 0x70) {
	case 0x00: return v;
	case 0x10: return v + field;                  /* pcrel */
	default: r->bad = true; return 0;            /* textrel, datarel, funcrel: not in FDE starts */
	}
}

struct cie {
	uint64_t caf;          /* code alignment factor */
	uint8_t fde_enc;       /* 'R' (0 absptr) */
	bool aug_z;            /* FDEs carry augmentation data with its length */
	bool key_b;            /* 'B': signed with key B */
	const uint8_t *insns;  /* initial instructions */
	size_t ninsns;
};

/* The CIE at off; false when it cannot be read (its FDEs are then skipped). */
static bool read_cie(const uint8_t *sec, size_t size, size_t off, bool debug, uint64_t addr, struct cie *c)
{
	memset(c, 0, sizeof(*c));
	struct rd r = { sec, size, off, false };
	uint64_t len = rd_u(&r, 4);
	unsigned idw = 4;
	if (len == 0xffffffffu) {
		len = rd_u(&r, 8);
		idw = 8;
	}
	if (r.bad || len > size - r.at)
		return false;
	size_t end = r.at + len;
	uint64_t id = rd_u(&r, idw);
	if (debug ? id != (idw == 4 ? 0xffffffffu : UINT64_MAX) : id != 0)
		return false;
	unsigned version = (unsigned)rd_u(&r, 1);
	if (r.bad || r.at >= end)
		return false;
	const char *aug = (const char *)sec + r.at;
	size_t auglen = strnlen(aug, end - r.at);
	skip(&r, auglen + 1);
	if (version >= 4)
		skip(&r, 2); /* address_size, segment_selector_size */
	c->caf = uleb(&r);
	(void)sleb(&r);
	if (version == 1)
		skip(&r, 1);
	else
		(void)uleb(&r);
	c->fde_enc = 0; /* absptr unless 'R' says otherwise */
	size_t augend = 0;
	for (size_t k = 0; k < auglen && !r.bad; k++) {
		switch (aug[k]) {
		case 'z':
			if (k)
				return false;
			c->aug_z = true;
			augend = (size_t)uleb(&r);
			augend = augend > end - r.at ? 0 : r.at + augend;
			if (!augend)
				return false;
			break;
		case 'R': c->fde_enc = (uint8_t)rd_u(&r, 1); break;
		case 'L': skip(&r, 1); break;
		case 'P': {
			uint8_t pe = (uint8_t)rd_u(&r, 1);
			(void)encoded(&r, pe & 0x7f, addr); /* personality: read past it (indirect or not) */
			break;
		}
		case 'S':
		case 'G': break;                 /* signal frame; MTE-tagged frame */
		case 'B': c->key_b = true; break;
		default:
			if (!c->aug_z)
				return false; /* an augmentation we cannot step over */
			k = auglen;           /* the rest is inside the 'z' length */
			break;
		}
	}
	if (c->aug_z)
		r.at = augend;
	if (r.bad || r.at > end)
		return false;
	c->insns = sec + r.at;
	c->ninsns = end - r.at;
	return true;
}

/* Interpreting one FDE's program: the location, the signing bit and the saved bits. */
struct prog {
	uint64_t loc, end;
	uint8_t state;        /* 0 plain, else the key's trustack_ra_sign */
	uint8_t signed_as;    /* what "signed" means here: key A or B */
	uint8_t stack[16];
	unsigned depth;
	struct ts_sign_range **v;
	size_t *n, *cap;
	int err;
};

static void advance(struct prog *p, uint64_t to)
{
	if (to > p->end)
		to = p->end;
	if (p->state && to > p->loc) {
		size_t k = *p->n;
		if (k && (*p->v)[k - 1].end == p->loc && (*p->v)[k - 1].sign == p->state) {
			(*p->v)[k - 1].end = to;
		} else if (TS_GROW(*p->v, *p->n, *p->cap, 256)) {
			p->err = -TRUSTACK_E_NOMEM;
		} else {
			(*p->v)[(*p->n)++] = (struct ts_sign_range){ p->loc, to, p->state };
		}
	}
	if (to > p->loc)
		p->loc = to;
}

/* Run a CFA program; false when it holds an instruction we cannot step over (the rest of the
 * FDE is then left without signing information, i.e. plain). */
static bool run(struct prog *p, const uint8_t *insns, size_t n, const struct cie *c, uint8_t negate_op,
		uint64_t addr, const uint8_t *sec)
{
	struct rd r = { sec, (size_t)(insns - sec) + n, (size_t)(insns - sec), false };
	while (r.at < r.size && !r.bad && !p->err) {
		uint8_t op = (uint8_t)rd_u(&r, 1);
		uint8_t hi = op & 0xc0, lo = op & 0x3f;
		if (hi == 0x40) {
			advance(p, p->loc + lo * c->caf);
			continue;
		}
		if (hi == 0x80) {
			(void)uleb(&r);
			continue;
		}
		if (hi == 0xc0)
			continue;
		if (op == negate_op) {
			p->state = p->state ? 0 : p->signed_as;
			continue;
		}
		switch (op) {
		case 0x00: break;                                          /* nop */
		case 0x01: advance(p, encoded(&r, c->fde_enc, addr)); break;       /* set_loc */
		case 0x02: advance(p, p->loc + rd_u(&r, 1) * c->caf); break;
		case 0x03: advance(p, p->loc + rd_u(&r, 2) * c->caf); break;
		case 0x04: advance(p, p->loc + rd_u(&r, 4) * c->caf); break;
		case 0x0a:                                                 /* remember_state */
			if (p->depth < sizeof(p->stack))
				p->stack[p->depth] = p->state;
			p->depth++;
			break;
		case 0x0b:                                                 /* restore_state */
			if (!p->depth)
				return false;
			p->depth--;
			if (p->depth < sizeof(p->stack))
				p->state = p->stack[p->depth];
			break;
		case 0x06: case 0x07: case 0x08: case 0x0d: case 0x2e:     /* one ULEB */
			(void)uleb(&r);
			break;
		case 0x0e:                                                 /* def_cfa_offset */
			(void)uleb(&r);
			break;
		case 0x13: (void)sleb(&r); break;                          /* def_cfa_offset_sf */
		case 0x05: case 0x09: case 0x0c: case 0x14: case 0x2f:     /* two ULEBs */
			(void)uleb(&r);
			(void)uleb(&r);
			break;
		case 0x11: case 0x12: case 0x15:                           /* ULEB, SLEB */
			(void)uleb(&r);
			(void)sleb(&r);
			break;
		case 0x0f:                                                 /* def_cfa_expression */
			skip(&r, uleb(&r));
			break;
		case 0x10: case 0x16:                                      /* (val_)expression */
			(void)uleb(&r);
			skip(&r, uleb(&r));
			break;
		default:
			return false;
		}
	}
	return !r.bad;
}

static int cmp_range(const void *a, const void *b)
{
	const struct ts_sign_range *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

int ts_cfi_sign_ranges(const uint8_t *sec, size_t size, uint64_t addr, bool debug, uint8_t negate_op,
		       struct ts_sign_range **out, size_t *nout)
{
	*out = NULL;
	*nout = 0;
	size_t cap = 0;
	for (size_t off = 0; off + 4 <= size;) {
		struct rd r = { sec, size, off, false };
		uint64_t len = rd_u(&r, 4);
		unsigned idw = 4;
		if (len == 0)
			break; /* the terminator of .eh_frame */
		if (len == 0xffffffffu) {
			len = rd_u(&r, 8);
			idw = 8;
		}
		if (r.bad || len > size - r.at)
			break;
		size_t end = r.at + len, idat = r.at;
		uint64_t id = rd_u(&r, idw);
		off = end;
		bool is_cie = debug ? id == (idw == 4 ? 0xffffffffu : UINT64_MAX) : id == 0;
		if (is_cie || r.bad)
			continue;
		/* the FDE's CIE: .eh_frame counts back from the id field, .debug_frame from the start */
		uint64_t cie_off = debug ? id : idat - id;
		struct cie c;
		if (cie_off >= size || !read_cie(sec, size, (size_t)cie_off, debug, addr, &c))
			continue;
		uint64_t start = encoded(&r, c.fde_enc, addr);
		uint64_t range = encoded(&r, c.fde_enc & 0x0f, addr);
		if (c.aug_z)
			skip(&r, uleb(&r));
		if (r.bad || r.at > end || !range)
			continue;
		struct prog p = { .loc = start, .end = start + range, .v = out, .n = nout, .cap = &cap,
				  .signed_as = c.key_b ? TRUSTACK_RA_SIGNED_B : TRUSTACK_RA_SIGNED_A };
		if (run(&p, c.insns, c.ninsns, &c, negate_op, addr, sec) &&
		    run(&p, sec + r.at, end - r.at, &c, negate_op, addr, sec))
			advance(&p, p.end);
		if (p.err) {
			free(*out);
			*out = NULL;
			*nout = 0;
			return p.err;
		}
	}
	/* FDEs come in any order; lookups want the ranges sorted and apart (FDEs do not overlap:
	 * where they would, the later range starts where the earlier ends) */
	if (*nout)
		qsort(*out, *nout, sizeof(**out), cmp_range);
	size_t w = 0;
	for (size_t i = 0; i < *nout; i++) {
		struct ts_sign_range x = (*out)[i];
		if (w && x.start < (*out)[w - 1].end)
			x.start = (*out)[w - 1].end;
		if (x.start < x.end)
			(*out)[w++] = x;
	}
	*nout = w;
	return 0;
}

const struct ts_sign_range *ts_sign_range_at(const struct ts_sign_range *v, size_t n, uint64_t addr, uint64_t *lo,
					     uint64_t *hi)
{
	size_t a = 0, b = n;
	while (a < b) {
		size_t m = a + (b - a) / 2;
		if (v[m].start <= addr)
			a = m + 1;
		else
			b = m;
	}
	/* a: the first range starting after addr */
	if (a && addr < v[a - 1].end) {
		*lo = v[a - 1].start;
		*hi = v[a - 1].end;
		return &v[a - 1];
	}
	*lo = a ? v[a - 1].end : 0;
	*hi = a < n ? v[a].start : UINT64_MAX;
	return NULL;
}
