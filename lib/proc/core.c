/*
 * core.c - trustack_proc__open_core: a process object over an ELF core file, so that everything
 * built on a snapshot (the unwinder's remote face, `trustack stacks`, --check) works on a crashed
 * program as on a live one.
 *
 * What comes from where (Linux's core layout; the kernel and gdb's gcore write the same notes):
 *  - threads: one NT_PRSTATUS each (pid, current signal, registers as elf_gregset_t, whose
 *    layout the machine's descriptor knows: lib/arch/<m>/, ts_arch.core); the first is the
 *    thread that dumped, the one the fatal signal hit;
 *  - the signal: NT_SIGINFO after the first NT_PRSTATUS (code, faulting address), else pr_cursig;
 *  - the process: NT_PRPSINFO (pid, name, arguments); NT_AUXV (the vDSO, the program's entry);
 *  - mappings: every PT_LOAD is one mapping (p_flags its permissions, p_filesz < p_memsz: the
 *    rest was not dumped); NT_FILE names the file and offset of file-backed ones;
 *  - memory: the dumped bytes; beyond them (code the kernel does not dump) the module's file,
 *    but only a file whose build-id is the one the core's own copy of its ELF header carries.
 *    Memory neither holds is a read error, never zeros.
 *
 * Every size and offset is checked against the file: a truncated or damaged core gives what it
 * still holds (missing_bytes counts what is cut) or a clear error, never a read past its end.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arch/arch.h"
#include "common/err.h"
#include "common/fileio.h"
#include "common/opts.h"
#include "common/vec.h"
#include "proc/core.h"
#include "proc/proc.h"

/* Linux's note types and the layout of its 64-bit elf_prstatus / elf_prpsinfo (the same on every
 * 64-bit machine; only pr_reg's contents differ, see ts_arch.core) */
#define NOTE_SIGINFO 0x53494749u /* "SIGI" */
#define NOTE_FILE 0x46494c45u    /* "FILE" */
#define PRSTATUS_CURSIG 12
#define PRSTATUS_PID 32
#define PRSTATUS_REG 112
#define PRPSINFO_PID 24
#define PRPSINFO_FNAME 40
#define PRPSINFO_ARGS 56
#define PRPSINFO_SIZE 136
#define SIGINFO_ADDR 16
#define MAX_SEGMENTS (1u << 20)
#define MAX_THREADS (1u << 16)

/* One mapping of the process: a PT_LOAD, or a file NT_FILE names that no PT_LOAD covers. */
struct region {
	uint64_t start, end;   /* [start, end) */
	uint64_t offset;       /* of the dumped bytes in the core */
	uint64_t avail;        /* dumped bytes present in the file (filesz, less what is cut off) */
	uint32_t flags;        /* PF_R | PF_W | PF_X */
	const char *path;      /* NT_FILE's name (in the note), NULL: anonymous */
	size_t path_len;
	uint64_t file_offset;  /* of start in that file */
	const uint8_t *img;    /* the module's file, mapped, when it may stand in for memory */
	size_t img_size;
};

struct ts_core {
	const uint8_t *data; /* the core, mapped (or decompressed into a memfd and mapped) */
	size_t size;
	bool be;             /* big-endian core */
	const struct ts_arch *arch;
	struct region *r;    /* ascending, not overlapping */
	size_t nr;
	size_t last;         /* the region that served the last read */
	struct { const uint8_t *p; size_t n; } *imgs; /* module files mapped (parallel to mods) */
	size_t nimgs;
	struct trustack_core_info info;
	uint64_t at_entry, at_vdso;
};

/* ---- reading the core's own structures, in its byte order -------------------------------------- */

static uint64_t rd(const struct ts_core *c, const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned k = 0; k < n; k++)
		v |= (uint64_t)p[c->be ? n - 1 - k : k] << (8 * k);
	return v;
}

/* [off, off + n) lies inside the file */
static bool in_file(const struct ts_core *c, uint64_t off, uint64_t n)
{
	return off <= c->size && n <= c->size - off;
}

/* ---- memory ------------------------------------------------------------------------------------- */

