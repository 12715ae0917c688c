/*
 * debugfile.c - the separate debug file of a stripped module, for its .symtab: Debian's libc
 * has only .dynsym, so start_thread and clone3 have no name in the file itself, but libc6-dbg
 * installs /usr/lib/debug/.build-id/xx/rest.debug with the full symbol table. The paths are
 * the ones gdb and libdwfl search: the build-id tree first, then the .gnu_debuglink name beside
 * the file, in its .debug/ directory and under /usr/lib/debug plus the file's directory.
 */
#include <elfutils/libdwelf.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/fileio.h"
#include "symbols/symbols.h"

/* Open path as ELF if its build-id is id. */
static int try_open(const char *path, const uint8_t *id, size_t idlen, Elf **out)
{
	int fd = ts_open_input(path, NULL, NULL, 0);
	if (fd < 0)
		return -1;
	Elf *e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	const void *got = NULL;
	ssize_t n = e ? dwelf_elf_gnu_build_id(e, &got) : -1;
	if (n > 0 && (size_t)n == idlen && !memcmp(got, id, idlen)) {
		*out = e;
		return fd;
	}
	if (e)
		elf_end(e);
	close(fd);
	return -1;
}

int ts_debug_file_open(const char *path, Elf *elf, const uint8_t *id, size_t idlen, Elf **out)
{
	*out = NULL;
	if (!idlen) /* without a build-id nothing says a candidate is of this build */
		return -1;
	char buf[4096];
	int at = snprintf(buf, sizeof(buf), "/usr/lib/debug/.build-id/%02x/", id[0]);
	for (size_t i = 1; i < idlen && at > 0 && (size_t)at < sizeof(buf) - 8; i++)
		at += snprintf(buf + at, sizeof(buf) - (size_t)at, "%02x", id[i]);
	if (at > 0 && (size_t)at < sizeof(buf) - 8) {
		memcpy(buf + at, ".debug", 7);
		int fd = try_open(buf, id, idlen, out);
		if (fd >= 0)
			return fd;
	}
	GElf_Word crc;
	const char *link = dwelf_elf_gnu_debuglink(elf, &crc);
	if (!link || !*link || strchr(link, '/'))
		return -1;
	const char *slash = strrchr(path, '/');
	int dirlen = slash ? (int)(slash - path) : 1;
	const char *dir = slash ? path : ".";
	static const char *const forms[] = { "%.*s/%s", "%.*s/.debug/%s", "/usr/lib/debug%.*s/%s" };
	for (size_t k = 0; k < sizeof(forms) / sizeof(forms[0]); k++) {
		if (k == 2 && dir[0] != '/')
			break;
		int w = snprintf(buf, sizeof(buf), forms[k], dirlen, dir, link);
		if (w <= 0 || (size_t)w >= sizeof(buf) || !strcmp(buf, path))
			continue;
		int fd = try_open(buf, id, idlen, out);
		if (fd >= 0)
			return fd;
	}
	return -1;
}
