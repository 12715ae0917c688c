/*
 * self.c - the in-process face: an unwinder for the calling process, built up front from
 * dl_iterate_phdr (every loaded module, the vDSO read from memory) and /proc/self/maps (the
 * main thread's stack, [uprobes], anonymous executable memory), and the thread's stack bounds.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/resource.h>
#include <unistd.h>

#include "unwind/uwint.h"
#include "arch/self_entry.h"
#include "common/vec.h"

struct found {
	char *path;        /* file to open; NULL: the vDSO */
	char *name;
	uint64_t bias, start, end;
};

struct found_list {
	struct found *v;
	size_t n, cap;
	uint64_t vdso;     /* AT_SYSINFO_EHDR */
	int err;
};

static int on_phdr(struct dl_phdr_info *info, size_t size, void *ctx)
{
	struct found_list *l = ctx;
	uint64_t lo = UINT64_MAX, hi = 0;
	bool is_vdso = false;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *p = &info->dlpi_phdr[i];
		if (p->p_type == PT_LOAD && (p->p_flags & PF_X)) {
			uint64_t s = info->dlpi_addr + p->p_vaddr, e = s + p->p_memsz;
			lo = s < lo ? s : lo;
			hi = e > hi ? e : hi;
		}
		if (p->p_type == PT_LOAD && p->p_offset == 0 && l->vdso && info->dlpi_addr + p->p_vaddr == l->vdso)
			is_vdso = true;
	}
	if (hi <= lo)
		return 0;
	if (TS_GROW(l->v, l->n, l->cap, 16)) {
		l->err = -TRUSTACK_E_NOMEM;
		return 1;
	}
	struct found *f = &l->v[l->n];
	memset(f, 0, sizeof(*f));
	const char *nm = info->dlpi_name && *info->dlpi_name ? info->dlpi_name : NULL;
	if (is_vdso) {
		f->name = strdup("[vdso]");
	} else if (!nm) {
		char exe[4096];
		ssize_t k = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		exe[k > 0 ? k : 0] = 0;
		f->path = strdup("/proc/self/exe");
		f->name = strdup(k > 0 ? exe : "/proc/self/exe");
	} else {
		f->path = strdup(nm);
		f->name = strdup(nm);
	}
	if (!f->name || (!is_vdso && !f->path)) {
		free(f->name), free(f->path);
		l->err = -TRUSTACK_E_NOMEM;
		return 1;
	}
	f->bias = info->dlpi_addr, f->start = lo, f->end = hi;
	l->n++;
	return 0;
}

/* What /proc/self/maps adds: the main stack, [uprobes], anonymous executable memory. */
static int read_maps(struct trustack_unwinder *u, char *err, size_t errlen)
{
	FILE *f = fopen("/proc/self/maps", "re");
	if (!f) {
		snprintf(err, errlen, "/proc/self/maps: cannot open");
		return -TRUSTACK_E_IO;
	}
	char line[4096];
	int rc = 0;
	while (!rc && fgets(line, sizeof(line), f)) {
		unsigned long lo, hi, off;
		char perm[8], path[4096] = "";
		if (sscanf(line, "%lx-%lx %7s %lx %*s %*s %4095[^\n]", &lo, &hi, perm, &off, path) < 4)
			continue;
		char *p = path;
		while (*p == ' ')
			p++;
		if (!strcmp(p, "[stack]")) {
			/* the main thread's stack grows down to RLIMIT_STACK below its top */
			struct rlimit rl;
			uint64_t lim = 8u << 20;
			if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur > lim)
				lim = rl.rlim_cur;
			if (u->opts.stack_hi == 0) {
				u->stack_hi = hi;
				u->stack_lo = hi - lo > lim ? lo : hi - lim;
			}
			continue;
		}
		if (perm[2] != 'x')
			continue;
		struct trustack_module_desc d = { .sz = sizeof(d), .start = lo, .end = hi };
		if (!strcmp(p, "[vsyscall]")) {
			d.name = p, d.kind = TRUSTACK_MODULE_VSYSCALL;
		} else
		if (!strcmp(p, "[uprobes]")) {
			d.name = "[uprobes]", d.kind = TRUSTACK_MODULE_UPROBES;
		} else if (!*p || !strncmp(p, "[anon", 5) || !strncmp(p, "/memfd:", 7)) {
			d.name = *p ? p : "[anon-exec]", d.kind = TRUSTACK_MODULE_ANON_EXEC;
		} else {
			continue;
		}
		if (ts_uw_find_module(u, lo) || ts_uw_find_module(u, hi - 1))
			continue;
		int r = trustack_unwinder__add_module(u, &d, err, errlen);
		rc = r < 0 ? r : 0;
	}
	fclose(f);
	return rc;
}

/* The vDSO as a memory image, copied (its size from the section headers at its end). */
static int open_vdso(uint64_t at, struct trustack_elf **elf, void **copy, char *err, size_t errlen)
{
	const ElfW(Ehdr) *eh = (const ElfW(Ehdr) *)(uintptr_t)at;
	size_t size = eh->e_shoff + (size_t)eh->e_shnum * eh->e_shentsize;
	if (!eh->e_shoff || size > (64u << 20))
		return -TRUSTACK_E_FORMAT;
	*copy = malloc(size);
	if (!*copy)
		return -TRUSTACK_E_NOMEM;
	memcpy(*copy, eh, size);
	return trustack_elf__open_mem(*copy, size, "[vdso]", elf, err, errlen);
}

