/*
 * writer.h - write a copy of an ELF file with new sections added (the unwind-table writers' output).
 *
 * The input file is never modified: the copy is written to a temporary file beside the target
 * and renamed over it, so a failure never leaves a half-written file.
 *
 * Relocatable objects (ET_REL): the new sections are added as a compiler would add them,
 * allocated if their flags say so, each with a SHT_RELA section (".rela<name>") when it has
 * relocations. Every relocation is made against the *section symbol* of the section holding its
 * target (addend = offset in that section), so readers such as objtool and objdump show
 * ".text+0x12" and weak or local symbols do not matter. When that section has no section symbol
 * (gas >= 2.36 drops unused ones), one is added: locals must precede globals in .symtab, so the
 * new symbols take the slots of the first globals, which move to the end of the table; only
 * references to those moved globals are renumbered (relocation sections, section groups,
 * SHT_SYMTAB_SHNDX, .llvm_addrsig).
 *
 * Linked files (ET_EXEC, ET_DYN): the new sections are added NON-ALLOCATED (SHF_ALLOC cleared,
 * sh_addr 0) after the existing content, with a new section header table; program headers and
 * every loaded byte stay as they were. An encoder that needs a field relative to its own
 * position (ORC's .orc_unwind_ip, SFrame's PC-relative function starts) computes it as if the
 * section were at address 0: value = target VA - (0 + offset of the field). Relocations are
 * refused for linked files.
 *
 * The copy keeps the file's byte order (big-endian for s390x, as its descriptor says; a file
 * whose byte order differs from its machine's is refused): headers, symbols and relocations are
 * held in host order while the copy is made. The new sections' bytes are written as given.
 *
 * Archive members and memory images cannot be written (there is no file to copy).
 */
#ifndef TS_WRITER_H
#define TS_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "elf/image.h"

struct ts_out_reloc {
	uint64_t offset;   /* offset inside the new section of the field to relocate */
	uint32_t type;     /* ELF relocation type (the machine's, arch.h: reloc[]) */
	uint64_t target;   /* image address the field refers to (synthetic address for ET_REL, see
			    * image.h); the writer turns it into symbol + addend */
	int64_t addend;    /* extra addend on top of the target (usually 0) */
};

struct ts_out_section {
	const char *name;              /* e.g. ".orc_unwind", ".sframe" */
	uint32_t type;                 /* SHT_PROGBITS, ... */
	uint64_t flags;                /* SHF_ALLOC etc.; for linked files SHF_ALLOC is dropped (below) */
	uint64_t entsize, align;
	const void *data;
	size_t size;
	const struct ts_out_reloc *relocs; /* relocatable objects only; a .rela<name> section is made */
	size_t nrelocs;
};

/* Write a copy of img's file to path with the sections added. Returns 0 or -TRUSTACK_E_*,
 * with a message in err. Refuses (TRUSTACK_E_ARG) when the file already has a section of that name. */
int ts_elf_write_copy(const struct ts_image *img, const char *path, const struct ts_out_section *secs,
		      size_t n, char *err, size_t errlen);

#endif