static const struct region *region_at(struct ts_core *c, uint64_t addr)
{
	if (c->last < c->nr && addr >= c->r[c->last].start && addr < c->r[c->last].end)
		return &c->r[c->last];
	size_t lo = 0, hi = c->nr;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (addr < c->r[mid].start)
			hi = mid;
		else if (addr >= c->r[mid].end)
			lo = mid + 1;
		else
			return &c->r[c->last = mid];
	}
	return NULL;
}

/* Bytes at addr as the core has them, else from the module's file: piece by piece, so a read
 * across two mappings, or across the dumped part and the file's, is one call. */
static int core_read(struct ts_core *c, uint64_t addr, void *buf, size_t len)
{
	uint8_t *out = buf;
	while (len) {
		const struct region *g = region_at(c, addr);
		if (!g)
			return -TRUSTACK_E_IO;
		uint64_t off = addr - g->start, n;
		if (off < g->avail) {
			n = g->avail - off < len ? g->avail - off : len;
			memcpy(out, c->data + g->offset + off, n);
		} else if (g->img && g->file_offset + off >= g->file_offset && g->file_offset + off < g->img_size) {
			uint64_t fo = g->file_offset + off;
			n = g->img_size - fo < len ? g->img_size - fo : len;
			if (n > g->end - addr)
				n = g->end - addr;
			memcpy(out, g->img + fo, n);
		} else {
			return -TRUSTACK_E_IO; /* not dumped, and no file we trust holds it */
		}
		out += n, addr += n, len -= n;
	}
	return 0;
}

static void core_free(struct ts_core *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nimgs; i++)
		if (c->imgs[i].p)
			munmap((void *)c->imgs[i].p, c->imgs[i].n);
	free(c->imgs);
	free(c->r);
	if (c->data)
		munmap((void *)c->data, c->size ? c->size : 1);
	free(c);
}

/* ---- the file -------------------------------------------------------------------------------- */

/* Map the core read-only; a zstd-compressed one is decompressed first (core_zstd.c). */
static int map_core(struct ts_core *c, const char *path, char *err, size_t errlen)
{
	struct stat st;
	char why[256] = "";
	int fd = ts_open_input(path, &st, why, sizeof(why));
	if (fd < 0)
		return fd == -TRUSTACK_E_NOTFOUND ? ts_fail(err, errlen, TRUSTACK_E_NOTFOUND, "%s: no such file", path)
						 : ts_fail(err, errlen, -fd, "%s: %s", path, why);
	uint8_t magic[4] = { 0 };
	ssize_t got = pread(fd, magic, sizeof(magic), 0);
	if (got == 4 && ts_zstd_magic(magic)) {
		int mfd;
		size_t n;
		int rc = ts_zstd_to_memfd(fd, &mfd, &n, err, errlen);
		close(fd);
		if (rc)
			return rc;
		fd = mfd, st.st_size = (off_t)n;
		c->info.compressed = true;
	}
	if (st.st_size <= 0) {
		close(fd);
		return ts_fail(err, errlen, TRUSTACK_E_FORMAT, "%s: empty file, not a core", path);
	}
	void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	int e = errno;
	close(fd);
	if (m == MAP_FAILED)
		return ts_fail(err, errlen, TRUSTACK_E_IO, "%s: cannot map it: %s", path, strerror(e));
	c->data = m, c->size = (size_t)st.st_size;
	return 0;
}

