/*
 * orc_api.c - the public ORC entry points: write a copy of a file with ORC tables, read them back,
 * print an entry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/opts.h"
#include "elf/handle.h"
#include "elf/writer.h"
#include "tables/orc.h"

static bool has_section(const struct ts_image *img, const char *name)
{
	for (size_t i = 1; i < img->nsecs; i++)
		if (img->secs[i].name && !strcmp(img->secs[i].name, name))
			return true;
	return false;
}

/* The two sections from the entries: objects get relocations against the code, linked files
 * self-relative offsets from address 0 (the sections are not loaded: writer.h). */
static int encode(const struct ts_image *img, const struct ts_orc_table *t, enum trustack_orc_layout layout,
		  const char *out_path, char *err, size_t errlen)
{
	size_t n = t->n;
	uint8_t *u = calloc(n ? n : 1, TS_ORC_ENTRY_SIZE);
	int32_t *ip = calloc(n ? n : 1, sizeof(int32_t));
	struct ts_out_reloc *rl = img->rel ? calloc(n ? n : 1, sizeof(*rl)) : NULL;
	int rc = 0;
	if (!u || !ip || (img->rel && !rl)) {
		rc = -TRUSTACK_E_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		ts_orc_encode(&t->rows[i].e, layout, u + i * TS_ORC_ENTRY_SIZE);
		if (img->rel) {
			rl[i].offset = 4 * i;
			rl[i].type = img->arch->reloc[TS_RELOC_PC32];
			rl[i].target = t->rows[i].addr;
			continue;
		}
		int64_t v = (int64_t)(t->rows[i].addr - 4 * (uint64_t)i);
		if (v < INT32_MIN || v > INT32_MAX) {
			rc = ts_fail(err, errlen, TRUSTACK_E_UNSUPPORTED,
				  "code beyond 2 GiB from address 0: .orc_unwind_ip's 32-bit offsets cannot reach it");
			goto out;
		}
		ip[i] = (int32_t)v;
	}
	struct ts_out_section secs[2] = {
		{ .name = ".orc_unwind_ip", .type = SHT_PROGBITS, .flags = SHF_ALLOC, .entsize = 4, .align = 4,
		  .data = ip, .size = 4 * n, .relocs = rl, .nrelocs = img->rel ? n : 0 },
		{ .name = ".orc_unwind", .type = SHT_PROGBITS, .flags = SHF_ALLOC, .entsize = TS_ORC_ENTRY_SIZE,
		  .align = 2, .data = u, .size = TS_ORC_ENTRY_SIZE * n },
	};
	rc = ts_elf_write_copy(img, out_path, secs, 2, err, errlen);
out:
	free(u);
	free(ip);
	free(rl);
	return rc;
}

int trustack_orc__write(struct trustack_elf *elf, const struct trustack_orc_opts *opts, const char *out_path,
			trustack_problem_fn on_problem, void *ctx, struct trustack_orc_stats *stats, char *errbuf,
			size_t errlen)
{
	struct trustack_orc_opts o;
	int optrc = TS_OPTS_LOAD(o, opts); /* opts NULL: the defaults */
	if (stats)
		memset(stats, 0, sizeof(*stats));
	if (optrc)
		return ts_fail(errbuf, errlen, TRUSTACK_E_ARG, "bad options (sz)");
	if (!elf || !out_path)
		return ts_fail(errbuf, errlen, TRUSTACK_E_ARG, "no file or no output path");
	if (o.layout != TRUSTACK_ORC_LAYOUT_CURRENT && o.layout != TRUSTACK_ORC_LAYOUT_6_1)
		return ts_fail(errbuf, errlen, TRUSTACK_E_ARG, "ORC layout must be current or 6.1");
	const struct ts_image *img = elf->img;
	if (!img->arch->orc) /* the table formats that do describe it are named (issue 14) */
		return ts_fail(errbuf, errlen, TRUSTACK_E_UNSUPPORTED,
			    "ORC is defined for x86-64 only, this file is %s: for its unwind tables use "
			    "`trustack sframe` (SFrame) or `trustack cache` (the unwinder's sidecar)",
			    img->arch->name);
	if (has_section(img, ".orc_unwind") || has_section(img, ".orc_unwind_ip"))
		return ts_fail(errbuf, errlen, TRUSTACK_E_ARG, "the file already has ORC tables (.orc_unwind)");
	if (img->ar || img->fd < 0)
		return ts_fail(errbuf, errlen, TRUSTACK_E_UNSUPPORTED,
			    img->ar ? "cannot write a copy of an archive member: extract it first (ar x)"
				    : "cannot write a copy of an image opened from memory");
	/* a destination we would refuse at the end is refused before the analysis */
	int rc = trustack_output__check(out_path, elf, errbuf, errlen);
	if (rc)
		return rc;
	struct ts_rowmap map;
	rc = ts_rowmap_build(img, o.rules, o.threads, &map);
	if (rc)
		return ts_fail(errbuf, errlen, -rc, "%s", trustack_strerror(rc));
	struct ts_orc_table t;
	rc = ts_orc_build(img, &map, on_problem, ctx, &t);
	ts_rowmap_free(&map);
	if (rc)
		return ts_fail(errbuf, errlen, -rc, "%s", trustack_strerror(rc));
	rc = encode(img, &t, o.layout, out_path, errbuf, errlen);
	if (stats) {
		stats->entries = t.n;
		stats->functions = t.functions;
		stats->problems = t.problems;
		stats->bytes = rc ? 0 : t.n * (TS_ORC_ENTRY_SIZE + 4);
	}
	ts_orc_table_free(&t);
	return rc;
}

int trustack_orc__read(struct trustack_elf *elf, enum trustack_orc_layout layout, struct trustack_orc_entry **out,
		       size_t *n, enum trustack_orc_layout *detected, char *errbuf, size_t errlen)
{
	*out = NULL;
	*n = 0;
	struct ts_orc_row *rows;
	size_t cnt;
	int rc = ts_orc_read(elf->img, layout, &rows, &cnt, detected, errbuf, errlen);
	if (rc || !cnt)
		return rc;
	struct trustack_orc_entry *e = malloc(cnt * sizeof(*e));
	if (!e) {
		free(rows);
		return -TRUSTACK_E_NOMEM;
	}
	for (size_t i = 0; i < cnt; i++)
		e[i] = rows[i].e;
	free(rows);
	*out = e;
	*n = cnt;
	return 0;
}

char *trustack_orc_entry__format(const struct trustack_elf *elf, const struct trustack_orc_entry *e,
				 enum trustack_orc_layout layout, char *buf, size_t len)
{
	return ts_orc_format(e, layout, elf->img->rel, buf, len);
}
