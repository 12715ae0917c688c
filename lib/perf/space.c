/*
 * space.c - the address spaces a perf.data file describes, and the unwinding of its samples.
 *
 * Each process is its executable mappings as the MMAP/MMAP2 records left them (a FORK copies
 * the parent's, an exec's COMM clears them). A mapped file is opened and mapped once, by its
 * recorded path (opts.root prepended), and checked against the build-id the file recorded for
 * it: a file that changed since the recording is unknown code, never a source of wrong frames.
 * The vDSO is our own when its build-id is the recorded one (the same kernel).
 *
 * A sample's walk reads memory through read_mem(): the stack copy of the sample, and code
 * bytes (the unwinder's check that a return address follows a call) from the mapped files.
 * Each process gets an unwinder when its first sample is unwound, again after its mappings
 * changed; tables come from the sidecar cache by build-id (analysed and saved when missing).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <elf.h>
#include <linux/perf_event.h>

#include "arch/arch.h"
#include "common/fileio.h"
#include "common/vec.h"
#include "perf/perf.h"
#include "proc/proc.h"
#include "unwind/uwint.h"

static struct ts_perf_proc *find_proc(struct trustack_perf *p, int pid)
{
	for (size_t i = p->nprocs; i-- > 0;)
		if (p->procs[i].pid == pid)
			return &p->procs[i];
	return NULL;
}

static struct ts_perf_proc *get_proc(struct trustack_perf *p, int pid)
{
	struct ts_perf_proc *pr = find_proc(p, pid);
	if (pr || TS_GROW(p->procs, p->nprocs, p->capprocs, 16))
		return pr;
	pr = &p->procs[p->nprocs++];
	*pr = (struct ts_perf_proc){ .pid = pid };
	return pr;
}

static void proc_changed(struct ts_perf_proc *pr)
{
	trustack_unwinder__free(pr->u);
	pr->u = NULL;
}

static const struct ts_perf_buildid *recorded_id(const struct trustack_perf *p, const char *path)
{
	for (size_t i = 0; i < p->nbids; i++)
		if (!strcmp(p->bids[i].path, path))
			return &p->bids[i];
	return NULL;
}

static int get_file(struct trustack_perf *p, const char *path)
{
	for (size_t i = 0; i < p->nfiles; i++)
		if (!strcmp(p->files[i].path, path))
			return (int)i;
	if (TS_GROW(p->files, p->nfiles, p->capfiles, 16))
		return -1;
	char *copy = strdup(path);
	if (!copy)
		return -1;
	p->files[p->nfiles] = (struct ts_perf_file){ .path = copy };
	return (int)p->nfiles++;
}

static enum trustack_module_kind kind_of(const char *path)
{
	if (!strcmp(path, "[vdso]"))
		return TRUSTACK_MODULE_VDSO;
	if (!strcmp(path, "[uprobes]"))
		return TRUSTACK_MODULE_UPROBES;
	if (!strcmp(path, "[vsyscall]"))
		return TRUSTACK_MODULE_VSYSCALL;
	if (!strncmp(path, "//anon", 6) || !strncmp(path, "[anon", 5) || !*path)
		return TRUSTACK_MODULE_ANON_EXEC;
	if (path[0] == '/' && strncmp(path, "/memfd:", 7))
		return TRUSTACK_MODULE_FILE;
	return TRUSTACK_MODULE_OTHER_EXEC;
}

void ts_perf_mmap(struct trustack_perf *p, int pid, uint64_t start, uint64_t len, uint64_t pgoff, const char *path,
		  bool exec, const uint8_t *build_id, size_t build_id_len)
{
	struct ts_perf_proc *pr = get_proc(p, pid);
	if (!pr || !exec || !len || start + len < start)
		return;
	struct ts_perf_map m = { .start = start, .end = start + len, .pgoff = pgoff, .kind = kind_of(path) };
	m.file = get_file(p, path); /* its name, and for ELF kinds the file */
	if (m.file < 0)
		return;
	if (m.kind == TRUSTACK_MODULE_FILE || m.kind == TRUSTACK_MODULE_VDSO) {
		const struct ts_perf_buildid *b = build_id_len ? NULL : recorded_id(p, path);
		if (b)
			build_id = b->id, build_id_len = b->len;
		if (build_id_len && build_id_len <= sizeof(m.build_id))
			memcpy(m.build_id, build_id, build_id_len), m.build_id_len = (uint8_t)build_id_len;
	}
	/* a new mapping replaces whatever it covers (munmap is not recorded); the unwinder cannot
	 * drop a module, so then it is made again, else the new one is added to it when needed */
	size_t w = 0;
	for (size_t i = 0; i < pr->nmaps; i++)
		if (pr->maps[i].end <= m.start || pr->maps[i].start >= m.end)
			pr->maps[w++] = pr->maps[i];
	if (w != pr->nmaps)
		proc_changed(pr);
	pr->nmaps = w;
	if (TS_GROW(pr->maps, pr->nmaps, pr->capmaps, 16))
		return;
	size_t at = pr->nmaps;
	while (at > 0 && pr->maps[at - 1].start > m.start)
		at--;
	memmove(&pr->maps[at + 1], &pr->maps[at], (pr->nmaps - at) * sizeof(m));
	pr->maps[at] = m;
	pr->nmaps++;
}