/* The ELF header: a 64-bit core of a machine whose registers we can read. Sets *phoff, *phnum. */
static int check_header(struct ts_core *c, const char *path, uint64_t *phoff, uint64_t *phnum, char *err,
			size_t errlen)
{
	const uint8_t *h = c->data;
	if (c->size < 64 || memcmp(h, ELFMAG, SELFMAG))
		return ts_fail(err, errlen, TRUSTACK_E_FORMAT, "%s: not an ELF file%s", path,
			       c->info.compressed ? " (after zstd decompression)" : "");
	if (h[EI_CLASS] != ELFCLASS64)
		return ts_fail(err, errlen, TRUSTACK_E_UNSUPPORTED, "%s: a 32-bit ELF file: only 64-bit cores are read",
			       path);
	if (h[EI_DATA] != ELFDATA2LSB && h[EI_DATA] != ELFDATA2MSB)
		return ts_fail(err, errlen, TRUSTACK_E_FORMAT, "%s: unknown ELF byte order %u", path, h[EI_DATA]);
	c->be = h[EI_DATA] == ELFDATA2MSB;
	if (rd(c, h + 16, 2) != ET_CORE)
		return ts_fail(err, errlen, TRUSTACK_E_FORMAT, "%s: an ELF file but not a core (e_type %u)", path,
			       (unsigned)rd(c, h + 16, 2));
	c->info.machine = (uint16_t)rd(c, h + 18, 2);
	c->arch = ts_arch_for_machine(c->info.machine);
	if (!c->arch || !c->arch->core)
		return ts_fail(err, errlen, TRUSTACK_E_UNSUPPORTED, "%s: a core of %s (ELF machine %u): its registers "
			       "are not read yet", path, c->arch ? c->arch->name : "another machine", c->info.machine);
	if (c->arch->big_endian != c->be)
		return ts_fail(err, errlen, TRUSTACK_E_FORMAT, "%s: a %s core in the wrong byte order", path,
			       c->arch->name);
	*phoff = rd(c, h + 32, 8);
	*phnum = rd(c, h + 56, 2);
	if (rd(c, h + 54, 2) != 56)
		return ts_fail(err, errlen, TRUSTACK_E_FORMAT, "%s: program header entries of %u bytes (not 56)", path,
			       (unsigned)rd(c, h + 54, 2));
	if (*phnum == PN_XNUM) { /* more segments than 16 bits count: the real number is in section 0 */
		uint64_t shoff = rd(c, h + 40, 8);
		if (!in_file(c, shoff, 64))
			return ts_fail(err, errlen, TRUSTACK_E_FORMAT, "%s: truncated: the segment count is cut off", path);
		*phnum = rd(c, c->data + shoff + 44, 4);
	}
	if (*phnum > MAX_SEGMENTS)
		return ts_fail(err, errlen, TRUSTACK_E_FORMAT, "%s: %llu segments: not a sane core", path,
			       (unsigned long long)*phnum);
	if (!in_file(c, *phoff, *phnum * 56))
		return ts_fail(err, errlen, TRUSTACK_E_FORMAT, "%s: truncated: the program headers are cut off", path);
	return 0;
}

/* ---- notes --------------------------------------------------------------------------------------- */

struct note {
	uint32_t type;
	const uint8_t *desc;
	uint64_t size;
};

/* What the notes say, gathered in one pass. */
struct notes {
	struct note *prstatus;
	size_t nprstatus, room;
	struct note prpsinfo, auxv, file, siginfo; /* siginfo: the first thread's */
	bool truncated;
};

static int scan_note_segment(struct ts_core *c, uint64_t off, uint64_t filesz, struct notes *ns)
{
	if (!in_file(c, off, filesz)) {
		ns->truncated = true;
		filesz = off < c->size ? c->size - off : 0;
	}
	if (!filesz)
		return 0;
	const uint8_t *b = c->data + off;
	uint64_t at = 0;
	while (filesz - at >= 12) {
		uint64_t nsz = rd(c, b + at, 4), dsz = rd(c, b + at + 4, 4);
		uint32_t type = (uint32_t)rd(c, b + at + 8, 4);
		uint64_t name = at + 12, desc = name + ((nsz + 3) & ~3ull), end = desc + ((dsz + 3) & ~3ull);
		if (desc > filesz || dsz > filesz - desc) {
			ns->truncated = true;
			break;
		}
		/* the process' notes carry the name "CORE" (gdb and the kernel alike); others ("LINUX":
		 * extended registers) are not needed */
		if (nsz == 5 && !memcmp(b + name, "CORE", 5)) {
			struct note n = { type, b + desc, dsz };
			if (type == NT_PRSTATUS) {
				if (ns->nprstatus < MAX_THREADS) {
					if (TS_GROW(ns->prstatus, ns->nprstatus, ns->room, 16))
						return -TRUSTACK_E_NOMEM;
					ns->prstatus[ns->nprstatus++] = n;
				}
			} else if (type == NT_PRPSINFO && !ns->prpsinfo.desc) {
				ns->prpsinfo = n;
			} else if (type == NT_AUXV && !ns->auxv.desc) {
				ns->auxv = n;
			} else if (type == NOTE_FILE && !ns->file.desc) {
				ns->file = n;
			} else if (type == NOTE_SIGINFO && ns->nprstatus == 1 && !ns->siginfo.desc) {
				ns->siginfo = n;
			}
		}
		if (end > filesz)
			break;
		at = end;
	}
	return 0;
}

