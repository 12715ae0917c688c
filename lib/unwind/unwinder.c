/*
 * unwinder.c - the address space an unwind walks: creating it and adding modules with their
 * tables. Everything slow (analysis, reading .sframe, sidecars) happens here, up front, so
 * that trustack_unwind() itself only looks things up.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cache.h"
#include "common/opts.h"
#include "elf/handle.h"
#include "tables/sframe.h"
#include "unwind/uwint.h"
#include "common/vec.h"

int trustack_unwinder__new(const struct trustack_unwinder_opts *opts, struct trustack_unwinder **out)
{
	if (!out)
		return -TRUSTACK_E_ARG;
	*out = NULL;
	struct trustack_unwinder *u = calloc(1, sizeof(*u));
	if (!u)
		return -TRUSTACK_E_NOMEM;
	if (TS_OPTS_LOAD(u->opts, opts)) { /* opts NULL: the defaults */
		free(u);
		return -TRUSTACK_E_ARG;
	}
	if (u->opts.cache_dir && !(u->cache_dir = strdup(u->opts.cache_dir))) {
		free(u);
		return -TRUSTACK_E_NOMEM;
	}
	u->opts.cache_dir = u->cache_dir;
	u->stack_lo = u->opts.stack_lo;
	u->stack_hi = u->opts.stack_hi;
	u->pac_mask = u->opts.pac_mask;
	if (!u->opts.no_memo) /* NULL: every frame takes the full path (slower, same results) */
		u->memo = calloc(2, sizeof(*u->memo));
	*out = u;
	return 0;
}

static void module_free(struct ts_uw_module *m)
{
	free(m->name);
	ts_uw_table_free(&m->ana);
	ts_uw_table_free(&m->sf);
}

void trustack_unwinder__free(struct trustack_unwinder *u)
{
	if (!u)
		return;
	for (size_t i = 0; i < u->nmods; i++)
		module_free(&u->mods[i]);
	free(u->mods);
	free(u->sorted);
	free(u->memo);
	free(u->cache_dir);
	free(u);
}

int trustack_unwinder__set_read_mem(struct trustack_unwinder *u, trustack_read_fn read_mem, void *ctx)
{
	if (!u || (!read_mem && !u->self))
		return -TRUSTACK_E_ARG;
	u->opts.read_mem = read_mem;
	u->opts.ctx = ctx;
	u->direct = !read_mem;
	return 0;
}

size_t trustack_unwinder__module_count(const struct trustack_unwinder *u)
{
	return u ? u->nmods : 0;
}

const char *trustack_unwinder__module_name(const struct trustack_unwinder *u, size_t i, uint64_t *start,
					   uint64_t *end, uint64_t *bias)
{
	if (!u || i >= u->nmods)
		return NULL;
	const struct ts_uw_module *m = &u->mods[i];
	if (start)
		*start = m->start;
	if (end)
		*end = m->end;
	if (bias)
		*bias = m->bias;
	return m->name;
}

const struct ts_uw_module *ts_uw_find_module(const struct trustack_unwinder *u, uint64_t pc)
{
	size_t lo = 0, hi = u->nmods;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct ts_uw_module *m = &u->mods[u->sorted[mid]];
		if (pc < m->start)
			hi = mid;
		else if (pc >= m->end)
			lo = mid + 1;
		else
			return m;
	}
	return NULL;
}

/* The analysis' table: a sidecar named by the caller, one in the cache for the build-id, or
 * the analysis itself (then saved to the cache for the next time). */
static int analysis_table(struct trustack_unwinder *u, const struct trustack_module_desc *d, struct ts_utable *t,
			  char *err, size_t errlen)
{
	if (d->sidecar)
		return ts_utable_load(d->sidecar, t, err, errlen);
	const struct ts_image *img = d->elf ? d->elf->img : NULL;
	char path[4096];
	uint8_t id[32];
	size_t idlen = 0;
	if (!u->opts.no_cache && img)
		idlen = ts_image_build_id(img, id, sizeof(id));
	else if (!u->opts.no_cache && d->build_id_len && d->build_id_len <= sizeof(id))
		memcpy(id, d->build_id, idlen = d->build_id_len);
	bool cached = idlen && ts_cache_file(u->cache_dir, id, idlen, TS_CACHE_SIDECAR, path, sizeof(path)) == 0;
	if (cached && ts_utable_load_cached(path, id, idlen, img ? img->ehdr.e_machine : 0, t, err, errlen) == 0)
		return 0;
	if (u->opts.no_analysis || !img)
		return -TRUSTACK_E_NOTFOUND;
	int rc = ts_utable_build(img, u->opts.threads, t);
	if (rc) {
		snprintf(err, errlen, "%s: analysis failed: %s", d->name ? d->name : "module", trustack_strerror(rc));
		return rc;
	}
	if (cached)
		(void)ts_utable_save(t, path, err, errlen); /* a cache that cannot be written is no error */
	return 0;
}

static int sframe_table(const struct trustack_module_desc *d, struct ts_utable *t, char *err, size_t errlen)
{
	struct ts_sframe sf = { 0 };
	int rc = ts_sframe_read(d->elf->img, &sf, err, errlen);
	if (rc == 0)
		rc = ts_uw_utable_from_sframe(&sf, (uint16_t)d->elf->img->ehdr.e_machine, t);
	ts_sframe_free(&sf);
	return rc;
}