static struct ts_perf_comm *find_comm(const struct trustack_perf *p, int tid)
{
	for (size_t i = 0; i < p->ncomms; i++)
		if (p->comms[i].tid == tid)
			return &p->comms[i];
	return NULL;
}

static void set_comm(struct trustack_perf *p, int tid, const char *comm)
{
	struct ts_perf_comm *c = find_comm(p, tid);
	if (!c) {
		if (TS_GROW(p->comms, p->ncomms, p->capcomms, 16))
			return;
		c = &p->comms[p->ncomms++];
		c->tid = tid;
	}
	snprintf(c->comm, sizeof(c->comm), "%s", comm);
}

void ts_perf_comm(struct trustack_perf *p, int pid, int tid, const char *comm, bool exec)
{
	set_comm(p, tid, comm);
	struct ts_perf_proc *pr = exec ? find_proc(p, pid) : NULL;
	if (pr) { /* a new program: the old mappings are gone */
		pr->nmaps = 0;
		proc_changed(pr);
	}
}

void ts_perf_fork(struct trustack_perf *p, int pid, int ppid, int tid, int ptid)
{
	/* a new thread or process is named as its parent until its own COMM */
	const struct ts_perf_comm *pc = find_comm(p, ptid);
	if (pc && !find_comm(p, tid)) {
		char name[16];
		memcpy(name, pc->comm, sizeof(name)); /* set_comm may move the array */
		set_comm(p, tid, name);
	}
	if (pid == ppid)
		return; /* a new thread shares the address space */
	struct ts_perf_proc *pr = get_proc(p, pid);
	if (!pr)
		return;
	pr->nmaps = 0;
	proc_changed(pr);
	struct ts_perf_proc *parent = find_proc(p, ppid);
	if (!parent || !parent->nmaps || TS_RESERVE(pr->maps, parent->nmaps, pr->capmaps, 16))
		return;
	memcpy(pr->maps, parent->maps, parent->nmaps * sizeof(*pr->maps));
	pr->nmaps = parent->nmaps;
}

void ts_perf_exit(struct trustack_perf *p, int pid, int tid)
{
	(void)p, (void)pid, (void)tid; /* samples may still follow in the file: keep the process */
}

const char *trustack_perf__comm(const struct trustack_perf *p, int tid)
{
	const struct ts_perf_comm *c = p ? find_comm(p, tid) : NULL;
	return c ? c->comm : NULL;
}

/* ---- the files behind the mappings ---- */

static int read_image(void *ctx, uint64_t off, void *buf, size_t len)
{
	const struct ts_perf_file *f = ctx;
	if (off > f->image_len || len > f->image_len - off)
		return -1;
	memcpy(buf, f->image + off, len);
	return 0;
}

/* Build-ids a and b are the same: equal, or one the other padded with zeros (perf before the
 * size bit of its build-id table wrote every build-id as 20 bytes). */
static bool same_build_id(const uint8_t *a, size_t na, const uint8_t *b, size_t nb)
{
	if (na > nb) {
		const uint8_t *t = a;
		size_t nt = na;
		a = b, na = nb, b = t, nb = nt;
	}
	if (memcmp(a, b, na))
		return false;
	for (size_t i = na; i < nb; i++)
		if (b[i])
			return false;
	return true;
}

/* Our own vDSO, when the recorded one is the same image (or nothing says otherwise and the
 * kernel release is ours). */