static void read_auxv(struct ts_core *c, const struct note *n)
{
	for (uint64_t at = 0; n->desc && at < n->size && n->size - at >= 16; at += 16) {
		uint64_t type = rd(c, n->desc + at, 8), val = rd(c, n->desc + at + 8, 8);
		if (type == AT_NULL)
			break;
		if (type == AT_ENTRY)
			c->at_entry = val;
		else if (type == AT_SYSINFO_EHDR)
			c->at_vdso = val;
	}
}

static void read_process(struct ts_core *c, const struct notes *ns)
{
	const struct note *ps = &ns->prpsinfo;
	if (ps->desc && ps->size >= PRPSINFO_SIZE) {
		c->info.pid = (int)rd(c, ps->desc + PRPSINFO_PID, 4);
		memcpy(c->info.comm, ps->desc + PRPSINFO_FNAME, sizeof(c->info.comm) - 1);
		memcpy(c->info.args, ps->desc + PRPSINFO_ARGS, sizeof(c->info.args) - 1);
	}
	const struct note *first = ns->nprstatus ? &ns->prstatus[0] : NULL;
	if (first && first->size >= PRSTATUS_PID + 4) {
		c->info.crash_tid = (int)rd(c, first->desc + PRSTATUS_PID, 4);
		c->info.signal = (int)rd(c, first->desc + PRSTATUS_CURSIG, 2);
	}
	if (!c->info.pid)
		c->info.pid = c->info.crash_tid;
	const struct note *si = &ns->siginfo;
	if (si->desc && si->size >= SIGINFO_ADDR + 8) {
		int signo = (int)rd(c, si->desc, 4);
		if (signo > 0 && signo < 128) {
			c->info.signal = signo;
			c->info.si_code = (int)(int32_t)rd(c, si->desc + 8, 4);
			/* si_addr is the fault's address for these, and only for the kernel's codes */
			if ((signo == SIGSEGV || signo == SIGBUS || signo == SIGILL || signo == SIGFPE) &&
			    c->info.si_code > 0) {
				c->info.has_addr = true;
				c->info.addr = rd(c, si->desc + SIGINFO_ADDR, 8);
			}
		}
	}
}

/* ---- mappings ------------------------------------------------------------------------------------ */

static int cmp_region(const void *a, const void *b)
{
	const struct region *x = a, *y = b;
	return (x->start > y->start) - (x->start < y->start);
}

/* The first of the n ascending regions r that starts at or after addr. */
static size_t first_at_or_after(const struct region *r, size_t n, uint64_t addr)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r[mid].start < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* NT_FILE: count, page size, count x (start, end, page offset), then count NUL-terminated names.
 * Each entry names the regions (PT_LOADs, ascending) that start inside it: the kernel writes one
 * entry per file mapping, and one PT_LOAD per mapping. */
static int name_regions(struct ts_core *c, const struct note *n, size_t *room)
{
	if (!n->desc || n->size < 16)
		return 0;
	uint64_t count = rd(c, n->desc, 8), page = rd(c, n->desc + 8, 8);
	if (count > (n->size - 16) / 24)
		return 0; /* damaged: mappings stay anonymous */
	const char *names = (const char *)n->desc + 16 + count * 24, *lim = (const char *)n->desc + n->size;
	size_t nload = c->nr;
	for (uint64_t i = 0; i < count && names < lim; i++) {
		const uint8_t *e = n->desc + 16 + i * 24;
		uint64_t s = rd(c, e, 8), end = rd(c, e + 8, 8), pgoff = rd(c, e + 16, 8);
		const char *z = memchr(names, 0, (size_t)(lim - names));
		if (!z)
			break;
		const char *name = names;
		size_t len = (size_t)(z - names);
		names = z + 1;
		if (end <= s || (page && pgoff > UINT64_MAX / page))
			continue;
		bool covered = false;
		for (size_t k = first_at_or_after(c->r, nload, s); k < nload && c->r[k].start < end; k++) {
			struct region *g = &c->r[k];
			if (!g->path) {
				g->path = name, g->path_len = len;
				g->file_offset = pgoff * page + (g->start - s);
			}
			covered = true;
		}
		if (covered)
			continue;
		/* a file mapping without a segment (a core writer that leaves unchanged files out):
		 * its permissions are unknown; taken as code so that its frames find their module */
		if (TS_GROW(c->r, c->nr, *room, 64))
			return -TRUSTACK_E_NOMEM;
		c->r[c->nr++] = (struct region){ .start = s, .end = end, .flags = PF_R | PF_X, .path = name,
						 .path_len = len, .file_offset = pgoff * page };
	}
	return 0;
}

