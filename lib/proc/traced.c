/*
 * traced.c - a process object for a process we already trace (verify-unwind single-steps it):
 * its modules from /proc/PID/maps, no thread copies, memory read live. Attaching again is
 * neither possible nor needed: the tracer keeps the process stopped while it looks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc/proc.h"

int trustack_proc__open_traced(int pid, struct trustack_proc **out, char *errbuf, size_t errlen)
{
	*out = NULL;
	struct trustack_proc *p = calloc(1, sizeof(*p));
	if (!p)
		return -TRUSTACK_E_NOMEM;
	p->pid = pid;
	p->memfd = -1;
	int rc = ts_maps_read(pid, &p->maps);
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
