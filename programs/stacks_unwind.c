/*
 * stacks_unwind.c - the unwind tables of a target's modules and the walk of each thread.
 *
 * Tables: each mapped ELF module (and the vDSO, from the target's memory) gets the unwinder's
 * table from the sidecar cache, keyed by build-id; a module without one is analysed now and its
 * table saved, so the next run only maps files. That is the whole cost of a cold run.
 *
 * The walk: the reliable unwinder (lib/unwind, trustack_unwinder__from_proc) over the stack
 * copies of the snapshot; the threads are running again by then.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stacks.h"

struct st_module_table {
	struct trustack_elf *elf;
	struct trustack_sidecar *sc;
	void *image; /* the vDSO's bytes, kept alive for elf */
};

struct st_tables {
	struct st_module_table *m; /* parallel to the snapshot's modules */
	size_t n;
	struct trustack_unwinder *u;
};

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* The vDSO's ELF image, read from the target (it exists only there). */
static void *read_image(const struct trustack_proc *p, const struct trustack_module *mod, size_t *size)
{
	size_t len = mod->end - mod->start;
	if (!len || len > (64u << 20))
		return NULL;
	void *buf = malloc(len);
	if (buf && trustack_proc__read((void *)p, mod->start, buf, len)) {
		free(buf);
		return NULL;
	}
	*size = len;
	return buf;
}

/* Whether the module's sidecar is in the cache, by the build-id the snapshot read from the
 * mapping: its header only (no ELF parsing, no reading of the table, which the unwinder loads
 * and checks right after). */
static bool cached_sidecar(const struct trustack_module *mod, const struct st_tables_opts *o)
{
	return !o->no_cache && mod->build_id_len &&
	       !trustack_sidecar__cached(mod->build_id, mod->build_id_len, o->cache_dir);
}

static int prepare_one(const struct trustack_proc *p, const struct trustack_module *mod, const struct st_tables_opts *o,
		       struct st_module_table *mt, struct st_tables_stats *st)
{
	if (cached_sidecar(mod, o)) {
		st->cached++;
		return 0;
	}
	char err[512] = "";
	int rc;
	if (mod->kind == TRUSTACK_MODULE_VDSO) {
		size_t size = 0;
		mt->image = read_image(p, mod, &size);
		rc = mt->image ? trustack_elf__open_mem(mt->image, size, "[vdso]", &mt->elf, err, sizeof(err))
			       : -TRUSTACK_E_IO;
	} else {
		/* a core's module: the file matched by build-id (lib/proc/core.c), never the path */
		const char *file = trustack_proc__core(p) ? mod->file : mod->path;
		rc = file ? trustack_elf__open(file, &mt->elf, err, sizeof(err)) : -TRUSTACK_E_NOTFOUND;
	}
	if (rc)
		return rc;
	if (o->progress)
		fprintf(stderr, "trustack stacks: analysing %s ...\n", base_name(mod->path));
	rc = trustack_sidecar__build(mt->elf, o->threads, &mt->sc, err, sizeof(err));
	if (rc)
		return rc;
	st->built++;
	char path[4096];
	/* a module without a build-id cannot be cached: its table lives for this run only */
	if (!o->no_cache && !trustack_sidecar__path(mt->elf, o->cache_dir, path, sizeof(path)))
		trustack_sidecar__save(mt->sc, path, err, sizeof(err));
	return 0;
}

int st_tables_prepare(const struct trustack_proc *p, const struct st_tables_opts *o, struct st_tables **out,
		      struct st_tables_stats *stats, char *err, size_t errlen)
{
	struct st_tables *t = calloc(1, sizeof(*t));
	size_t n = trustack_proc__module_count(p);
	if (!t || !(t->m = calloc(n ? n : 1, sizeof(*t->m)))) {
		free(t);
		snprintf(err, errlen, "out of memory");
		return -TRUSTACK_E_NOMEM;
	}
	t->n = n;
	memset(stats, 0, sizeof(*stats));
	for (size_t i = 0; i < n; i++) {
		const struct trustack_module *mod = trustack_proc__module(p, i);
		if (mod->kind != TRUSTACK_MODULE_FILE && mod->kind != TRUSTACK_MODULE_VDSO)
			continue;
		stats->modules++;
		if (o->no_cache) { /* the unwinder analyses every module itself */
			stats->built++;
			continue;
		}
		/* a module we cannot analyse (not ELF, unreadable, another architecture) is not an
		 * error of the run: its frames are unreliable when the walk reaches them */
		if (prepare_one(p, mod, o, &t->m[i], stats))
			stats->failed++;
		/* the unwinder maps the cached sidecar itself: nothing to keep */
		trustack_sidecar__close(t->m[i].sc);
		trustack_elf__close(t->m[i].elf);
		free(t->m[i].image);
		t->m[i] = (struct st_module_table){ 0 };
	}
	*out = t;
	return 0;
}

void st_tables_free(struct st_tables *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		trustack_sidecar__close(t->m[i].sc);
		trustack_elf__close(t->m[i].elf);
		free(t->m[i].image);
	}
	free(t->m);
	trustack_unwinder__free(t->u);
	free(t);
}

bool st_mode_valid(const char *mode)
{
	enum trustack_unwind_mode m;
	return !trustack_unwind_mode__parse(mode, &m);
}

bool st_unwinder_available(void)
{
	return true;
}

int st_unwinder_open(struct st_tables *t, struct trustack_proc *p, const struct st_tables_opts *o, char *err,
		     size_t errlen)
{
	/* the sidecars are in the cache now (st_tables_prepare): the unwinder maps them by build-id */
	struct trustack_unwinder_opts uo = { .sz = sizeof(uo), .threads = o->threads, .cache_dir = o->cache_dir,
					     .no_cache = o->no_cache };
	return trustack_unwinder__from_proc(p, &uo, &t->u, err, errlen);
}

int st_unwind_thread(struct st_tables *t, const struct trustack_proc *p, size_t i, const char *mode,
		     struct st_trace *out)
{
	enum trustack_unwind_mode m = TRUSTACK_UNWIND_AUTO;
	trustack_unwind_mode__parse(mode, &m);
	memset(out, 0, sizeof(*out));
	out->tid = trustack_proc__thread(p, i)->tid;
	struct trustack_frame fr[STACKS_MAX_FRAMES];
	struct trustack_unwind_result res = { 0 };
	int rc = trustack_unwind_proc_thread(t->u, m, p, i, fr, STACKS_MAX_FRAMES, &res);
	if (rc)
		return rc;
	size_t n = res.count ? res.count : 1;
	out->frames = calloc(n, sizeof(*out->frames));
	if (!out->frames)
		return -TRUSTACK_E_NOMEM;
	if (!res.count) /* nothing walked: frame 0 is still a fact of the registers */
		out->frames[0] = (struct st_frame){ .pc = trustack_proc__thread(p, i)->regs.pc, .exact = true };
	for (size_t k = 0; k < res.count; k++)
		out->frames[k] = (struct st_frame){ .pc = fr[k].pc, .exact = (fr[k].flags & TRUSTACK_FRAME_EXACT) != 0,
						    .module = -1 };
	out->n = n;
	out->reliable = res.verdict == TRUSTACK_UNWIND_RELIABLE;
	out->reason = out->reliable ? NULL : trustack_unwind_verdict__name(res.verdict);
	out->lost_at = res.lost_at;
	return 0;
}