static int read_segments(struct ts_core *c, uint64_t phoff, uint64_t phnum, struct notes *ns)
{
	size_t room = 0;
	for (uint64_t i = 0; i < phnum; i++) {
		const uint8_t *ph = c->data + phoff + i * 56;
		uint32_t type = (uint32_t)rd(c, ph, 4), flags = (uint32_t)rd(c, ph + 4, 4);
		uint64_t off = rd(c, ph + 8, 8), va = rd(c, ph + 16, 8), filesz = rd(c, ph + 32, 8),
			 memsz = rd(c, ph + 40, 8);
		if (type == PT_NOTE) {
			int rc = scan_note_segment(c, off, filesz, ns);
			if (rc)
				return rc;
			continue;
		}
		if (type != PT_LOAD || !memsz || va + memsz < va)
			continue;
		if (filesz > memsz)
			filesz = memsz;
		uint64_t avail = !in_file(c, off, 0) ? 0 : c->size - off < filesz ? c->size - off : filesz;
		c->info.missing_bytes += filesz - avail;
		if (TS_GROW(c->r, c->nr, room, 64))
			return -TRUSTACK_E_NOMEM;
		c->r[c->nr++] = (struct region){ .start = va, .end = va + memsz, .offset = off, .avail = avail,
						 .flags = flags };
	}
	if (c->nr > 1) /* (qsort's array may not be NULL, even for 0 elements) */
		qsort(c->r, c->nr, sizeof(*c->r), cmp_region);
	int rc = name_regions(c, &ns->file, &room);
	if (rc)
		return rc;
	if (c->nr > 1)
		qsort(c->r, c->nr, sizeof(*c->r), cmp_region);
	size_t w = 0; /* overlapping regions (a damaged core) would make lookups ambiguous: the first wins */
	for (size_t i = 0; i < c->nr; i++) {
		if (w && c->r[i].start < c->r[w - 1].end)
			continue;
		c->r[w++] = c->r[i];
	}
	c->nr = w;
	return 0;
}

/* The regions as the maps of a live process, so that lib/proc's module grouping applies. */
static int build_maps(struct ts_core *c, struct ts_maps *maps)
{
	maps->v = calloc(c->nr ? c->nr : 1, sizeof(*maps->v));
	if (!maps->v)
		return -TRUSTACK_E_NOMEM;
	static const char deleted[] = " (deleted)";
	for (size_t i = 0; i < c->nr; i++) {
		const struct region *g = &c->r[i];
		struct ts_map *m = &maps->v[maps->n++];
		m->start = g->start, m->end = g->end, m->offset = g->file_offset;
		m->r = g->flags & PF_R, m->w = g->flags & PF_W, m->x = g->flags & PF_X;
		size_t len = g->path_len;
		if (g->path && len >= sizeof(deleted) - 1 && !memcmp(g->path + len - (sizeof(deleted) - 1), deleted,
								     sizeof(deleted) - 1)) {
			len -= sizeof(deleted) - 1;
			m->deleted = true;
		}
		/* module grouping wants an inode for files: the name alone tells them apart here */
		m->inode = g->path && len && g->path[0] == '/';
		m->path = g->path ? strndup(g->path, len) : strdup(c->at_vdso && g->start == c->at_vdso ? "[vdso]" : "");
		if (!m->path)
			return -TRUSTACK_E_NOMEM;
	}
	return 0;
}

/* ---- threads ------------------------------------------------------------------------------------ */

static int cmp_tid(const void *a, const void *b)
{
	const struct trustack_proc_thread *x = a, *y = b;
	return (x->tid > y->tid) - (x->tid < y->tid);
}

/* The stack of a thread: from the red zone below sp to the end of the dumped bytes of the
 * mapping holding sp, used in place. */