int trustack_unwinder__from_self(const struct trustack_unwinder_opts *opts, struct trustack_unwinder **out,
				 char *errbuf, size_t errlen)
{
	char dummy[8];
	if (!errbuf)
		errbuf = dummy, errlen = sizeof(dummy);
	if (!out)
		return -TRUSTACK_E_ARG;
	*out = NULL;
	if (!ts_uw_arch_native()) {
		snprintf(errbuf, errlen, "no in-process unwinder for this architecture");
		return -TRUSTACK_E_UNSUPPORTED;
	}
	struct trustack_unwinder *u;
	int rc = trustack_unwinder__new(opts, &u);
	if (rc)
		return rc;
	u->self = true;
	u->direct = !u->opts.read_mem;
	/* return addresses signed in this process lose what the machine's strip instruction clears */
	const struct ts_arch *host = ts_arch_native();
	if (!u->pac_mask && host->host->pac_mask_self)
		u->pac_mask = host->host->pac_mask_self();

	struct found_list l = { .vdso = getauxval(AT_SYSINFO_EHDR) };
	dl_iterate_phdr(on_phdr, &l);
	rc = l.err;
	for (size_t i = 0; i < l.n && !rc; i++) {
		struct found *f = &l.v[i];
		struct trustack_elf *elf = NULL;
		void *copy = NULL;
		rc = f->path ? trustack_elf__open(f->path, &elf, errbuf, errlen)
			     : open_vdso(l.vdso, &elf, &copy, errbuf, errlen);
		if (rc) {
			char msg[256];
			snprintf(msg, sizeof(msg), "%s: %s", f->name, errbuf);
			snprintf(errbuf, errlen, "%s", msg);
			break;
		}
		struct trustack_module_desc d = {
			.sz = sizeof(d), .name = f->name, .kind = f->path ? TRUSTACK_MODULE_FILE : TRUSTACK_MODULE_VDSO,
			.start = f->start, .end = f->end, .bias = f->bias, .elf = elf,
		};
		int r = trustack_unwinder__add_module(u, &d, errbuf, errlen);
		rc = r < 0 ? r : 0;
		trustack_elf__close(elf);
		free(copy);
	}
	for (size_t i = 0; i < l.n; i++)
		free(l.v[i].path), free(l.v[i].name);
	free(l.v);
	if (!rc)
		rc = read_maps(u, errbuf, errlen);
	if (rc) {
		trustack_unwinder__free(u);
		return rc;
	}
	*out = u;
	return 0;
}

int trustack_stack_bounds__self(uint64_t *lo, uint64_t *hi)
{
	pthread_attr_t attr;
	void *addr;
	size_t size;
	if (!lo || !hi)
		return -TRUSTACK_E_ARG;
	if (pthread_getattr_np(pthread_self(), &attr) != 0)
		return -TRUSTACK_E_IO;
	int r = pthread_attr_getstack(&attr, &addr, &size);
	pthread_attr_destroy(&attr);
	if (r != 0)
		return -TRUSTACK_E_IO;
	*lo = (uint64_t)(uintptr_t)addr;
	*hi = *lo + size;
	return 0;
}

/* The workers behind the entries below: the machine's capture (arch/self_entry.h) calls them by
 * name from assembly, with the registers it captured as the last argument; hidden, not static, so
 * the compiler keeps them under these names. */
int ts_unwind_self_regs(const struct trustack_unwinder *u, enum trustack_unwind_mode mode,
			struct trustack_frame *frames, size_t max, struct trustack_unwind_result *result,
			struct ts_self_capture *cap) __attribute__((visibility("hidden")));
int ts_unwind_self_regs_pcs(const struct trustack_unwinder *u, enum trustack_unwind_mode mode, uint64_t *pcs,
			    size_t max, struct trustack_unwind_result *result, struct ts_self_capture *cap)
	__attribute__((visibility("hidden")));

int ts_unwind_self_regs(const struct trustack_unwinder *u, enum trustack_unwind_mode mode,
			struct trustack_frame *frames, size_t max, struct trustack_unwind_result *result,
			struct ts_self_capture *cap)
{
	return trustack_unwind_ex(u, mode, &cap->regs, &cap->start, frames, max, result);
}

int ts_unwind_self_regs_pcs(const struct trustack_unwinder *u, enum trustack_unwind_mode mode, uint64_t *pcs,
			    size_t max, struct trustack_unwind_result *result, struct ts_self_capture *cap)
{
	return trustack_unwind_pcs(u, mode, &cap->regs, &cap->start, pcs, max, result);
}

#if TS_SELF_ENTRY_HOST
TS_SELF_ENTRY(trustack_unwind_self, ts_unwind_self_regs)
TS_SELF_ENTRY(trustack_unwind_self_pcs, ts_unwind_self_regs_pcs)
#else
/* A machine whose folder has no register capture yet: the entries exist and say so. */
int trustack_unwind_self(const struct trustack_unwinder *u, enum trustack_unwind_mode mode,
			 struct trustack_frame *frames, size_t max, struct trustack_unwind_result *result,
			 uint64_t stack_lo, uint64_t stack_hi)
{
	(void)u, (void)mode, (void)frames, (void)max, (void)result, (void)stack_lo, (void)stack_hi;
	return -TRUSTACK_E_UNSUPPORTED;
}

int trustack_unwind_self_pcs(const struct trustack_unwinder *u, enum trustack_unwind_mode mode, uint64_t *pcs,
			     size_t max, struct trustack_unwind_result *result, uint64_t stack_lo, uint64_t stack_hi)
{
	(void)u, (void)mode, (void)pcs, (void)max, (void)result, (void)stack_lo, (void)stack_hi;
	return -TRUSTACK_E_UNSUPPORTED;
}
#endif
