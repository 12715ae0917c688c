/*
 * elfid.c - what the unwinder needs to know about a mapped ELF file: its load segments (for the
 * load bias) and its build-id (to find its tables in the cache). Read with plain reads from the
 * file, or from the target's memory for the vDSO: only the ELF header, the program headers and
 * the PT_NOTE segments are touched, every size checked, so a malformed or hostile file cannot
 * make us read far or loop.
 */
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/fileio.h"
#include "proc/proc.h"

#define MAX_PHDRS 256
#define MAX_NOTE_BYTES 4096

/* A file of the other byte order than the host's (a big-endian s390x program run under QEMU's
 * user mode on x86-64): its header fields turned around. */
static uint16_t fix16(uint16_t v, bool swap)
{
	return swap ? __builtin_bswap16(v) : v;
}

static uint32_t fix32(uint32_t v, bool swap)
{
	return swap ? __builtin_bswap32(v) : v;
}

static uint64_t fix64(uint64_t v, bool swap)
{
	return swap ? __builtin_bswap64(v) : v;
}

static void scan_notes(const uint8_t *b, size_t n, bool swap, struct ts_elf_ident *out)
{
	size_t off = 0;
	while (off + sizeof(Elf64_Nhdr) <= n) {
		Elf64_Nhdr nh;
		memcpy(&nh, b + off, sizeof(nh));
		nh.n_namesz = fix32(nh.n_namesz, swap);
		nh.n_descsz = fix32(nh.n_descsz, swap);
		nh.n_type = fix32(nh.n_type, swap);
		size_t name_off = off + sizeof(nh);
		size_t nsz = (nh.n_namesz + 3u) & ~3u, dsz = (nh.n_descsz + 3u) & ~3u;
		if (nh.n_namesz > n || nh.n_descsz > n || name_off + nsz + dsz > n)
			return;
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 && !memcmp(b + name_off, "GNU", 4) &&
		    nh.n_descsz > 0 && nh.n_descsz <= sizeof(out->build_id)) {
			memcpy(out->build_id, b + name_off + nsz, nh.n_descsz);
			out->build_id_len = (uint8_t)nh.n_descsz;
			return;
		}
		off = name_off + nsz + dsz;
	}
}

int ts_elf_ident_read(ts_image_read_fn rd, void *ctx, struct ts_elf_ident *out)
{
	memset(out, 0, sizeof(*out));
	Elf64_Ehdr eh;
	if (rd(ctx, 0, &eh, sizeof(eh)) || memcmp(eh.e_ident, ELFMAG, SELFMAG))
		return -TRUSTACK_E_FORMAT;
	if (eh.e_ident[EI_DATA] != ELFDATA2LSB && eh.e_ident[EI_DATA] != ELFDATA2MSB)
		return -TRUSTACK_E_FORMAT;
	bool swap = (eh.e_ident[EI_DATA] == ELFDATA2MSB) != (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__);
	eh.e_machine = fix16(eh.e_machine, swap);
	eh.e_phentsize = fix16(eh.e_phentsize, swap);
	eh.e_phnum = fix16(eh.e_phnum, swap);
	eh.e_phoff = fix64(eh.e_phoff, swap);
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 ||
	    eh.e_phnum > MAX_PHDRS)
		return -TRUSTACK_E_FORMAT;
	out->is_elf = true;
	out->machine = eh.e_machine;
	Elf64_Phdr ph[MAX_PHDRS];
	if (rd(ctx, eh.e_phoff, ph, eh.e_phnum * sizeof(Elf64_Phdr)))
		return -TRUSTACK_E_FORMAT;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		ph[i].p_type = fix32(ph[i].p_type, swap);
		ph[i].p_offset = fix64(ph[i].p_offset, swap);
		ph[i].p_vaddr = fix64(ph[i].p_vaddr, swap);
		ph[i].p_filesz = fix64(ph[i].p_filesz, swap);
	}
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && out->nload < sizeof(out->load) / sizeof(out->load[0])) {
			out->load[out->nload].vaddr = ph[i].p_vaddr;
			out->load[out->nload].offset = ph[i].p_offset;
			out->load[out->nload].filesz = ph[i].p_filesz;
			out->nload++;
		}
	}
	for (unsigned i = 0; i < eh.e_phnum && !out->build_id_len; i++) {
		if (ph[i].p_type != PT_NOTE || ph[i].p_filesz == 0)
			continue;
		uint8_t buf[MAX_NOTE_BYTES];
		size_t n = ph[i].p_filesz < sizeof(buf) ? ph[i].p_filesz : sizeof(buf);
		if (!rd(ctx, ph[i].p_offset, buf, n))
			scan_notes(buf, n, swap, out);
	}
	return 0;
}