static void thread_stack(struct ts_core *c, struct trustack_proc_thread *th)
{
	uint64_t sp = th->regs.sp;
	const struct region *g = region_at(c, sp);
	th->stack_start = sp, th->stack_len = 0; /* bounds [sp, sp): every stack read fails */
	if (!g || sp - g->start >= g->avail)
		return;
	uint64_t red = c->arch->red_zone, lo = sp - g->start >= red ? sp - red : g->start;
	th->stack_start = lo;
	th->stack_len = g->start + g->avail - lo;
	th->stack = c->data + g->offset + (lo - g->start);
	th->stack_truncated = g->avail < g->end - g->start; /* the callers' end of it is missing */
}

static int read_threads(struct trustack_proc *p, struct ts_core *c, const struct notes *ns, char *err,
			size_t errlen, const char *path)
{
	const struct ts_arch_core *ac = c->arch->core;
	p->threads = calloc(ns->nprstatus ? ns->nprstatus : 1, sizeof(*p->threads));
	p->stacks = calloc(ns->nprstatus ? ns->nprstatus : 1, sizeof(*p->stacks)); /* nothing owned */
	if (!p->threads || !p->stacks)
		return ts_fail(err, errlen, TRUSTACK_E_NOMEM, "%s", "out of memory");
	for (size_t i = 0; i < ns->nprstatus; i++) {
		const struct note *n = &ns->prstatus[i];
		if (n->size < PRSTATUS_REG + ac->gregs_size)
			continue;
		if (i && !p->nthreads) /* the dumping thread's note is unusable: no thread is known first */
			c->info.crash_tid = 0, c->info.signal = 0;
		struct trustack_proc_thread *th = &p->threads[p->nthreads++];
		th->tid = (int)rd(c, n->desc + PRSTATUS_PID, 4);
		ac->gregs(n->desc + PRSTATUS_REG, c->be, &th->regs);
		memcpy(th->comm, c->info.comm, sizeof(th->comm));
		if (i == 0)
			th->pending_signal = c->info.signal;
		thread_stack(c, th);
	}
	if (!p->nthreads)
		return ts_fail(err, errlen, TRUSTACK_E_FORMAT, "%s: %s", path,
			       ns->truncated ? "truncated: no thread's registers are left in it"
			       : ns->nprstatus ? "its thread notes are too short for the machine's registers"
					       : "no thread in it (no NT_PRSTATUS note)");
	/* the dumping thread first, the others by tid */
	if (p->nthreads > 2)
		qsort(p->threads + 1, p->nthreads - 1, sizeof(*p->threads), cmp_tid);
	return 0;
}

/* ---- modules: which file stands behind each ------------------------------------------------------- */

struct buf_image {
	const uint8_t *p;
	uint64_t n;
};

static int buf_read(void *ctx, uint64_t off, void *out, size_t len)
{
	const struct buf_image *b = ctx;
	if (off > b->n || len > b->n - off)
		return -TRUSTACK_E_IO;
	memcpy(out, b->p + off, len);
	return 0;
}

struct core_image {
	struct ts_core *c;
	uint64_t base, limit;
};

static int core_image_read(void *ctx, uint64_t off, void *out, size_t len)
{
	struct core_image *m = ctx;
	if (off > m->limit || len > m->limit - off)
		return -TRUSTACK_E_IO;
	return core_read(m->c, m->base + off, out, len);
}

static void hex(const uint8_t *b, size_t n, char *out, size_t outlen)
{
	size_t w = 0;
	for (size_t i = 0; i < n && w + 3 <= outlen; i++)
		w += (size_t)snprintf(out + w, outlen - w, "%02x", b[i]);
	if (!n && outlen)
		snprintf(out, outlen, "none");
}

/* The mapping of mod with the lowest file offset: where its ELF header is. */
static const struct ts_map *first_map(const struct ts_maps *maps, const struct trustack_module *mod)
{
	const struct ts_map *best = NULL;
	for (size_t i = 0; i < maps->n; i++) {
		const struct ts_map *m = &maps->v[i];
		if (m->start >= mod->start && m->end <= mod->end && !strcmp(m->path, mod->path) &&
		    (!best || m->offset < best->offset))
			best = m;
	}
	return best;
}

