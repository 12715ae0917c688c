/*
 * sidecar_api.c - the public face of the unwinder's table as a cached sidecar file.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cache.h"
#include "elf/handle.h"
#include "analysis/state.h"
#include "arch/arch.h"
#include "unwind/utable.h"

struct trustack_sidecar {
	struct ts_utable t;
};

static int wrap(struct ts_utable *t, struct trustack_sidecar **out)
{
	struct trustack_sidecar *sc = malloc(sizeof(*sc));
	if (!sc) {
		ts_utable_free(t);
		return -TRUSTACK_E_NOMEM;
	}
	sc->t = *t;
	*out = sc;
	return 0;
}

int trustack_sidecar__build(struct trustack_elf *elf, unsigned threads, struct trustack_sidecar **out,
			    char *errbuf, size_t errlen)
{
	*out = NULL;
	if (elf->img->rel) {
		snprintf(errbuf, errlen, "a relocatable object has no load addresses: sidecars are for linked files");
		return -TRUSTACK_E_UNSUPPORTED;
	}
	struct ts_utable t;
	int rc = ts_utable_build(elf->img, threads, &t);
	if (rc) {
		snprintf(errbuf, errlen, "%s", rc == -TRUSTACK_E_UNSUPPORTED ? "code spans more than 4 GiB"
									: trustack_strerror(rc));
		return rc;
	}
	return wrap(&t, out);
}

int trustack_sidecar__open(const char *path, struct trustack_sidecar **out, char *errbuf, size_t errlen)
{
	*out = NULL;
	struct ts_utable t;
	int rc = ts_utable_load(path, &t, errbuf, errlen);
	return rc ? rc : wrap(&t, out);
}

int trustack_sidecar__save(const struct trustack_sidecar *sc, const char *path, char *errbuf, size_t errlen)
{
	return ts_utable_save(&sc->t, path, errbuf, errlen);
}

int trustack_sidecar__path(struct trustack_elf *elf, const char *cache_dir, char *buf, size_t len)
{
	uint8_t bid[32];
	size_t n = ts_image_build_id(elf->img, bid, sizeof(bid));
	if (!n)
		return -TRUSTACK_E_NOTFOUND;
	return ts_cache_file(cache_dir, bid, n, TS_CACHE_SIDECAR, buf, len);
}

int trustack_sidecar__find(struct trustack_elf *elf, const char *cache_dir, struct trustack_sidecar **out,
			   char *path, size_t pathlen, char *errbuf, size_t errlen)
{
	*out = NULL;
	uint8_t bid[32];
	size_t n = ts_image_build_id(elf->img, bid, sizeof(bid));
	if (!n) {
		snprintf(errbuf, errlen, "the file has no build-id");
		return -TRUSTACK_E_NOTFOUND;
	}
	return trustack_sidecar__find_by_build_id(bid, n, elf->img->ehdr.e_machine, cache_dir, out, path, pathlen,
						  errbuf, errlen);
}

int trustack_sidecar__find_by_build_id(const uint8_t *build_id, size_t n, uint16_t machine, const char *cache_dir,
				       struct trustack_sidecar **out, char *path, size_t pathlen, char *errbuf,
				       size_t errlen)
{
	*out = NULL;
	char p[4096];
	int rc = ts_cache_file(cache_dir, build_id, n, TS_CACHE_SIDECAR, p, sizeof(p));
	if (rc) {
		snprintf(errbuf, errlen, "%s", n ? "cache directory unknown (no $HOME)" : "no build-id");
		return n ? rc : -TRUSTACK_E_NOTFOUND;
	}
	if (path && pathlen)
		snprintf(path, pathlen, "%s", p);
	struct ts_utable t;
	rc = ts_utable_load_cached(p, build_id, n, machine, &t, errbuf, errlen);
	return rc ? rc : wrap(&t, out);
}

void trustack_sidecar__info(const struct trustack_sidecar *sc, struct trustack_sidecar_info *info)
{
	const struct ts_utable *t = &sc->t;
	memset(info, 0, sizeof(*info));
	info->machine = t->machine;
	info->build_id_len = t->build_id_len;
	memcpy(info->build_id, t->build_id, sizeof(info->build_id));
	info->start = t->base;
	info->end = t->base + (t->n ? t->pc[t->n] : 0);
	info->entries = t->n;
	info->rows = t->nrows;
	for (uint32_t i = 0; i < t->n; i++) {
		uint64_t len = t->pc[i + 1] - t->pc[i];
		uint8_t fl = t->rows[t->row[i]].flags;
		if (fl & TS_UROW_OUTERMOST)
			info->outermost_bytes += len;
		if (fl & TS_UROW_SIGNAL)
			info->signal_bytes += len;
		if (fl & TS_UROW_UNRELIABLE)
			info->unreliable_bytes += len;
		else
			info->reliable_bytes += len;
	}
}

/* A register's name; a sidecar of a machine without a decoder (a damaged or foreign file) still
 * prints. */
