/*
 * landing.c - branch target identification: is the file marked for it, and which functions are
 * entered through a register.
 *
 * A file built for BTI (arm64 -mbranch-protection=bti/standard) says so in its GNU property note:
 * a note of type NT_GNU_PROPERTY_TYPE_0 (name "GNU") whose descriptor is an array of properties
 * {pr_type, pr_datasz, data padded to 8 bytes (ELFCLASS64) or 4 (ELFCLASS32)}, all in the file's
 * byte order. Which property and bit mean BTI is the machine's (ts_arch.bti_property, bti_bit);
 * the linker sets it in its output only when every input has it. The loader then maps the
 * file's code as guarded pages, where an indirect branch must land on a landing pad.
 *
 * What is entered through a register: a global or weak function (a PLT's `br x17`, another
 * object's function pointer, ld.so's calls of init functions), and one whose address the file
 * itself takes: in data (a relocation or, in an executable without relocations, a word holding
 * it: image.c's code_refs) or in code (`adrp x0, f; add x0, x0, :lo12:f`, `adr x0, f`). A static
 * function only called directly needs no pad, and gcc and clang leave it out.
 */
#include <stdlib.h>
#include <string.h>

#include "common/vec.h"
#include "elf/image.h"

#define NOTE_GNU_PROPERTY 5 /* NT_GNU_PROPERTY_TYPE_0 (elf.h of older systems lacks it) */

static uint32_t read32(const uint8_t *p, bool big_endian)
{
	return big_endian ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
			  : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

bool ts_gnu_property_bits(const uint8_t *desc, size_t len, bool big_endian, unsigned align, uint32_t type,
			  uint32_t *bits)
{
	if (align != 4 && align != 8)
		return false;
	size_t off = 0;
	while (len - off >= 8) {
		uint32_t pr_type = read32(desc + off, big_endian), datasz = read32(desc + off + 4, big_endian);
		off += 8;
		if (datasz > len - off)
			return false; /* malformed: the property runs past the note */
		if (pr_type == type) {
			if (datasz != 4)
				return false;
			*bits = read32(desc + off, big_endian);
			return true;
		}
		size_t padded = ((size_t)datasz + align - 1) & ~(size_t)(align - 1);
		if (padded > len - off)
			return false;
		off += padded;
	}
	return false;
}

/* Fold the GNU property notes of d into *bits (AND: a note without the property clears them);
 * true when there was one. */
static bool notes_property(Elf_Data *d, bool big_endian, unsigned align, uint32_t type, uint32_t *bits)
{
	GElf_Nhdr nh;
	size_t off = 0, name_off, desc_off, next;
	bool any = false;
	while (d && off < d->d_size && (next = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
		if (nh.n_type == NOTE_GNU_PROPERTY && nh.n_namesz == 4 &&
		    !memcmp((const char *)d->d_buf + name_off, "GNU", 4) && desc_off + nh.n_descsz <= d->d_size) {
			uint32_t v = 0;
			if (!ts_gnu_property_bits((const uint8_t *)d->d_buf + desc_off, nh.n_descsz, big_endian, align,
						  type, &v))
				v = 0;
			*bits = any ? *bits & v : v;
			any = true;
		}
		off = next;
	}
	return any;
}

/* Is the file marked with bit `bit` of GNU property `type`? From its note sections, or, without
 * section headers for them, its PT_NOTE segments. */
static bool file_property(const struct ts_image *img, uint32_t type, uint32_t bit)
{
	unsigned align = gelf_getclass(img->elf) == ELFCLASS32 ? 4 : 8;
	uint32_t bits = 0;
	bool any = false;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(img->elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		uint32_t v;
		if (notes_property(elf_getdata(scn, NULL), img->big_endian, align, type, &v)) {
			bits = any ? bits & v : v;
			any = true;
		}
	}
	size_t np;
	if (!any && !elf_getphdrnum(img->elf, &np)) {
		for (size_t i = 0; i < np; i++) {
			GElf_Phdr ph;
			if (!gelf_getphdr(img->elf, (int)i, &ph) || ph.p_type != PT_NOTE)
				continue;
			Elf_Data *d = elf_getdata_rawchunk(img->elf, (int64_t)ph.p_offset, ph.p_filesz,
							   ph.p_align == 8 ? ELF_T_NHDR8 : ELF_T_NHDR);
			uint32_t v;
			if (notes_property(d, img->big_endian, align, type, &v)) {
				bits = any ? bits & v : v;
				any = true;
			}
		}
	}
	return any && (bits & bit);
}

/* The starts of functions that code takes the address of: every instruction of every function
 * decoded (not only those a length-only decode says compute an address: the `add` that completes
 * an `adrp` page computes none by itself), pages completed by that add (ts_uop_address). */
static int collect_code_addr_taken(struct ts_image *img)
{
	size_t cap = 0;
	for (size_t i = 0; i < img->nfuncs; i++) {
		const struct ts_func *f = &img->funcs[i];
		size_t avail;
		const uint8_t *code = ts_image_bytes(img, f->addr, &avail);
		if (!code)
			continue;
		uint64_t end = f->addr + (f->size < avail ? f->size : avail);
		struct ts_page_pairs pp = { .paged = 0 };
		for (uint64_t a = f->addr; a < end;) {
			struct ts_insn in;
			unsigned len = img->arch->decode(img->dec, code + (a - f->addr), end - a, a, &in);
			if (!len)
				in.nuops = 0;
			a += len ? len : 1;
			for (unsigned k = 0; k < in.nuops; k++) {
				uint64_t t;
				if (!ts_uop_address(img->arch, &in.uops[k], &pp, &t))
					continue;
				int g = ts_image_func_at(img, t);
				if (g < 0 || img->funcs[g].addr != t)
					continue;
				if (TS_GROW(img->addr_taken, img->naddr_taken, cap, 64))
					return -TRUSTACK_E_NOMEM;
				img->addr_taken[img->naddr_taken++] = t;
			}
		}
	}
	ts_sort_u64(img->addr_taken, img->naddr_taken);
	return 0;
}

int ts_image_load_landing(struct ts_image *img)
{
	const struct ts_arch *a = img->arch;
	img->bti = a->bti_property && img->dec && file_property(img, a->bti_property, a->bti_bit);
	return img->bti ? collect_code_addr_taken(img) : 0;
}

static bool sorted_has(const uint64_t *v, size_t n, uint64_t x)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo] == x;
}

bool ts_image_indirect_entry(const struct ts_image *img, const struct ts_func *f)
{
	if (f->flags & TS_FUNC_FRAGMENT)
		return false; /* a .cold part is jumped to directly */
	if (f->flags & (TS_FUNC_GLOBAL | TS_FUNC_WEAK))
		return true;
	return sorted_has(img->addr_taken, img->naddr_taken, f->addr) ||
	       sorted_has(img->code_refs, img->ncode_refs, f->addr);
}