/* One candidate file for a module: mapped and identified; accepted when it is an ELF file of the
 * core's machine and, if the core names a build-id, of that build. */
static bool try_file(struct ts_core *c, const char *path, const struct ts_elf_ident *want, struct ts_elf_ident *id,
		     struct buf_image *img, char *why, size_t whylen)
{
	struct stat st;
	int fd = ts_open_input(path, &st, NULL, 0);
	if (fd < 0) {
		snprintf(why, whylen, "%.400s: %s", path, fd == -TRUSTACK_E_NOTFOUND ? "no such file" : "cannot be opened");
		return false;
	}
	void *m = st.st_size > 0 ? mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
	close(fd);
	if (m == MAP_FAILED) {
		snprintf(why, whylen, "%.400s: cannot be read", path);
		return false;
	}
	*img = (struct buf_image){ m, (uint64_t)st.st_size };
	bool ok = !ts_elf_ident_read(buf_read, img, id) && id->machine == c->info.machine;
	if (!ok)
		snprintf(why, whylen, "%.400s: not an ELF file of the core's machine", path);
	if (ok && want->build_id_len &&
	    (id->build_id_len != want->build_id_len || memcmp(id->build_id, want->build_id, want->build_id_len))) {
		char a[72], b[72];
		hex(id->build_id, id->build_id_len, a, sizeof(a));
		hex(want->build_id, want->build_id_len, b, sizeof(b));
		snprintf(why, whylen, "build-id mismatch: %.400s has %s, the core %s", path, a, b);
		ok = false;
	}
	if (!ok)
		munmap(m, (size_t)st.st_size);
	return ok;
}

/* Find, check and map the file of module i; its identity (bias, build-id) from the core's copy of
 * the ELF header where the core dumped it, else from the file. */
static int identify(struct trustack_proc *p, struct ts_core *c, size_t i, const struct trustack_core_opts *o)
{
	struct trustack_module *mod = &p->mods.v[i];
	const struct ts_map *m = first_map(&p->maps, mod);
	if (!m || (mod->kind != TRUSTACK_MODULE_FILE && mod->kind != TRUSTACK_MODULE_VDSO))
		return 0;
	struct ts_elf_ident core_id = { 0 }, file_id;
	bool have_core_id = false;
	if (m->offset == 0) {
		struct core_image ci = { c, m->start, mod->end - m->start };
		have_core_id = !ts_elf_ident_read(core_image_read, &ci, &core_id);
	}
	if (mod->kind == TRUSTACK_MODULE_VDSO) { /* it exists only in the core */
		if (have_core_id && (mod->bias_known = ts_elf_ident_bias(&core_id, m->start, 0, &mod->bias))) {
			mod->build_id_len = core_id.build_id_len;
			memcpy(mod->build_id, core_id.build_id, core_id.build_id_len);
		}
		return 0;
	}
	/* candidates: --exe for the program (the module holding the entry point), the sysroot's copy,
	 * the path the core names; each one refused says why */
	char cand[3][4200], why[3][600], all[3 * 600 + 8] = "";
	int ncand = 0;
	if (o->exe && c->at_entry >= mod->start && c->at_entry < mod->end)
		snprintf(cand[ncand++], sizeof(cand[0]), "%s", o->exe);
	if (o->sysroot)
		snprintf(cand[ncand++], sizeof(cand[0]), "%s%s", o->sysroot, mod->path);
	snprintf(cand[ncand++], sizeof(cand[0]), "%s", mod->path);
	struct buf_image img = { 0 };
	int found = -1;
	for (int k = 0; k < ncand && found < 0; k++) {
		if (try_file(c, cand[k], &core_id, &file_id, &img, why[k], sizeof(why[k])))
			found = k;
		else
			snprintf(all + strlen(all), sizeof(all) - strlen(all), "%s%s", all[0] ? "; " : "", why[k]);
	}
	const struct ts_elf_ident *id = have_core_id ? &core_id : found >= 0 ? &file_id : NULL;
	if (id) {
		mod->bias_known = ts_elf_ident_bias(id, m->start, m->offset, &mod->bias);
		mod->build_id_len = id->build_id_len;
		memcpy(mod->build_id, id->build_id, id->build_id_len);
	}
	if (found >= 0) {
		c->imgs[i].p = img.p, c->imgs[i].n = img.n;
		mod->file = strdup(cand[found]);
		return mod->file ? 0 : -TRUSTACK_E_NOMEM;
	}
	/* no file we can trust: its code is unknown to the unwinder, its frames unreliable */
	mod->kind = TRUSTACK_MODULE_OTHER_EXEC;
	mod->problem = strdup(all);
	return mod->problem ? 0 : -TRUSTACK_E_NOMEM;
}

