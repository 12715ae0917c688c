/*
 * stacks_syms.c - symbolising a snapshot's frames: each module's symbols opened once, from the
 * symbol cache by the build-id the snapshot read (no ELF parsing on a warm run; the vDSO's from
 * the target's memory), addresses turned into link-time ones by the load bias, and
 * C++ names demangled for the text output without linking libstdc++ (it is loaded only if it is
 * on the machine).
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stacks.h"

struct st_mod_syms {
	bool tried;
	struct trustack_symbols *s;
};

typedef char *(*demangle_fn)(const char *, char *, size_t *, int *);

struct st_syms {
	const struct trustack_proc *p;
	bool lines, no_cache;
	const char *cache_dir;
	struct st_mod_syms *m;
	size_t n;
	bool demangle_tried;
	void *libstdcxx;
	demangle_fn demangle;
	char *demangled;
	struct st_frame last; /* the last frame symbolised (names only: file is owned by its frame) */
	bool have_last;
};

static void st_syms_frame_lookup(struct st_syms *s, struct st_frame *f);

struct st_syms *st_syms_new(const struct trustack_proc *p, bool lines, const char *cache_dir, bool no_cache)
{
	struct st_syms *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->p = p, s->lines = lines, s->cache_dir = cache_dir, s->no_cache = no_cache;
	s->n = trustack_proc__module_count(p);
	s->m = calloc(s->n ? s->n : 1, sizeof(*s->m));
	if (!s->m) {
		free(s);
		return NULL;
	}
	return s;
}

void st_syms_free(struct st_syms *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		trustack_symbols__close(s->m[i].s);
	free(s->m);
	free(s->demangled);
	if (s->libstdcxx)
		dlclose(s->libstdcxx);
	free(s);
}

struct trustack_symbols *st_syms_module(struct st_syms *s, size_t i)
{
	if (i >= s->n)
		return NULL;
	struct st_mod_syms *m = &s->m[i];
	if (m->tried)
		return m->s;
	m->tried = true;
	const struct trustack_module *mod = trustack_proc__module(s->p, i);
	if (mod->kind == TRUSTACK_MODULE_FILE && trustack_proc__core(s->p)) {
		/* a core: the file its build-id matched (no /proc: the process is gone) */
		if (mod->file && (!mod->build_id_len || s->no_cache ||
				  trustack_symbols__open_cached(mod->file, mod->build_id, mod->build_id_len,
								s->cache_dir, &m->s, NULL, 0)))
			trustack_symbols__open(mod->file, &m->s, NULL, 0);
	} else if (mod->kind == TRUSTACK_MODULE_FILE) {
		/* a file replaced since it was mapped would give wrong names: read the mapped one */
		char path[128];
		if (mod->deleted) {
			snprintf(path, sizeof(path), "/proc/%d/map_files/%lx-%lx", trustack_proc__pid(s->p),
				 (unsigned long)mod->exec[0].start, (unsigned long)mod->exec[0].end);
			trustack_symbols__open(path, &m->s, NULL, 0);
		} else if (!mod->build_id_len || s->no_cache ||
			   trustack_symbols__open_cached(mod->path, mod->build_id, mod->build_id_len, s->cache_dir,
							 &m->s, NULL, 0)) {
			/* no build-id to key a cache by, or the file on disk is not the mapped build:
			 * read what is mapped (map_files), else the path */
			char mapped[128];
			snprintf(mapped, sizeof(mapped), "/proc/%d/map_files/%lx-%lx", trustack_proc__pid(s->p),
				 (unsigned long)mod->exec[0].start, (unsigned long)mod->exec[0].end);
			if (trustack_symbols__open(mapped, &m->s, NULL, 0))
				trustack_symbols__open(mod->path, &m->s, NULL, 0);
		}
	} else if (mod->kind == TRUSTACK_MODULE_OTHER_EXEC && trustack_proc__core(s->p) && mod->build_id_len &&
		   !s->no_cache) {
		/* a core's module whose file is gone or changed: names from the symbol cache, if an
		 * earlier run kept them for this build (the file itself is refused by its build-id) */
		trustack_symbols__open_cached(mod->path, mod->build_id, mod->build_id_len, s->cache_dir, &m->s, NULL, 0);
	} else if (mod->kind == TRUSTACK_MODULE_VDSO) {
		size_t len = mod->end - mod->start;
		void *buf = len && len < (64u << 20) ? malloc(len) : NULL;
		if (buf && !trustack_proc__read((void *)s->p, mod->start, buf, len))
			trustack_symbols__open_mem(buf, len, "[vdso]", &m->s, NULL, 0);
		free(buf);
	}
	return m->s;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s && s[1] ? s + 1 : path;
}

void st_syms_frame(struct st_syms *s, struct st_frame *f)
{
	/* a recursion repeats one return address for many frames: the answer of the last one */
	if (s->have_last && s->last.pc == f->pc && s->last.exact == f->exact && !s->lines) {
		*f = s->last;
		return;
	}
	st_syms_frame_lookup(s, f);
	s->last = *f, s->have_last = true;
}

static void st_syms_frame_lookup(struct st_syms *s, struct st_frame *f)
{
	const struct trustack_module *mod = trustack_proc__module_at(s->p, f->pc);
	f->module = -1;
	if (!mod)
		return;
	f->module = (int)(mod - trustack_proc__module(s->p, 0));
	f->module_name = *mod->path ? base_name(mod->path) : "[anon]";
	struct trustack_symbols *sy = st_syms_module(s, (size_t)f->module);
	if (!sy || !mod->bias_known)
		return;
	/* a return address may be just past the call that ends a function: look up pc - 1 */
	uint64_t at = f->pc - mod->bias - (f->exact ? 0 : 1);
	struct trustack_symbol sym;
	if (!trustack_symbols__lookup(sy, at, &sym)) {
		f->function = sym.name;
		f->offset = f->pc - mod->bias - sym.start;
	}
	const char *file;
	int line;
	if (s->lines && !trustack_symbols__source(sy, at, &file, &line)) {
		f->file = strdup(file);
		f->line = line;
	}
}

const char *st_demangle(struct st_syms *s, const char *name)
{
	if (!name || strncmp(name, "_Z", 2))
		return NULL;
	if (!s->demangle_tried) {
		s->demangle_tried = true;
		s->libstdcxx = dlopen("libstdc++.so.6", RTLD_LAZY | RTLD_LOCAL);
		if (s->libstdcxx)
			*(void **)&s->demangle = dlsym(s->libstdcxx, "__cxa_demangle");
	}
	if (!s->demangle)
		return NULL;
	int status = 0;
	char *d = s->demangle(name, NULL, NULL, &status);
	if (!d || status)
		return NULL;
	free(s->demangled);
	s->demangled = d;
	return d;
}