static void identify_vdso(const struct trustack_perf *p, struct ts_perf_file *f)
{
	const uint8_t *vd = (const uint8_t *)(uintptr_t)getauxval(AT_SYSINFO_EHDR);
	Elf64_Ehdr eh;
	if (!vd)
		return;
	memcpy(&eh, vd, sizeof(eh));
	size_t size = eh.e_shoff + (size_t)eh.e_shnum * eh.e_shentsize;
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) || !eh.e_shoff || size > (1u << 20))
		return;
	f->image = vd, f->image_len = size;
	struct ts_elf_ident id;
	if (ts_elf_ident_read(read_image, f, &id)) {
		f->image = NULL;
		return;
	}
	const struct ts_perf_buildid *b = recorded_id(p, f->path);
	struct utsname un;
	bool same = b ? same_build_id(b->id, b->len, id.build_id, id.build_id_len)
		      : !uname(&un) && !strcmp(un.release, p->osrelease);
	if (!same) {
		f->image = NULL;
		return;
	}
	f->machine = id.machine;
	f->nload = id.nload;
	memcpy(f->load, id.load, sizeof(f->load));
	memcpy(f->build_id, id.build_id, sizeof(f->build_id));
	f->build_id_len = id.build_id_len;
	f->vdso = true;
}

static void identify(struct trustack_perf *p, struct ts_perf_file *f)
{
	if (f->identified)
		return;
	f->identified = true;
	if (!strcmp(f->path, "[vdso]")) {
		identify_vdso(p, f);
		if (!f->image)
			f->failed = true;
		return;
	}
	char path[4200];
	snprintf(path, sizeof(path), "%s%s", p->root ? p->root : "", f->path);
	struct stat st;
	int fd = ts_open_input(path, &st, NULL, 0);
	void *m = MAP_FAILED;
	if (fd >= 0 && st.st_size > 0)
		m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (fd >= 0)
		close(fd);
	struct ts_elf_ident id;
	if (m == MAP_FAILED) {
		f->failed = true;
		p->stats.missing_files++;
		return;
	}
	f->image = m, f->image_len = (size_t)st.st_size, f->mapped = true;
	if (ts_elf_ident_read(read_image, f, &id)) {
		f->failed = true;
		return;
	}
	f->machine = id.machine;
	f->nload = id.nload;
	memcpy(f->load, id.load, sizeof(f->load));
	memcpy(f->build_id, id.build_id, sizeof(f->build_id));
	f->build_id_len = id.build_id_len;
}

/* The file of map m, if its code can be trusted to be what ran: identified, this machine's,
 * and of the recorded build-id. Counts a mismatch once per file. */
static struct ts_perf_file *usable_file(struct trustack_perf *p, const struct ts_perf_map *m)
{
	if (m->file < 0 || (m->kind != TRUSTACK_MODULE_FILE && m->kind != TRUSTACK_MODULE_VDSO))
		return NULL;
	struct ts_perf_file *f = &p->files[m->file];
	identify(p, f);
	if (f->failed || f->machine != p->arch->e_machine)
		return NULL;
	if (m->build_id_len && !same_build_id(m->build_id, m->build_id_len, f->build_id, f->build_id_len)) {
		if (!f->mismatch_counted)
			p->stats.build_id_mismatch++;
		f->mismatch_counted = true;
		return NULL;
	}
	return f;
}

static bool map_bias(const struct ts_perf_file *f, const struct ts_perf_map *m, uint64_t *bias)
{
	struct ts_elf_ident id = { .is_elf = true, .machine = f->machine, .nload = f->nload };
	memcpy(id.load, f->load, sizeof(id.load));
	return ts_elf_ident_bias(&id, m->start, m->pgoff, bias);
}

static struct trustack_elf *file_elf(struct trustack_perf *p, struct ts_perf_file *f)
{
	if (!f->elf && !f->elf_failed) {
		int rc;
		if (f->vdso) {
			rc = trustack_elf__open_mem(f->image, f->image_len, "[vdso]", &f->elf, NULL, 0);
		} else {
			char path[4200];
			snprintf(path, sizeof(path), "%s%s", p->root ? p->root : "", f->path);
			rc = trustack_elf__open(path, &f->elf, NULL, 0);
		}
		f->elf_failed = rc != 0;
	}
	return f->elf;
}

/* Fill m->mod, what trustack_perf__module_at gives. */
static void describe(struct trustack_perf *p, struct ts_perf_map *m)
{
	struct ts_perf_file *f = m->file >= 0 ? &p->files[m->file] : NULL;
	m->exec = (struct trustack_range){ m->start, m->end };
	m->mod = (struct trustack_module){ .kind = m->kind, .path = f ? f->path : "", .start = m->start, .end = m->end,
					   .nexec = 1, .exec = &m->exec };
	const struct ts_perf_file *uf = f ? usable_file(p, m) : NULL;
	if (uf && map_bias(uf, m, &m->mod.bias))
		m->mod.bias_known = true;
	/* the file's own build-id when it is the recorded one (perf may have padded it) */
	const uint8_t *id = uf ? uf->build_id : m->build_id;
	size_t n = uf ? uf->build_id_len : m->build_id_len;
	if (n && n <= sizeof(m->mod.build_id))
		memcpy(m->mod.build_id, id, n), m->mod.build_id_len = (uint8_t)n;
}

