/*
 * output.c - trustack_output__*: the public face of common/fileio.h's output rules, for callers
 * that write a buffer of their own (trustack sframe --raw, verify-unwind -o).
 */
#include <stdio.h>
#include <sys/stat.h>

#include "elf/handle.h"
#include "common/fileio.h"
#include "trustack.h"

/* the input to protect: the file behind elf, when it is one */
static const struct stat *input_of(struct trustack_elf *elf, struct stat *st)
{
	return elf && elf->img && elf->img->fd >= 0 && !fstat(elf->img->fd, st) ? st : NULL;
}

int trustack_output__check(const char *out_path, struct trustack_elf *input, char *errbuf, size_t errlen)
{
	struct stat st;
	return ts_outfile_open(NULL, out_path, input_of(input, &st), errbuf, errlen);
}

int trustack_output__write(const char *out_path, const void *buf, size_t size, struct trustack_elf *input,
			   char *errbuf, size_t errlen)
{
	struct stat st;
	return ts_replace_file(out_path, buf, size, 0644, input_of(input, &st), errbuf, errlen);
}