bool ts_elf_ident_bias(const struct ts_elf_ident *id, uint64_t map_start, uint64_t map_offset, uint64_t *bias)
{
	for (size_t i = 0; i < id->nload; i++) {
		uint64_t page_off = id->load[i].offset & ~(uint64_t)4095;
		if (map_offset >= page_off && map_offset < id->load[i].offset + id->load[i].filesz + 4096) {
			/* file offset o is at p_vaddr + (o - p_offset) + bias */
			*bias = map_start - map_offset + id->load[i].offset - id->load[i].vaddr;
			return true;
		}
	}
	return false;
}

/* Reading an image from a file descriptor. */
static int fd_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	int fd = *(int *)ctx;
	ssize_t r = pread(fd, buf, len, (off_t)off);
	return r == (ssize_t)len ? 0 : -TRUSTACK_E_IO;
}

/* Reading an image from the target's memory, relative to the mapping of file offset 0. */
struct mem_image {
	int pid;
	uint64_t base, limit;
};

static int mem_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct mem_image *m = ctx;
	if (off > m->limit || len > m->limit - off)
		return -TRUSTACK_E_IO;
	return ts_vm_read(m->pid, m->base + off, buf, len) == (ssize_t)len ? 0 : -TRUSTACK_E_IO;
}

static int open_file(int pid, const struct ts_map *m)
{
	char fn[4200];
	/* map_files names the very file that is mapped, even if it was deleted or replaced */
	snprintf(fn, sizeof(fn), "/proc/%d/map_files/%llx-%llx", pid, (unsigned long long)m->start,
		 (unsigned long long)m->end);
	int fd = open(fn, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	/* by name (the target's root: right also when it lives in another mount namespace), the
	 * file may have been replaced since it was mapped, even by a FIFO: opened as every input */
	snprintf(fn, sizeof(fn), "/proc/%d/root%s", pid, m->path);
	fd = ts_open_input(fn, NULL, NULL, 0);
	if (fd >= 0 || m->deleted)
		return fd;
	return ts_open_input(m->path, NULL, NULL, 0);
}

/* The mapping of the module with the lowest file offset (where the ELF header is). */
static const struct ts_map *first_map(const struct ts_maps *maps, const struct trustack_module *mod)
{
	const struct ts_map *best = NULL;
	for (size_t i = 0; i < maps->n; i++) {
		const struct ts_map *m = &maps->v[i];
		if (m->start < mod->start || m->end > mod->end || strcmp(m->path, mod->path))
			continue;
		if (!best || m->offset < best->offset)
			best = m;
	}
	return best;
}

void ts_modules_identify(int pid, const struct ts_maps *maps, struct ts_modules *mods)
{
	for (size_t i = 0; i < mods->n; i++) {
		struct trustack_module *mod = &mods->v[i];
		if (mod->kind != TRUSTACK_MODULE_FILE && mod->kind != TRUSTACK_MODULE_VDSO)
			continue;
		const struct ts_map *m = first_map(maps, mod);
		if (!m)
			continue;
		struct ts_elf_ident id;
		int rc = -TRUSTACK_E_IO;
		if (mod->kind == TRUSTACK_MODULE_FILE) {
			int fd = open_file(pid, m);
			if (fd >= 0) {
				rc = ts_elf_ident_read(fd_read, &fd, &id);
				close(fd);
			}
		}
		if (rc && m->offset == 0 && m->r) {
			struct mem_image mi = { pid, m->start, mod->end - m->start };
			rc = ts_elf_ident_read(mem_read, &mi, &id);
		}
		if (rc) {
			if (rc == -TRUSTACK_E_FORMAT && mod->kind == TRUSTACK_MODULE_FILE)
				mod->kind = TRUSTACK_MODULE_OTHER_EXEC;
			continue;
		}
		mod->bias_known = ts_elf_ident_bias(&id, m->start, m->offset, &mod->bias);
		if (!mod->bias_known)
			mod->bias = 0;
		mod->build_id_len = id.build_id_len;
		memcpy(mod->build_id, id.build_id, id.build_id_len);
	}
}
