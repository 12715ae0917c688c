/*
 * traced.c - a process object for a process we already trace (verify-unwind single-steps it):
 * its modules from /proc/PID/maps, no thread copies, memory read live. Attaching again is
 * neither possible nor needed: the tracer keeps the process stopped while it looks.
 */
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc/proc.h"

/* The ELF machine of the file at path (in the file's byte order), 0 when it is not ELF. */
static unsigned file_machine(int pid, const char *path)
{
	char fn[4200];
	snprintf(fn, sizeof(fn), "/proc/%d/root%s", pid, path);
	int fd = open(fn, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	unsigned char h[EI_NIDENT + 4];
	ssize_t n = fd >= 0 ? pread(fd, h, sizeof(h), 0) : -1;
	if (fd >= 0)
		close(fd);
	if (n != (ssize_t)sizeof(h) || memcmp(h, ELFMAG, SELFMAG))
		return 0;
	const unsigned char *m = h + EI_NIDENT + 2; /* e_machine, after e_type */
	return h[EI_DATA] == ELFDATA2MSB ? (unsigned)m[0] << 8 | m[1] : (unsigned)m[1] << 8 | m[0];
}

/*
 * What is the emulated program's code? QEMU's user mode keeps the program's code readable, not
 * executable, on the host (it runs translations of it). So: the readable mappings of files of the
 * program's machine, and anonymous read-only memory (QEMU's signal trampoline page); not the
 * emulator's own code, the host's libraries and vDSO, nor the writable translation buffer.
 */
static void emulated_code(int pid, uint16_t machine, struct ts_maps *maps)
{
	const char *last = NULL;
	bool last_ours = false;
	for (size_t i = 0; i < maps->n; i++) {
		struct ts_map *m = &maps->v[i];
		bool file = m->path[0] == '/' && m->inode;
		if (file && (!last || strcmp(last, m->path))) {
			last = m->path;
			last_ours = file_machine(pid, m->path) == machine;
		}
		if (file)
			m->x = m->r && last_ours;
		else
			m->x = !m->path[0] && m->r && !m->w;
	}
}

static int open_maps(int pid, uint16_t emulated, struct trustack_proc **out, char *errbuf, size_t errlen)
{
	*out = NULL;
	struct trustack_proc *p = calloc(1, sizeof(*p));
	if (!p)
		return -TRUSTACK_E_NOMEM;
	p->pid = pid;
	p->memfd = -1;
	int rc = ts_maps_read(pid, &p->maps);
	if (!rc && emulated)
		emulated_code(pid, emulated, &p->maps);
	if (!rc)
		rc = ts_modules_build(&p->maps, &p->mods);
	if (rc) {
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "process %d: cannot read its mappings: %s", pid, trustack_strerror(rc));
		trustack_proc__close(p);
		return rc;
	}
	ts_modules_identify(pid, &p->maps, &p->mods);
	*out = p;
	return 0;
}

int trustack_proc__open_traced(int pid, struct trustack_proc **out, char *errbuf, size_t errlen)
{
	return open_maps(pid, 0, out, errbuf, errlen);
}

int trustack_proc__open_emulated(int pid, uint16_t machine, struct trustack_proc **out, char *errbuf, size_t errlen)
{
	if (!machine)
		return -TRUSTACK_E_ARG;
	return open_maps(pid, machine, out, errbuf, errlen);
}

ssize_t trustack_proc__read_partial(const struct trustack_proc *p, uint64_t addr, void *buf, size_t len)
{
	if (p->core_read) { /* a core: page by page up to the first that it does not hold */
		size_t done = 0;
		while (done < len) {
			size_t n = 4096 - ((addr + done) & 4095);
			if (n > len - done)
				n = len - done;
			if (p->core_read(p->core, addr + done, (uint8_t *)buf + done, n))
				break;
			done += n;
		}
		return done ? (ssize_t)done : -TRUSTACK_E_IO;
	}
	ssize_t r = ts_vm_read(p->pid, addr, buf, len);
	return r < 0 ? -TRUSTACK_E_IO : r;
}
