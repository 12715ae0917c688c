/*
 * from_proc.c - the remote face's glue: an unwinder for a process snapshot (lib/proc), every
 * mapped module with its tables (the vDSO's image read from the target's memory), memory read
 * through trustack_proc__read, and a thread's trace bounded by the stack copy taken while it
 * was stopped (the live stack has moved on since). A core file's process object answers the same
 * calls; only where a module's file is found differs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <elf.h>

#include "common/cache.h"
#include "common/opts.h"
#include "symbols/symbols.h"
#include "unwind/sidecar_peek.h"
#include "unwind/utable.h"
#include "unwind/uwint.h"

/* The vDSO as the target has it: its ELF header says how long the image is. */
static int open_remote_vdso(struct trustack_proc *p, uint64_t at, struct trustack_elf **elf, void **copy,
			    char *err, size_t errlen)
{
	Elf64_Ehdr eh;
	if (trustack_proc__read(p, at, &eh, sizeof(eh)) != 0 || memcmp(eh.e_ident, ELFMAG, SELFMAG))
		return -TRUSTACK_E_FORMAT;
	size_t size = eh.e_shoff + (size_t)eh.e_shnum * eh.e_shentsize;
	if (!eh.e_shoff || size > (64u << 20))
		return -TRUSTACK_E_FORMAT;
	*copy = malloc(size);
	if (!*copy)
		return -TRUSTACK_E_NOMEM;
	if (trustack_proc__read(p, at, *copy, size) != 0)
		return -TRUSTACK_E_IO;
	return trustack_elf__open_mem(*copy, size, "[vdso]", elf, err, errlen);
}

/*
 * The warm path: a module whose sidecar is in the cache for the build-id the snapshot read, and
 * whose facts (PLT ranges, signal trampolines, no .sframe) are in the symbol cache, is added
 * without opening its ELF file at all; libc's full image reading cost more than everything
 * else of a warm `trustack stacks` (and of a warm `trustack perf`, lib/perf/space.c). Returns the
 * module's index, or < 0 to take the slow path.
 */
int ts_uw_add_from_cache(struct trustack_unwinder *u, const struct trustack_module *mod,
			 const struct trustack_module_desc *d, const char *file)
{
	char sc[4096];
	/* the header here, every entry when the unwinder loads it (a file refused there is rebuilt
	 * by the slow path) */
	if (u->opts.no_cache || !mod->build_id_len ||
	    ts_cache_file(u->cache_dir, mod->build_id, mod->build_id_len, TS_CACHE_SIDECAR, sc, sizeof(sc)) ||
	    ts_sidecar_peek(sc, mod->build_id, mod->build_id_len))
		return -1;
	struct trustack_symbols *sy;
	if (trustack_symbols__open_cached(file, mod->build_id, mod->build_id_len, u->cache_dir, &sy, NULL, 0))
		return -1;
	struct ts_syms_facts f = *ts_symbols_facts(sy);
	trustack_symbols__close(sy);
	if (f.flags & TS_SYMS_HAS_SFRAME)
		return -1; /* the unwinder reads .sframe from the file */
	struct trustack_module_desc c = *d;
	c.elf = NULL, c.sidecar = sc;
	int idx = trustack_unwinder__add_module(u, &c, NULL, 0);
	if (idx < 0)
		return -1;
	struct ts_uw_module *m = &u->mods[idx];
	if (!m->arch || m->ana.t.machine != f.machine)
		return idx; /* added, as the slow path would: without an architecture nothing is walked */
	for (unsigned i = 0; i < f.nplt && i < TS_UW_MAX_PLT; i++)
		m->plt_lo[i] = f.plt_lo[i], m->plt_hi[i] = f.plt_hi[i];
	m->nplt = f.nplt < TS_UW_MAX_PLT ? f.nplt : TS_UW_MAX_PLT;
	m->nsig = 0;
	for (unsigned i = 0; i < f.nsig && i < sizeof(m->sig) / sizeof(m->sig[0]); i++)
		m->sig[m->nsig++] = f.sig[i];
	m->sig_scanned = (f.flags & TS_SYMS_SIG_COMPLETE) && m->nsig == f.nsig;
	return idx;
}

