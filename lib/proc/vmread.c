/*
 * vmread.c - reading another process' memory (process_vm_readv), for the snapshot, the module
 * identification (elfid.c) and the single-stepper: the one primitive they share, on its own so
 * that none of them depends on another for it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <sys/uio.h>

#include "proc/proc.h"

ssize_t ts_vm_read(int pid, uint64_t addr, void *buf, size_t len)
{
	/* remote vectors split at page boundaries: a partial read then ends at the first page
	 * that cannot be read instead of failing as a whole */
	enum { PAGE = 4096, MAXV = 1024 };
	struct iovec local = { buf, len }, remote[MAXV];
	size_t done = 0;
	while (done < len) {
		int nv = 0;
		size_t chunk = 0;
		uint64_t a = addr + done;
		while (done + chunk < len && nv < MAXV) {
			size_t in_page = PAGE - ((a + chunk) & (PAGE - 1));
			size_t take = len - done - chunk < in_page ? len - done - chunk : in_page;
			remote[nv].iov_base = (void *)(uintptr_t)(a + chunk);
			remote[nv].iov_len = take;
			nv++;
			chunk += take;
		}
		local.iov_base = (uint8_t *)buf + done;
		local.iov_len = chunk;
		ssize_t r = process_vm_readv(pid, &local, 1, remote, (unsigned long)nv, 0);
		if (r < 0)
			return done ? (ssize_t)done : -errno;
		done += (size_t)r;
		if ((size_t)r < chunk)
			break;
	}
	return (ssize_t)done;
}