const struct trustack_module *trustack_perf__module_at(struct trustack_perf *p, int pid, uint64_t addr)
{
	struct ts_perf_proc *pr = p ? find_proc(p, pid) : NULL;
	if (!pr)
		return NULL;
	size_t lo = 0, hi = pr->nmaps;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		struct ts_perf_map *m = &pr->maps[mid];
		if (addr < m->start)
			hi = mid;
		else if (addr >= m->end)
			lo = mid + 1;
		else {
			describe(p, m);
			return &m->mod;
		}
	}
	return NULL;
}

/* ---- the walk's memory ---- */

static int perf_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct ts_perf_readctx *rd = ctx;
	if (addr >= rd->stack_lo && addr - rd->stack_lo <= rd->stack_size &&
	    len <= rd->stack_size - (addr - rd->stack_lo)) {
		memcpy(buf, rd->stack + (addr - rd->stack_lo), len);
		return 0;
	}
	const struct ts_perf_proc *pr = rd->proc;
	size_t lo = 0, hi = pr->nmaps;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct ts_perf_map *m = &pr->maps[mid];
		if (addr < m->start) {
			hi = mid;
		} else if (addr >= m->end) {
			lo = mid + 1;
		} else {
			const struct ts_perf_file *f = m->file >= 0 ? &rd->p->files[m->file] : NULL;
			uint64_t off = m->pgoff + (addr - m->start);
			if (!f || !f->image || len > m->end - addr || off > f->image_len || len > f->image_len - off)
				break;
			memcpy(buf, f->image + off, len);
			return 0;
		}
	}
	rd->failed = true;
	rd->fail_addr = addr;
	return -TRUSTACK_E_IO;
}

/* Add map m to its process' unwinder: from the caches alone when they hold the file's tables
 * and facts (no ELF file parsed), else from the file (analysed and cached when new), else as
 * unknown code. Returns 0 or -TRUSTACK_E_NOMEM. */
static int add_map(struct trustack_perf *p, struct ts_perf_proc *pr, struct ts_perf_map *m, char *err, size_t errlen)
{
	describe(p, m);
	m->in_u = true;
	struct trustack_module_desc d = { .sz = sizeof(d), .name = m->mod.path, .kind = m->kind, .start = m->start,
					  .end = m->end, .bias = m->mod.bias };
	struct ts_perf_file *f = m->file >= 0 ? usable_file(p, m) : NULL;
	if (d.kind == TRUSTACK_MODULE_FILE || d.kind == TRUSTACK_MODULE_VDSO) {
		if (f && m->mod.bias_known && d.kind == TRUSTACK_MODULE_FILE && !p->opts.no_cache) {
			char path[4200];
			snprintf(path, sizeof(path), "%s%s", p->root ? p->root : "", f->path);
			if (ts_uw_add_from_cache(pr->u, &m->mod, &d, path) >= 0)
				return 0;
		}
		d.elf = f && m->mod.bias_known ? file_elf(p, f) : NULL;
		if (!d.elf)
			d.kind = TRUSTACK_MODULE_OTHER_EXEC; /* nothing to take tables from */
	}
	int rc = trustack_unwinder__add_module(pr->u, &d, err, errlen);
	if (rc == -TRUSTACK_E_NOTFOUND || rc == -TRUSTACK_E_IO || rc == -TRUSTACK_E_FORMAT ||
	    rc == -TRUSTACK_E_UNSUPPORTED) {
		d.kind = TRUSTACK_MODULE_OTHER_EXEC, d.elf = NULL;
		rc = trustack_unwinder__add_module(pr->u, &d, err, errlen);
	}
	return rc == -TRUSTACK_E_NOMEM ? rc : 0; /* a module refused otherwise is only not there */
}

/* The process' unwinder up to date: made when there is none, the mappings added since given to
 * it (a mapping that replaced another made the process drop its unwinder: mmap below). */