static void find_plt(struct ts_uw_module *m, const struct ts_image *img)
{
	for (size_t i = 0; i < img->nsecs && m->nplt < TS_UW_MAX_PLT; i++) {
		const struct ts_section *s = &img->secs[i];
		if (s->name && s->size && (!strcmp(s->name, ".plt") || !strcmp(s->name, ".plt.got") ||
					   !strcmp(s->name, ".plt.sec"))) {
			m->plt_lo[m->nplt] = s->addr;
			m->plt_hi[m->nplt++] = s->addr + s->size;
		}
	}
}

/*
 * The signal trampoline is found once, here, by its bytes in the file's code (glibc's
 * __restore_rt has no dynamic symbol), so the walk compares a pc with a few addresses instead
 * of reading code at every frame.
 */
void ts_uw_scan_sigret(struct ts_uw_module *m, const struct ts_image *img)
{
	const struct ts_uw_arch *a = m->arch;
	m->nsig = 0;
	m->sig_scanned = false;
	/* a second trampoline (s390x) is not listed: its bytes are checked at unwind time */
	if (!a || !a->sigret_len || a->sigret2)
		return;
	for (size_t i = 0; i < img->nsecs; i++) {
		const struct ts_section *s = &img->secs[i];
		if (!s->exec || !s->data || s->size < a->sigret_len)
			continue;
		const uint8_t *p = s->data, *end = s->data + s->size;
		while ((p = memmem(p, (size_t)(end - p), a->sigret, a->sigret_len)) != NULL) {
			if (m->nsig == sizeof(m->sig) / sizeof(m->sig[0]))
				return; /* too many to list: keep checking bytes at unwind time */
			m->sig[m->nsig++] = s->addr + (uint64_t)(p - s->data);
			p++;
		}
	}
	m->sig_scanned = true;
}

int trustack_unwinder__add_module(struct trustack_unwinder *u, const struct trustack_module_desc *d, char *errbuf,
				  size_t errlen)
{
	char dummy[8];
	if (!errbuf)
		errbuf = dummy, errlen = sizeof(dummy);
	if (errlen)
		errbuf[0] = 0;
	struct trustack_module_desc desc;
	if (!d || TS_OPTS_LOAD(desc, d)) {
		snprintf(errbuf, errlen, "bad module description (sz)");
		return -TRUSTACK_E_ARG;
	}
	d = &desc;
	bool elfkind = d->kind == TRUSTACK_MODULE_FILE || d->kind == TRUSTACK_MODULE_VDSO;
	if (!u || d->end <= d->start || (elfkind && !d->elf && !d->sidecar && !d->build_id_len)) {
		snprintf(errbuf, errlen, "bad module description");
		return -TRUSTACK_E_ARG;
	}
	for (size_t i = 0; i < u->nmods; i++)
		if (d->start < u->mods[i].end && u->mods[i].start < d->end) {
			snprintf(errbuf, errlen, "%s overlaps %s", d->name ? d->name : "module", u->mods[i].name);
			return -TRUSTACK_E_ARG;
		}
	if (u->nmods == u->capmods) { /* mods and sorted share capmods */
		size_t cap = ts_vec_next_cap(u->capmods, u->nmods + 1, 16, sizeof(struct ts_uw_module));
		if (!cap || ts_vec_resize((void **)&u->mods, cap, sizeof(struct ts_uw_module)) ||
		    ts_vec_resize((void **)&u->sorted, cap, sizeof(uint32_t)))
			return -TRUSTACK_E_NOMEM;
		u->capmods = cap;
	}
	struct ts_uw_module m = { 0 };
	m.kind = d->kind;
	m.start = d->start, m.end = d->end, m.bias = d->bias;
	m.sframe_trusted = d->sframe_trusted;
	m.name = strdup(d->name ? d->name : "?");
	if (!m.name)
		return -TRUSTACK_E_NOMEM;
	int rc = 0;
	if (elfkind) {
		uint16_t machine = d->elf ? (uint16_t)d->elf->img->ehdr.e_machine : 0;
		rc = analysis_table(u, d, &m.ana.t, errbuf, errlen);
		if (rc == -TRUSTACK_E_NOTFOUND)
			rc = 0; /* no analysis table: those modes say unreliable here */
		else if (rc == 0 && (rc = ts_uw_table_index(&m.ana, u->self)) == 0 && !machine)
			machine = m.ana.t.machine;
		if (rc == 0 && d->elf) {
			int r2 = sframe_table(d, &m.sf.t, errbuf, errlen);
			if (r2 == 0)
				rc = ts_uw_table_index(&m.sf, u->self);
			else if (r2 != -TRUSTACK_E_NOTFOUND)
				rc = r2;
			find_plt(&m, d->elf->img);
		}
		m.arch = ts_uw_arch_for(machine);
		if (d->elf)
			ts_uw_scan_sigret(&m, d->elf->img);
		if (rc == 0 && !m.arch) {
			snprintf(errbuf, errlen, "%s: unsupported architecture", m.name);
			rc = -TRUSTACK_E_UNSUPPORTED;
		}
		if (errlen && rc == 0)
			errbuf[0] = 0;
	}
	if (rc) {
		module_free(&m);
		return rc;
	}
	m.index = (int32_t)u->nmods;
	u->mods[u->nmods] = m;
	if (u->memo) /* a pc the memo knows is never in a new module, but keep it simple */
		memset(u->memo, 0, 2 * sizeof(*u->memo));
	/* insertion into the by-address order (a handful of modules) */
	size_t k = u->nmods;
	while (k && u->mods[u->sorted[k - 1]].start > m.start) {
		u->sorted[k] = u->sorted[k - 1];
		k--;
	}
	u->sorted[k] = (uint32_t)u->nmods;
	u->nmods++;
	return (int)(u->nmods - 1);
}
