/*
 * orc_read.c - ORC tables read back from a file (see orc.h), for dump and diff.
 *
 * Layout detection (TRUSTACK_ORC_LAYOUT_AUTO): nothing in the file says which layout it uses,
 * so the entries decide. Almost every entry with a defined sp_reg is a CALL frame, whose type
 * bits read 0 in the 6.1 layout and 2 in the current one; the more frequent of the two values
 * wins. Without defined entries, an end-of-stack entry (6.1: byte 5 = 4, current: 1) decides;
 * otherwise both layouts read the same and "current" is reported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "tables/orc.h"

static size_t find_section(const struct ts_image *img, const char *name)
{
	for (size_t i = 1; i < img->nsecs; i++)
		if (img->secs[i].name && !strcmp(img->secs[i].name, name))
			return i;
	return 0;
}

/* The section's bytes: the image's (relocated, for objects) copy when allocated, else the file's. */
static const uint8_t *section_bytes(const struct ts_image *img, size_t idx)
{
	if (img->secs[idx].data)
		return img->secs[idx].data;
	Elf_Scn *scn = elf_getscn(img->elf, idx);
	Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL;
	if (!d || !d->d_buf || d->d_size < img->secs[idx].size)
		return NULL;
	return d->d_buf;
}

/* The section holding addr, or the executable one that ends at it (a terminator). */
static const struct ts_section *section_for(const struct ts_image *img, uint64_t addr)
{
	const struct ts_section *s = ts_image_section_at(img, addr);
	if (s)
		return s;
	for (size_t i = 1; i < img->nsecs; i++)
		if (img->secs[i].exec && img->secs[i].addr + img->secs[i].size == addr)
			return &img->secs[i];
	return NULL;
}

static enum trustack_orc_layout detect(const uint8_t *u, size_t n)
{
	size_t t0 = 0, t2 = 0, eos61 = 0, eoscur = 0;
	for (size_t i = 0; i < n; i++) {
		const uint8_t *b = u + i * TS_ORC_ENTRY_SIZE;
		if ((b[4] & 15) != TRUSTACK_ORC_REG_UNDEFINED) {
			t0 += (b[5] & 7) == 0;
			t2 += (b[5] & 7) == 2;
		} else {
			eos61 += b[5] == 4;
			eoscur += b[5] == 1;
		}
	}
	if (t0 != t2)
		return t0 > t2 ? TRUSTACK_ORC_LAYOUT_6_1 : TRUSTACK_ORC_LAYOUT_CURRENT;
	return eos61 > eoscur ? TRUSTACK_ORC_LAYOUT_6_1 : TRUSTACK_ORC_LAYOUT_CURRENT;
}

struct keyed {
	struct ts_orc_row row;
	size_t idx;
};

static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	if (x->row.addr != y->row.addr)
		return x->row.addr < y->row.addr ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

int ts_orc_read(const struct ts_image *img, enum trustack_orc_layout layout, struct ts_orc_row **rows,
		size_t *n, enum trustack_orc_layout *detected, char *err, size_t errlen)
{
	*rows = NULL;
	*n = 0;
	size_t iu = find_section(img, ".orc_unwind"), ii = find_section(img, ".orc_unwind_ip");
	if (!iu && !ii)
		return 0;
	if (!iu || !ii)
		return ts_fail(err, errlen, TRUSTACK_E_FORMAT, "malformed ORC: .orc_unwind and .orc_unwind_ip come in pairs");
	const struct ts_section *su = &img->secs[iu], *si = &img->secs[ii];
	if (su->type == SHT_NOBITS || si->type == SHT_NOBITS || su->size % TS_ORC_ENTRY_SIZE || si->size % 4 ||
	    su->size / TS_ORC_ENTRY_SIZE != si->size / 4)
		return ts_fail(err, errlen, TRUSTACK_E_FORMAT,
			    "malformed ORC: .orc_unwind and .orc_unwind_ip sizes do not match (6 and 4 bytes per entry)");
	if (img->rel && !(si->flags & SHF_ALLOC))
		return ts_fail(err, errlen, TRUSTACK_E_UNSUPPORTED,
			    "ORC in a relocatable object with a non-allocated .orc_unwind_ip: its relocations are not applied");
	const uint8_t *u = section_bytes(img, iu), *ip = section_bytes(img, ii);
	size_t cnt = si->size / 4;
	if (cnt && (!u || !ip))
		return ts_fail(err, errlen, TRUSTACK_E_FORMAT, "malformed ORC: section contents unreadable");
	if (layout != TRUSTACK_ORC_LAYOUT_CURRENT && layout != TRUSTACK_ORC_LAYOUT_6_1)
		layout = detect(u, cnt);
	if (detected)
		*detected = layout;
	if (!cnt)
		return 0;
	struct keyed *k = calloc(cnt, sizeof(*k));
	struct ts_orc_row *out = calloc(cnt, sizeof(*out));
	if (!k || !out) {
		free(k);
		free(out);
		return -TRUSTACK_E_NOMEM;
	}
	for (size_t i = 0; i < cnt; i++) {
		int32_t v;
		memcpy(&v, ip + 4 * i, 4);
		/* self-relative: the slot's own address is sh_addr + 4*i (0 + 4*i when not allocated) */
		k[i].row.addr = si->addr + 4 * i + (uint64_t)(int64_t)v;
		k[i].idx = i;
		ts_orc_decode(u + i * TS_ORC_ENTRY_SIZE, layout, &k[i].row.e);
	}
	qsort(k, cnt, sizeof(*k), cmp_keyed);
	for (size_t i = 0; i < cnt; i++) {
		out[i] = k[i].row;
		const struct ts_section *s = section_for(img, out[i].addr);
		out[i].e.section = s ? s->name : NULL;
		out[i].e.address = img->rel && s ? out[i].addr - s->addr : out[i].addr;
	}
	free(k);
	*rows = out;
	*n = cnt;
	return 0;
}
