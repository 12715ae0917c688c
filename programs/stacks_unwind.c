/*
 * stacks_unwind.c - the unwind tables of a target's modules and the walk of each thread.
 *
 * Tables: each mapped ELF module (and the vDSO, from the target's memory) gets the unwinder's
 * table from the sidecar cache, keyed by build-id; a module without one is analysed now and its
 * table saved, so the next run only maps files. That is the whole cost of a cold run.
 *
 * The walk: the reliable unwinder (lib/unwind, issue 4) is not on main yet. Until it is, a trace
 * holds only what the registers prove (frame 0, the pc) and is unreliable with the reason
 * "no-unwinder" at frame 0, so nothing downstream (the --check verdict) can call a thread safe
 * on the strength of a walk that did not happen. st_unwind_thread() is the one place to wire it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stacks.h"
/* ts_cache_path(): the cache layout, shared with the library (see the report of issue 5: a
 * public trustack_sidecar__path_by_build_id() would remove this internal include) */
#include "unwind/utable.h"

struct st_module_table {
	struct trustack_elf *elf;
	struct trustack_sidecar *sc;
	void *image; /* the vDSO's bytes, kept alive for elf */
};

struct st_tables {
	struct st_module_table *m; /* parallel to the snapshot's modules */
	size_t n;
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

/* The module's sidecar from the cache, by the build-id the snapshot read from the mapping (no
 * ELF parsing: a warm run only maps small files). The file found must be of the same build. */
static bool cached_sidecar(const struct trustack_module *mod, const struct st_tables_opts *o,
			   struct trustack_sidecar **out)
{
	char path[4096], err[256];
	if (o->no_cache || !mod->build_id_len ||
	    ts_cache_path(o->cache_dir, mod->build_id, mod->build_id_len, path, sizeof(path)))
		return false;
	struct trustack_sidecar *sc;
	if (trustack_sidecar__open(path, &sc, err, sizeof(err)))
		return false;
	struct trustack_sidecar_info in;
	trustack_sidecar__info(sc, &in);
	if (in.build_id_len != mod->build_id_len || memcmp(in.build_id, mod->build_id, mod->build_id_len)) {
		trustack_sidecar__close(sc);
		return false;
	}
	*out = sc;
	return true;
}

static int prepare_one(const struct trustack_proc *p, const struct trustack_module *mod, const struct st_tables_opts *o,
		       struct st_module_table *mt, struct st_tables_stats *st)
{
	if (cached_sidecar(mod, o, &mt->sc)) {
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
		rc = trustack_elf__open(mod->path, &mt->elf, err, sizeof(err));
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
		/* a module we cannot analyse (not ELF, unreadable, another architecture) is not an
		 * error of the run: its frames are unreliable when the walk reaches them */
		if (prepare_one(p, mod, o, &t->m[i], stats))
			stats->failed++;
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
	free(t);
}

static const char *const modes[] = { "fp", "fp-validated", "orc", "sframe", "auto" };

bool st_mode_valid(const char *mode)
{
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (!strcmp(mode, modes[i]))
			return true;
	return false;
}

bool st_unwinder_available(void)
{
	return false;
}

int st_unwind_thread(struct st_tables *t, const struct trustack_proc *p, const struct trustack_proc_thread *th,
		     const char *mode, struct st_trace *out)
{
	(void)t, (void)p, (void)mode;
	memset(out, 0, sizeof(*out));
	out->tid = th->tid;
	out->frames = calloc(1, sizeof(*out->frames));
	if (!out->frames)
		return -TRUSTACK_E_NOMEM;
	/* frame 0 is a fact of the registers; its callers wait for the unwinder */
	out->frames[0] = (struct st_frame){ .pc = th->regs.pc, .exact = true, .module = -1 };
	out->n = 1;
	out->reliable = false;
	out->reason = "no-unwinder";
	out->lost_at = 0;
	return 0;
}