int trustack_unwinder__from_proc(struct trustack_proc *p, const struct trustack_unwinder_opts *opts,
				 struct trustack_unwinder **out, char *errbuf, size_t errlen)
{
	char dummy[8];
	if (!errbuf)
		errbuf = dummy, errlen = sizeof(dummy);
	if (!p || !out)
		return -TRUSTACK_E_ARG;
	*out = NULL;
	struct trustack_unwinder_opts o;
	if (TS_OPTS_LOAD(o, opts)) /* opts NULL: the defaults */
		return -TRUSTACK_E_ARG;
	if (!o.read_mem)
		o.read_mem = trustack_proc__read, o.ctx = p;
	struct trustack_unwinder *u;
	int rc = trustack_unwinder__new(&o, &u);
	if (rc)
		return rc;
	for (size_t i = 0; i < trustack_proc__module_count(p) && !rc; i++) {
		const struct trustack_module *mod = trustack_proc__module(p, i);
		if (!mod->nexec)
			continue;
		struct trustack_module_desc d = {
			.sz = sizeof(d), .name = mod->path, .kind = mod->kind, .bias = mod->bias,
			.start = mod->exec[0].start, .end = mod->exec[mod->nexec - 1].end,
			.build_id = mod->build_id, .build_id_len = mod->build_id_len,
		};
		struct trustack_elf *elf = NULL;
		void *copy = NULL;
		char path[4200];
		if (mod->kind == TRUSTACK_MODULE_FILE && mod->bias_known && trustack_proc__core(p)) {
			/* a core: the file whose build-id the core names, never the path (it may have
			 * changed) nor anything under /proc (the pid is long gone, or another process') */
			if (mod->file && ts_uw_add_from_cache(u, mod, &d, mod->file) >= 0)
				continue;
			if (!mod->file || trustack_elf__open(mod->file, &elf, errbuf, errlen) != 0)
				elf = NULL;
		} else if (mod->kind == TRUSTACK_MODULE_FILE && mod->bias_known) {
			/* the target's own view of the file first (another mount namespace) */
			snprintf(path, sizeof(path), "/proc/%d/root%s", trustack_proc__pid(p), mod->path);
			if (!mod->deleted && ts_uw_add_from_cache(u, mod, &d, path) >= 0)
				continue;
			if (mod->deleted || trustack_elf__open(path, &elf, errbuf, errlen) != 0)
				elf = NULL;
			if (!elf && !mod->deleted && trustack_elf__open(mod->path, &elf, errbuf, errlen) != 0)
				elf = NULL;
		} else if (mod->kind == TRUSTACK_MODULE_VDSO && mod->bias_known) {
			if (open_remote_vdso(p, mod->start, &elf, &copy, errbuf, errlen) != 0)
				elf = NULL;
		} else if (mod->kind == TRUSTACK_MODULE_FILE || mod->kind == TRUSTACK_MODULE_VDSO) {
			d.kind = TRUSTACK_MODULE_OTHER_EXEC; /* no bias: unknown code */
		}
		d.elf = elf;
		if ((d.kind == TRUSTACK_MODULE_FILE || d.kind == TRUSTACK_MODULE_VDSO) && !elf && !d.build_id_len)
			d.kind = TRUSTACK_MODULE_OTHER_EXEC; /* nothing to take tables from */
		int r = trustack_unwinder__add_module(u, &d, errbuf, errlen);
		if (r == -TRUSTACK_E_NOTFOUND || r == -TRUSTACK_E_IO || r == -TRUSTACK_E_FORMAT ||
		    r == -TRUSTACK_E_UNSUPPORTED) {
			/* a module we cannot read tables for is code we know nothing about */
			d.kind = TRUSTACK_MODULE_OTHER_EXEC, d.elf = NULL;
			r = trustack_unwinder__add_module(u, &d, errbuf, errlen);
		}
		rc = r < 0 ? r : 0;
		trustack_elf__close(elf);
		free(copy);
	}
	if (rc) {
		trustack_unwinder__free(u);
		return rc;
	}
	*out = u;
	return 0;
}

int trustack_unwind_proc_thread(const struct trustack_unwinder *u, enum trustack_unwind_mode mode,
				const struct trustack_proc *p, size_t thread, struct trustack_frame *frames, size_t max,
				struct trustack_unwind_result *result)
{
	const struct trustack_proc_thread *t = p ? trustack_proc__thread(p, thread) : NULL;
	if (!t)
		return -TRUSTACK_E_ARG;
	struct trustack_unwind_start st = {
		.sz = sizeof(st), .stack_lo = t->stack_start, .stack_hi = t->stack_start + t->stack_len,
	};
	return trustack_unwind_ex(u, mode, &t->regs, &st, frames, max, result);
}
