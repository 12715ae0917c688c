/*
 * facts.c - what the unwinder needs of a module besides its table, read once with the symbols
 * and kept in the symbol cache, so a warm `trustack stacks` opens no ELF file: the machine, the
 * build-id, whether an .sframe section exists (then the unwinder still reads the file), the PLT
 * sections' ranges and the addresses of the signal trampoline in the code (the same byte search
 * as ts_uw_scan_sigret in lib/unwind/unwinder.c, whose results they replace).
 */
#define _GNU_SOURCE
#include <elfutils/libdwelf.h>
#include <gelf.h>
#include <string.h>

#include "symbols/symbols.h"
#include "arch/arch.h"

static void scan_sigret(struct ts_syms_facts *f, Elf *elf)
{
	const struct ts_arch *m = ts_arch_for_machine(f->machine);
	const struct ts_uw_arch *a = m ? m->uw : NULL;
	f->nsig = 0;
	if (!a || !a->sigret_len)
		return; /* nothing to look for: the list is complete as it is */
	if (a->sigret2)
		return; /* two trampolines (s390x): not listed, the unwinder checks bytes */
	for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || !(sh.sh_flags & SHF_EXECINSTR) || sh.sh_type == SHT_NOBITS ||
		    sh.sh_size < a->sigret_len)
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf || d->d_size < a->sigret_len)
			continue;
		const uint8_t *p = d->d_buf, *end = p + d->d_size;
		while ((p = memmem(p, (size_t)(end - p), a->sigret, a->sigret_len)) != NULL) {
			if (f->nsig == TS_SYMS_MAX_SIG)
				return; /* too many to list: the unwinder checks bytes at unwind time */
			f->sig[f->nsig++] = sh.sh_addr + (uint64_t)(p - (const uint8_t *)d->d_buf);
			p++;
		}
	}
	f->flags |= TS_SYMS_SIG_COMPLETE;
}

void ts_symbols_facts_read(struct ts_syms_facts *f, Elf *elf, size_t shstrndx)
{
	GElf_Ehdr eh;
	if (gelf_getehdr(elf, &eh))
		f->machine = eh.e_machine;
	const void *id = NULL;
	ssize_t n = dwelf_elf_gnu_build_id(elf, &id);
	if (n > 0 && n <= 32) {
		memcpy(f->build_id, id, (size_t)n);
		f->build_id_len = (uint8_t)n;
	}
	for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
		GElf_Shdr sh;
		const char *name = gelf_getshdr(scn, &sh) ? elf_strptr(elf, shstrndx, sh.sh_name) : NULL;
		if (!name || !sh.sh_size)
			continue;
		if (!strcmp(name, ".sframe"))
			f->flags |= TS_SYMS_HAS_SFRAME;
		/* the unwinder's PLT ranges, in section order like its own search */
		if ((!strcmp(name, ".plt") || !strcmp(name, ".plt.got") || !strcmp(name, ".plt.sec")) &&
		    f->nplt < TS_SYMS_MAX_PLT) {
			f->plt_lo[f->nplt] = sh.sh_addr;
			f->plt_hi[f->nplt++] = sh.sh_addr + sh.sh_size;
		}
	}
	scan_sigret(f, elf);
}
