/*
 * handle.c - the public ELF handle (struct trustack_elf, elf/handle.h): opening a file, a
 * buffer or an archive member, and closing it. The analysis and the table writers work on
 * the image it holds.
 */
#include <stdio.h>
#include <stdlib.h>

#include "elf/handle.h"
#include "trustack.h"

/* The three ways to open: a file, a buffer, a member of an archive (member >= 0). */
static int open_elf(const char *path, const void *mem, size_t size, long member, struct trustack_elf **out,
		    char *errbuf, size_t errlen)
{
	*out = NULL;
	struct trustack_elf *e = calloc(1, sizeof(*e));
	if (!e)
		return -TRUSTACK_E_NOMEM;
	int rc = ts_image_open(path, mem, size, member, &e->img, errbuf, errlen);
	if (rc) {
		free(e);
		return rc;
	}
	if (!e->img->arch->analysed) {
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "%s files are not supported by the analysis yet%s",
				 e->img->arch->name, e->img->arch->decode ? "" : " (no decoder)");
		ts_image_close(e->img);
		free(e);
		return -TRUSTACK_E_UNSUPPORTED;
	}
	*out = e;
	return 0;
}

int trustack_elf__open(const char *path, struct trustack_elf **out, char *errbuf, size_t errlen)
{
	return open_elf(path, NULL, 0, -1, out, errbuf, errlen);
}

int trustack_elf__open_mem(const void *buf, size_t size, const char *name, struct trustack_elf **out,
			   char *errbuf, size_t errlen)
{
	return open_elf(name, buf, size, -1, out, errbuf, errlen);
}

int trustack_elf__open_member(const char *path, size_t index, struct trustack_elf **out, char *errbuf,
			      size_t errlen)
{
	return open_elf(path, NULL, 0, (long)index, out, errbuf, errlen);
}

int trustack_archive__members(const char *path, char ***names, size_t *n, char *errbuf, size_t errlen)
{
	return ts_archive_members(path, names, n, errbuf, errlen);
}

void trustack_archive__free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

void trustack_elf__close(struct trustack_elf *elf)
{
	if (!elf)
		return;
	ts_image_close(elf->img);
	free(elf);
}

const char *trustack_elf__arch(const struct trustack_elf *elf)
{
	return elf->img->arch->name;
}
