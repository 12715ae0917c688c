/*
 * perf_syms.c - names for a profile's frames: each mapped file's symbols opened once (from the
 * symbol cache by the build-id the profile recorded, so a warm run parses no ELF file), link-time
 * addresses from the load bias of the mapping, C++ names demangled for text when libstdc++ is
 * on the machine (loaded only then, as `stacks` does).
 */
#include <dlfcn.h>
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#include "perf.h"
#include "vec.h"

struct pf_mod {
	char *path;
	uint8_t id[32], idlen;
	struct trustack_symbols *s; /* NULL: none could be read */
};

typedef char *(*demangle_fn)(const char *, char *, size_t *, int *);

struct pf_syms {
	const char *cache_dir, *root;
	bool no_cache, demangle;
	struct pf_mod *m;
	size_t n, cap;
	size_t last;               /* the module found last: most frames are in the one before */
	bool demangle_tried;
	void *libstdcxx;
	demangle_fn fn;
	char *demangled;
};

struct pf_syms *pf_syms_new(const char *cache_dir, bool no_cache, const char *root, bool demangle)
{
	struct pf_syms *s = calloc(1, sizeof(*s));
	if (s)
		s->cache_dir = cache_dir, s->no_cache = no_cache, s->root = root, s->demangle = demangle;
	return s;
}

void pf_syms_free(struct pf_syms *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		trustack_symbols__close(s->m[i].s);
		free(s->m[i].path);
	}
	free(s->m);
	free(s->demangled);
	if (s->libstdcxx)
		dlclose(s->libstdcxx);
	free(s);
}

static bool same(const struct pf_mod *m, const struct trustack_module *mod)
{
	return m->idlen == mod->build_id_len && !memcmp(m->id, mod->build_id, m->idlen) && !strcmp(m->path, mod->path);
}

/* Our own vDSO's symbols: the library gives a profile's [vdso] a known load bias only when it is
 * this image (the same build-id, or the same kernel release). */
static void vdso_syms(struct trustack_symbols **out)
{
	const void *vd = (const void *)(uintptr_t)getauxval(AT_SYSINFO_EHDR);
	Elf64_Ehdr eh;
	if (!vd)
		return;
	memcpy(&eh, vd, sizeof(eh));
	size_t size = eh.e_shoff + (size_t)eh.e_shnum * eh.e_shentsize;
	if (!memcmp(eh.e_ident, ELFMAG, SELFMAG) && eh.e_shoff && size <= (1u << 20))
		trustack_symbols__open_mem(vd, size, "[vdso]", out, NULL, 0);
}

static struct trustack_symbols *module_syms(struct pf_syms *s, const struct trustack_module *mod)
{
	if (s->last < s->n && same(&s->m[s->last], mod))
		return s->m[s->last].s;
	for (size_t i = 0; i < s->n; i++)
		if (same(&s->m[i], mod)) {
			s->last = i;
			return s->m[i].s;
		}
	if (TS_GROW(s->m, s->n, s->cap, 16))
		return NULL;
	struct pf_mod *m = &s->m[s->n];
	*m = (struct pf_mod){ .path = strdup(mod->path), .idlen = mod->build_id_len };
	if (!m->path)
		return NULL;
	memcpy(m->id, mod->build_id, mod->build_id_len);
	char path[4200];
	snprintf(path, sizeof(path), "%s%s", s->root ? s->root : "", mod->path);
	/* the file must be the one recorded: by build-id through the cache, else refused */
	if (mod->kind == TRUSTACK_MODULE_VDSO && mod->bias_known)
		vdso_syms(&m->s);
	if (mod->kind == TRUSTACK_MODULE_FILE && mod->bias_known) {
		if (mod->build_id_len && !s->no_cache)
			trustack_symbols__open_cached(path, mod->build_id, mod->build_id_len, s->cache_dir, &m->s, NULL, 0);
		else
			trustack_symbols__open(path, &m->s, NULL, 0);
	}
	s->last = s->n++;
	return m->s;
}

static const char *base_name(const char *path)
{
	const char *b = strrchr(path, '/');
	return b ? b + 1 : path;
}

void pf_syms_frame(struct pf_syms *s, struct trustack_perf *p, int pid, bool exact, struct pf_frame *f)
{
	f->module = NULL, f->function = NULL, f->offset = 0;
	const struct trustack_module *mod = trustack_perf__module_at(p, pid, f->pc);
	if (!mod)
		return;
	f->module = mod->kind == TRUSTACK_MODULE_ANON_EXEC ? "[anon]" : base_name(mod->path);
	if (!mod->bias_known)
		return;
	struct trustack_symbols *sy = module_syms(s, mod);
	struct trustack_symbol sym;
	uint64_t at = f->pc - mod->bias - (exact ? 0 : 1);
	if (sy && !trustack_symbols__lookup(sy, at, &sym)) {
		f->function = sym.name;
		f->offset = f->pc - mod->bias - sym.start;
	}
}

const char *pf_syms_display(struct pf_syms *s, const char *name)
{
	if (!name || !s->demangle || strncmp(name, "_Z", 2))
		return name;
	if (!s->demangle_tried) {
		s->demangle_tried = true;
		s->libstdcxx = dlopen("libstdc++.so.6", RTLD_LAZY | RTLD_LOCAL);
		if (s->libstdcxx)
			*(void **)&s->fn = dlsym(s->libstdcxx, "__cxa_demangle");
	}
	int status = 0;
	char *d = s->fn ? s->fn(name, NULL, NULL, &status) : NULL;
	if (!d || status) {
		free(d);
		return name;
	}
	free(s->demangled);
	s->demangled = d;
	return d;
}
