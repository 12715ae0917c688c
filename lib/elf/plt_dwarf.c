/*
 * plt_dwarf.c - what the analysis needs that is not in the symbol table:
 *  - PLT stubs of linked files (a call to a stub is a call to the symbol of its GOT slot);
 *  - functions that DWARF marks DW_AT_noreturn (declarations of external ones included).
 */
#include <dwarf.h>
#include <fcntl.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <stdlib.h>
#include <string.h>

#include "arch/stub.h"
#include "elf/image.h"
#include "trustack.h"
#include "common/vec.h"

int ts_image_load_plt(struct ts_image *img)
{
	for (size_t i = 1; i < img->nsecs; i++) {
		const struct ts_section *s = &img->secs[i];
		if (!s->exec || !s->data || strncmp(s->name, ".plt", 4) != 0)
			continue;
		uint64_t a = s->addr, end = s->addr + s->size;
		uint64_t entry = a; /* start of the current stub: after the previous indirect jump */
		uint64_t first = 0; /* its first instruction that is not padding (arm64: after nops) */
		uint64_t lea = 0;   /* its last instruction that put an address into a register (s390x
				     * larl: the previous stub's trailing word may decode as code) */
		struct ts_stub track;
		ts_stub_reset(&track);
		while (a < end) {
			struct ts_insn in;
			unsigned len = img->arch->decode(img->dec, s->data + (a - s->addr), end - a, a, &in);
			if (!len) {
				a++;
				entry = a;
				first = 0;
				ts_stub_reset(&track);
				continue;
			}
			if (!first && !(in.flags & TS_IF_NOP))
				first = a;
			for (unsigned k = 0; k < in.nuops; k++)
				if (in.uops[k].kind == TS_UOP_LEA && in.uops[k].mem.abs)
					lea = a;
			uint64_t slot = ts_stub_step(&track, &in);
			if (slot) {
				const char *n = ts_image_got_name(img, slot);
				if (n) {
					if (ts_image_add_ext(img, entry, n))
						return -TRUSTACK_E_NOMEM;
					if (entry != a && ts_image_add_ext(img, a, n))
						return -TRUSTACK_E_NOMEM;
					if (first != entry && first != a && ts_image_add_ext(img, first, n))
						return -TRUSTACK_E_NOMEM;
					if (lea > entry && lea != first && lea != a && ts_image_add_ext(img, lea, n))
						return -TRUSTACK_E_NOMEM;
				}
			}
			a += len;
			if (in.flow == TS_FLOW_JUMP_IND || in.flow == TS_FLOW_JUMP || in.flow == TS_FLOW_STOP) {
				/* skip padding up to the next instruction that is not a nop (s390x: the
				 * relocation offset word ending each stub decodes as traps) */
				entry = a;
				first = 0;
				ts_stub_reset(&track);
			} else if ((in.flags & TS_IF_NOP) && entry == a - len) {
				entry = a - len; /* endbr64 opens a stub */
			}
		}
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_name(struct ts_image *img, size_t *cap, const char *name)
{
	if (!name)
		return;
	if (TS_GROW(img->noreturn_names, img->nnoreturn_names, *cap, 32))
		return;
	char *d = strdup(name);
	if (d)
		img->noreturn_names[img->nnoreturn_names++] = d;
}

static void walk_dies(struct ts_image *img, size_t *cap, Dwarf_Die *parent, int depth)
{
	Dwarf_Die die;
	if (depth > 8 || dwarf_child(parent, &die) != 0)
		return;
	do {
		int tag = dwarf_tag(&die);
		if (tag == DW_TAG_subprogram) {
			bool nr = false;
			if (dwarf_hasattr(&die, DW_AT_noreturn)) {
				Dwarf_Attribute at;
				nr = true;
				if (dwarf_attr(&die, DW_AT_noreturn, &at))
					dwarf_formflag(&at, &nr);
			}
			if (nr) {
				Dwarf_Attribute at;
				const char *ln = NULL;
				if (dwarf_attr_integrate(&die, DW_AT_linkage_name, &at))
					ln = dwarf_formstring(&at);
				add_name(img, cap, ln ? ln : dwarf_diename(&die));
			}
		} else if (tag == DW_TAG_namespace || tag == DW_TAG_class_type || tag == DW_TAG_structure_type) {
			walk_dies(img, cap, &die, depth + 1);
		}
	} while (dwarf_siblingof(&die, &die) == 0);
}

static const Dwfl_Callbacks offline_callbacks = {
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

/* Best effort: a file without DWARF simply contributes no names. */
void ts_image_load_dwarf_noreturn(struct ts_image *img)
{
	bool has_info = false;
	for (size_t i = 1; i < img->nsecs; i++)
		if (!strcmp(img->secs[i].name, ".debug_info"))
			has_info = true;
	if (!has_info || img->fd < 0 || img->ar)
		return; /* libdwfl reads files by name: not for memory images or archive members */
	/* libdwfl applies the relocations of .debug_* sections in relocatable objects */
	Dwfl *dwfl = dwfl_begin(&offline_callbacks);
	if (!dwfl)
		return;
	/* our own descriptor, not the name again: the file may have been replaced (by a FIFO, even)
	 * since it was opened; libdwfl owns and closes the copy */
	int fd = fcntl(img->fd, F_DUPFD_CLOEXEC, 0);
	Dwfl_Module *mod = fd >= 0 ? dwfl_report_offline(dwfl, "", img->path, fd) : NULL;
	dwfl_report_end(dwfl, NULL, NULL);
	Dwarf_Addr bias;
	Dwarf *dw = mod ? dwfl_module_getdwarf(mod, &bias) : NULL;
	size_t cap = 0;
	if (dw) {
		Dwarf_Off off = 0, next;
		size_t hsize;
		while (dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
			Dwarf_Die cu;
			if (dwarf_offdie(dw, off + hsize, &cu))
				walk_dies(img, &cap, &cu, 0);
			off = next;
		}
	}
	dwfl_end(dwfl);
	if (img->nnoreturn_names)
		qsort(img->noreturn_names, img->nnoreturn_names, sizeof(char *), cmp_str);
}