/* Let each file-backed region read through its module's file where the core has no bytes. */
static void attach_images(struct trustack_proc *p, struct ts_core *c)
{
	for (size_t k = 0; k < c->nr; k++) {
		struct region *g = &c->r[k];
		const struct trustack_module *mod = trustack_proc__module_at(p, g->start);
		for (size_t i = 0; !mod && i < p->mods.n; i++) /* a data mapping of a module */
			if (g->start >= p->mods.v[i].start && g->end <= p->mods.v[i].end)
				mod = &p->mods.v[i];
		if (!mod || !g->path)
			continue;
		size_t i = (size_t)(mod - p->mods.v);
		if (c->imgs[i].p && !strncmp(g->path, mod->path, strlen(mod->path)))
			g->img = c->imgs[i].p, g->img_size = c->imgs[i].n;
	}
}

/* ---- the entry point ---------------------------------------------------------------------------- */

static int core_read_cb(struct ts_core *c, uint64_t addr, void *buf, size_t len)
{
	return core_read(c, addr, buf, len);
}

static int open_core(struct trustack_proc *p, struct ts_core *c, const char *path, const struct trustack_core_opts *o,
		     char *err, size_t errlen)
{
	int rc = map_core(c, path, err, errlen);
	uint64_t phoff = 0, phnum = 0;
	if (rc || (rc = check_header(c, path, &phoff, &phnum, err, errlen)))
		return rc;
	struct notes ns = { 0 };
	rc = read_segments(c, phoff, phnum, &ns);
	if (!rc) {
		read_auxv(c, &ns.auxv);
		read_process(c, &ns);
		p->pid = c->info.pid;
		rc = read_threads(p, c, &ns, err, errlen, path);
	}
	free(ns.prstatus);
	if (rc)
		return rc == -TRUSTACK_E_NOMEM ? ts_fail(err, errlen, TRUSTACK_E_NOMEM, "%s", "out of memory") : rc;
	if (build_maps(c, &p->maps) || ts_modules_build(&p->maps, &p->mods))
		return ts_fail(err, errlen, TRUSTACK_E_NOMEM, "%s", "out of memory");
	if (o->flags & TRUSTACK_PROC_NO_MODULE_INFO)
		return 0;
	c->nimgs = p->mods.n;
	c->imgs = calloc(c->nimgs ? c->nimgs : 1, sizeof(*c->imgs));
	if (!c->imgs)
		return ts_fail(err, errlen, TRUSTACK_E_NOMEM, "%s", "out of memory");
	for (size_t i = 0; i < p->mods.n; i++)
		if (identify(p, c, i, o))
			return ts_fail(err, errlen, TRUSTACK_E_NOMEM, "%s", "out of memory");
	attach_images(p, c);
	return 0;
}

int trustack_proc__open_core(const char *path, const struct trustack_core_opts *opts, struct trustack_proc **out,
			     char *errbuf, size_t errlen)
{
	struct trustack_core_opts o;
	if (errbuf && errlen)
		errbuf[0] = 0;
	if (out)
		*out = NULL;
	if (!path || !out || TS_OPTS_LOAD(o, opts))
		return ts_fail(errbuf, errlen, TRUSTACK_E_ARG, "%s", "bad arguments (path, out, or opts->sz)");
	struct trustack_proc *p = calloc(1, sizeof(*p));
	struct ts_core *c = calloc(1, sizeof(*c));
	if (!p || !c) {
		free(p), free(c);
		return ts_fail(errbuf, errlen, TRUSTACK_E_NOMEM, "%s", "out of memory");
	}
	p->memfd = -1;
	p->core = c, p->core_read = core_read_cb, p->core_free = core_free, p->core_info = &c->info;
	int rc = open_core(p, c, path, &o, errbuf, errlen);
	if (rc) {
		trustack_proc__close(p);
		return rc;
	}
	*out = p;
	return 0;
}