static const char *reg_name(const struct ts_arch *a, unsigned reg)
{
	return a && a->reg_name ? a->reg_name(reg) : "r?";
}

int trustack_sidecar__dump(const struct trustack_sidecar *sc, FILE *f)
{
	const struct ts_utable *t = &sc->t;
	const struct ts_arch *a = ts_arch_for_machine(t->machine);
	fprintf(f, "trustack sidecar v2: %s, build-id ", a ? a->name : "unknown machine");
	for (unsigned i = 0; i < t->build_id_len; i++)
		fprintf(f, "%02x", t->build_id[i]);
	fprintf(f, "%s, %u entries, %u distinct rows\n", t->build_id_len ? "" : "(none)", t->n, t->nrows);
	for (uint32_t i = 0; i < t->n; i++) {
		const struct ts_urow *u = &t->rows[t->row[i]];
		char text[256] = "";
		if (u->flags & TS_UROW_UNRELIABLE) {
			snprintf(text, sizeof(text), "unreliable");
		} else if (u->flags & TS_UROW_OUTERMOST) {
			snprintf(text, sizeof(text), "outermost");
		} else if (a) {
			struct trustack_row r = { .cfa_kind = u->cfa_kind, .cfa_reg = u->cfa_reg, .cfa_offset = u->cfa_off,
						  .ra = { u->ra_kind, u->ra_reg, u->ra_off },
						  .fp = { u->fp_kind, u->fp_reg, u->fp_off },
						  .ra_sign = !(u->flags & TS_UROW_RA_SIGNED) ? TRUSTACK_RA_PLAIN
							     : u->ra_key ? TRUSTACK_RA_SIGNED_B : TRUSTACK_RA_SIGNED_A };
			ts_row_format(a, &r, text, sizeof(text));
			/* the callee-saved registers the rule does not cover: where the caller's values
			 * are (cfa-N), or that they cannot be recovered (lost); unmentioned: unchanged */
			size_t len = strlen(text);
			unsigned k = 0;
			for (unsigned reg = 0; reg < 32 && len < sizeof(text); reg++) {
				if ((u->saved >> reg) & 1) {
					int off = 8 * (k < TS_UROW_MAX_SAVES ? u->save_off[k] : 0);
					k++;
					len += (size_t)snprintf(text + len, sizeof(text) - len, " %s=cfa%+d", reg_name(a, reg), off);
				} else if ((u->lost >> reg) & 1) {
					len += (size_t)snprintf(text + len, sizeof(text) - len, " %s=lost", reg_name(a, reg));
				}
			}
		}
		fprintf(f, "0x%" PRIx64 "..0x%" PRIx64 "  %s%s\n", t->base + t->pc[i], t->base + t->pc[i + 1], text,
			u->flags & TS_UROW_SIGNAL ? " signal" : "");
	}
	return ferror(f) ? -TRUSTACK_E_IO : 0;
}

void trustack_sidecar__close(struct trustack_sidecar *sc)
{
	if (!sc)
		return;
	ts_utable_free(&sc->t);
	free(sc);
}
