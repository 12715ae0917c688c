/*
 * exec_sections.h - what the speed suites' checkers (fastdecode_check.c, prescan_check.c) share:
 * opening an ELF file and visiting its executable sections, whose every byte offset they test.
 */
#ifndef TS_TEST_EXEC_SECTIONS_H
#define TS_TEST_EXEC_SECTIONS_H

#include <fcntl.h>
#include <gelf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

struct exec_section {
	const uint8_t *code;
	size_t n;
	uint64_t addr; /* sh_addr of the section */
};

/* The ELF file at path with its header in eh, or NULL after "TOOL: cannot read PATH" on stderr.
 * Close with exec_close(). */
static Elf *exec_open(const char *tool, const char *path, int *fd, GElf_Ehdr *eh)
{
	elf_version(EV_CURRENT);
	*fd = open(path, O_RDONLY);
	Elf *elf = *fd >= 0 ? elf_begin(*fd, ELF_C_READ, NULL) : NULL;
	if (!elf || !gelf_getehdr(elf, eh)) {
		fprintf(stderr, "%s: cannot read %s\n", tool, path);
		if (elf)
			elf_end(elf);
		return NULL;
	}
	return elf;
}

/* The next executable section with contents after *scn (start with *scn = NULL), in s; false at
 * the end. */
static bool exec_next(Elf *elf, Elf_Scn **scn, struct exec_section *s)
{
	while ((*scn = elf_nextscn(elf, *scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(*scn, &sh) || sh.sh_type != SHT_PROGBITS || !(sh.sh_flags & SHF_EXECINSTR))
			continue;
		Elf_Data *data = elf_getdata(*scn, NULL);
		if (!data || !data->d_buf)
			continue;
		*s = (struct exec_section){ data->d_buf, data->d_size, sh.sh_addr };
		return true;
	}
	return false;
}

static void exec_close(Elf *elf, int fd)
{
	elf_end(elf);
	close(fd);
}

#endif