static int update_unwinder(struct trustack_perf *p, struct ts_perf_proc *pr, char *err, size_t errlen)
{
	if (!pr->u) {
		struct trustack_unwinder_opts uo = { .sz = sizeof(uo), .read_mem = perf_read, .ctx = &p->rd,
						     .threads = p->opts.threads, .cache_dir = p->cache_dir,
						     .no_cache = p->opts.no_cache };
		int rc = trustack_unwinder__new(&uo, &pr->u);
		if (rc)
			return rc;
		for (size_t i = 0; i < pr->nmaps; i++)
			pr->maps[i].in_u = false;
	}
	for (size_t i = 0; i < pr->nmaps; i++) {
		if (pr->maps[i].in_u)
			continue;
		int rc = add_map(p, pr, &pr->maps[i], err, errlen);
		if (rc) {
			proc_changed(pr);
			return rc;
		}
	}
	return 0;
}

/* The user part of a callchain: the entries after PERF_CONTEXT_USER up to the next marker. */
static size_t user_chain(struct trustack_perf *p, const struct trustack_perf_sample *s)
{
	size_t n = 0;
	bool user = false;
	for (size_t i = 0; i < s->nchain; i++) {
		uint64_t v = s->callchain[i];
		if (v >= (uint64_t)PERF_CONTEXT_MAX) {
			user = v == (uint64_t)PERF_CONTEXT_USER;
			continue;
		}
		if (!user)
			continue;
		if (TS_GROW(p->pcs, n, p->cappcs, 128))
			return 0;
		p->pcs[n++] = v;
	}
	return n;
}

int trustack_perf__unwind(struct trustack_perf *p, const struct trustack_perf_sample *s, enum trustack_unwind_mode mode,
			  struct trustack_frame *frames, size_t max, struct trustack_perf_unwind *out, char *err,
			  size_t errlen)
{
	if (!p || !s || !out || (!frames && max))
		return -TRUSTACK_E_ARG;
	memset(out, 0, sizeof(*out));
	out->result.verdict = TRUSTACK_UNWIND_NOT_RUN;
	bool dwarf = s->has_regs && s->stack;
	size_t npcs = dwarf ? 0 : user_chain(p, s);
	if (!dwarf && !npcs)
		return -TRUSTACK_E_NOTFOUND;
	struct ts_perf_proc *pr = get_proc(p, s->pid);
	if (!pr) {
		if (err && errlen)
			snprintf(err, errlen, "out of memory");
		return -TRUSTACK_E_NOMEM;
	}
	int rc;
	if ((rc = update_unwinder(p, pr, err, errlen)))
		return rc;
	p->rd = (struct ts_perf_readctx){ .p = p, .proc = pr };
	if (!dwarf) {
		out->from_callchain = true;
		rc = trustack_unwind_check_chain(pr->u, mode, p->pcs, npcs, frames, max, &out->result);
		out->leaf_skips_caller = out->result.verdict == TRUSTACK_UNWIND_PROLOGUE_EPILOGUE && !out->result.lost_at;
		return rc;
	}
	uint64_t sp = s->regs.sp;
	p->rd.stack_lo = sp, p->rd.stack = s->stack, p->rd.stack_size = s->stack_size;
	/* the bounds leave the end of the stack to the copy: a read past it fails in perf_read,
	 * which tells a copy too short from a walk gone astray */
	struct trustack_unwind_start st = { .sz = sizeof(st), .flags = TRUSTACK_START_VALID_MASK, .valid = s->regs_valid,
					    .stack_lo = sp, .stack_hi = sp + (1ull << 30) > sp ? sp + (1ull << 30) : ~0ull };
	rc = trustack_unwind_ex(pr->u, mode, &s->regs, &st, frames, max, &out->result);
	enum trustack_unwind_verdict v = out->result.verdict;
	out->stack_cut = (v == TRUSTACK_UNWIND_BAD_READ || v == TRUSTACK_UNWIND_STACK_OUT_OF_BOUNDS) && p->rd.failed &&
			 p->rd.fail_addr >= sp + s->stack_size && s->stack_requested &&
			 s->stack_size >= s->stack_requested;
	return rc;
}

void ts_perf_space_free(struct trustack_perf *p)
{
	for (size_t i = 0; i < p->nprocs; i++) {
		trustack_unwinder__free(p->procs[i].u);
		free(p->procs[i].maps);
	}
	free(p->procs);
	for (size_t i = 0; i < p->nfiles; i++) {
		struct ts_perf_file *f = &p->files[i];
		trustack_elf__close(f->elf);
		if (f->mapped)
			munmap((void *)f->image, f->image_len);
		free(f->path);
	}
	free(p->files);
	free(p->comms);
}
