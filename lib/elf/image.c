/*
 * image.c - open an ELF file with libelf and build the address space (see image.h).
 */
#define _GNU_SOURCE
#include <ar.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/err.h"
#include "elf/image.h"
#include "trustack.h"
#include "common/vec.h"

#define REL_BASE 0x100000ull  /* first synthetic section address of a relocatable object */
#define REL_GAP 0x1000ull     /* gap between synthetic sections: running off one is visible */

static int cmp_u64(uint64_t a, uint64_t b) { return a < b ? -1 : a > b; }

static int cmp_sec_addr(const void *a, const void *b, void *ctx)
{
	const struct ts_section *s = ((const struct ts_image *)ctx)->secs;
	return cmp_u64(s[*(const uint32_t *)a].addr, s[*(const uint32_t *)b].addr);
}

static int cmp_u64p(const void *a, const void *b)
{
	return cmp_u64(*(const uint64_t *)a, *(const uint64_t *)b);
}

void ts_sort_u64(uint64_t *v, size_t n)
{
	if (n)
		qsort(v, n, sizeof(uint64_t), cmp_u64p);
}

static int cmp_sym(const void *a, const void *b)
{
	const struct ts_symbol *x = a, *y = b;
	int c = cmp_u64(x->addr, y->addr);
	return c ? c : cmp_u64(y->size, x->size);
}

static int cmp_ext(const void *a, const void *b)
{
	const struct ts_addr_name *x = a, *y = b;
	return cmp_u64(x->addr, y->addr);
}

static int cmp_func(const void *a, const void *b)
{
	const struct ts_func *x = a, *y = b;
	return cmp_u64(x->addr, y->addr);
}

static int cmp_func_name(const void *a, const void *b, void *ctx)
{
	const struct ts_func *f = ((const struct ts_image *)ctx)->funcs;
	return strcmp(f[*(const uint32_t *)a].name, f[*(const uint32_t *)b].name);
}

int ts_image_add_ext(struct ts_image *img, uint64_t addr, const char *name)
{
	if (TS_GROW(img->ext, img->next, img->capext, 64))
		return -TRUSTACK_E_NOMEM;
	img->ext[img->next].addr = addr;
	img->ext[img->next].name = name;
	img->next++;
	return 0;
}

/* Keep a name the image made; returns it, or NULL (and frees it) when out of memory. */
const char *ts_image_own_name(struct ts_image *img, char *name)
{
	if (TS_GROW(img->owned_names, img->nowned, img->capowned, 64)) {
		free(name);
		return NULL;
	}
	img->owned_names[img->nowned++] = name;
	return name;
}

void ts_image_sort_ext(struct ts_image *img)
{
	if (img->next)
		qsort(img->ext, img->next, sizeof(*img->ext), cmp_ext);
	img->nsorted = img->next;
}

static const char *ext_lookup(const struct ts_image *img, uint64_t addr)
{
	/* entries added since the last sort are not searched (the PLT loader adds while it looks up) */
	size_t lo = 0, hi = img->nsorted;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (img->ext[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < img->nsorted && img->ext[lo].addr == addr ? img->ext[lo].name : NULL;
}

const struct ts_section *ts_image_section_at(const struct ts_image *img, uint64_t addr)
{
	size_t lo = 0, hi = img->nby_addr;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct ts_section *s = &img->secs[img->by_addr[mid]];
		if (addr < s->addr)
			hi = mid;
		else if (addr >= s->addr + s->size)
			lo = mid + 1;
		else
			return s;
	}
	if (img->got && addr >= img->got_base && addr < img->got_base + img->ngot * 8)
		return NULL; /* handled by ts_image_bytes */
	return NULL;
}

const uint8_t *ts_image_bytes(const struct ts_image *img, uint64_t addr, size_t *avail)
{
	const struct ts_section *s = ts_image_section_at(img, addr);
	if (s && s->data) {
		*avail = s->addr + s->size - addr;
		return s->data + (addr - s->addr);
	}
	if (img->got && addr >= img->got_base && addr < img->got_base + img->ngot * 8) {
		*avail = img->got_base + img->ngot * 8 - addr;
		return img->got + (addr - img->got_base);
	}
	*avail = 0;
	return NULL;
}

bool ts_image_read(const struct ts_image *img, uint64_t addr, unsigned n, uint64_t *val)
{
	size_t avail;
	const uint8_t *p = ts_image_bytes(img, addr, &avail);
	if (!p || avail < n || n > 8)
		return false;
	uint64_t v = 0;
	if (img->big_endian)
		for (unsigned i = 0; i < n; i++)
			v = v << 8 | p[i];
	else
		for (unsigned i = 0; i < n; i++)
			v |= (uint64_t)p[i] << 8 * i;
	*val = v;
	return true;
}

int ts_image_func_at(const struct ts_image *img, uint64_t addr)
{
	size_t lo = 0, hi = img->nfuncs;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (img->funcs[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return -1;
	const struct ts_func *f = &img->funcs[lo - 1];
	return addr < f->addr + f->size ? (int)(lo - 1) : -1;
}

int ts_image_func_at_near(const struct ts_image *img, uint64_t addr, int guess)
{
	/* guess is what the search would find when addr lies in it and the next function (in
	 * address order) starts after addr */
	if (guess >= 0 && (size_t)guess < img->nfuncs) {
		const struct ts_func *f = &img->funcs[guess];
		if (f->addr <= addr && addr < f->addr + f->size &&
		    ((size_t)guess + 1 == img->nfuncs || img->funcs[guess + 1].addr > addr))
			return guess;
	}
	return ts_image_func_at(img, addr);
}

int ts_image_func_by_name(const struct ts_image *img, const char *name)
{
	size_t lo = 0, hi = img->nfuncs;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(img->funcs[img->funcs_by_name[mid]].name, name);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < img->nfuncs && !strcmp(img->funcs[img->funcs_by_name[lo]].name, name))
		return (int)img->funcs_by_name[lo];
	return -1;
}

const char *ts_image_target_name(const struct ts_image *img, uint64_t addr)
{
	const char *n = ext_lookup(img, addr);
	if (n)
		return n;
	int f = ts_image_func_at(img, addr);
	if (f >= 0 && img->funcs[f].addr == addr)
		return img->funcs[f].name;
	return NULL;
}

const char *ts_image_got_name(const struct ts_image *img, uint64_t slot)
{
	return ext_lookup(img, slot);
}

uint64_t ts_image_report_addr(const struct ts_image *img, uint64_t addr, const char **secname)
{
	const struct ts_section *s = ts_image_section_at(img, addr);
	if (secname)
		*secname = s ? s->name : NULL;
	if (img->rel && s)
		return addr - s->addr;
	return addr;
}

/* ------------------------------------------------------------------------------------------ */

static int load_sections(struct ts_image *img, size_t filesize, char *err, size_t errlen)
{
	size_t shnum, shstrndx;
	if (elf_getshdrnum(img->elf, &shnum) || elf_getshdrstrndx(img->elf, &shstrndx))
		return ts_fail(err, errlen, TRUSTACK_E_FORMAT, "malformed ELF: bad section header table (%s)",
			    elf_errmsg(-1));
	img->secs = calloc(shnum ? shnum : 1, sizeof(*img->secs));
	if (!img->secs)
		return -TRUSTACK_E_NOMEM;
	img->nsecs = shnum;
	uint64_t next = REL_BASE;
	for (size_t i = 1; i < shnum; i++) {
		Elf_Scn *scn = elf_getscn(img->elf, i);
		GElf_Shdr sh;
		if (!scn || !gelf_getshdr(scn, &sh))
			return ts_fail(err, errlen, TRUSTACK_E_FORMAT, "malformed ELF: section %zu unreadable", i);
		struct ts_section *s = &img->secs[i];
		s->name = elf_strptr(img->elf, shstrndx, sh.sh_name);
		if (!s->name)
			s->name = "?";
		s->size = sh.sh_size;
		s->flags = sh.sh_flags;
		s->type = sh.sh_type;
		s->exec = (sh.sh_flags & SHF_EXECINSTR) && (sh.sh_flags & SHF_ALLOC);
		if (sh.sh_type != SHT_NOBITS && sh.sh_type != SHT_NULL &&
		    (sh.sh_offset > filesize || sh.sh_size > filesize - sh.sh_offset))
			return ts_fail(err, errlen, TRUSTACK_E_FORMAT,
				    "truncated or malformed ELF: section %s [%zu] extends beyond the end of the file",
				    s->name, i);
		if (img->rel && (sh.sh_flags & SHF_ALLOC)) {
			uint64_t al = sh.sh_addralign > 16 ? sh.sh_addralign : 16;
			if (al & (al - 1))
				al = 16;
			next = (next + al - 1) & ~(al - 1);
			s->addr = next;
			next += sh.sh_size + REL_GAP;
		} else {
			s->addr = sh.sh_addr;
		}
		if ((sh.sh_flags & SHF_ALLOC) && sh.sh_type != SHT_NOBITS && sh.sh_size) {
			if (sh.sh_flags & SHF_COMPRESSED)
				continue;
			Elf_Data *d = elf_getdata(scn, NULL);
			if (!d || d->d_size < sh.sh_size || !d->d_buf)
				return ts_fail(err, errlen, TRUSTACK_E_FORMAT,
					    "truncated or malformed ELF: cannot read section %s", s->name);
			s->data = d->d_buf;
		}
	}
	img->got_base = (next + 0xfff) & ~0xfffull;
	/* index of allocated sections with contents, by address */
	img->by_addr = calloc(shnum ? shnum : 1, sizeof(uint32_t));
	if (!img->by_addr)
		return -TRUSTACK_E_NOMEM;
	for (size_t i = 1; i < shnum; i++)
		if (img->secs[i].data && img->secs[i].size)
			img->by_addr[img->nby_addr++] = (uint32_t)i;
	qsort_r(img->by_addr, img->nby_addr, sizeof(uint32_t), cmp_sec_addr, img);
	/* overlapping sections would make address lookups ambiguous */
	for (size_t i = 1; i < img->nby_addr; i++) {
		const struct ts_section *a = &img->secs[img->by_addr[i - 1]], *b = &img->secs[img->by_addr[i]];
		if (a->addr + a->size > b->addr && !(a->flags & SHF_TLS) && !(b->flags & SHF_TLS))
			return ts_fail(err, errlen, TRUSTACK_E_FORMAT, "malformed ELF: sections %s and %s overlap",
				    a->name, b->name);
	}
	return 0;
}

static Elf_Scn *find_symtab(struct ts_image *img, GElf_Shdr *sh, uint32_t want)
{
	for (size_t i = 1; i < img->nsecs; i++) {
		Elf_Scn *scn = elf_getscn(img->elf, i);
		if (scn && gelf_getshdr(scn, sh) && sh->sh_type == want)
			return scn;
	}
	return NULL;
}

/* Read symbols; for relocatable objects also return each symbol's (synthetic) address. */
static int load_symbols(struct ts_image *img, uint64_t **symaddr_out, size_t *nsym_out,
			Elf_Data **symdata_out, size_t *strndx_out, char *err, size_t errlen)
{
	GElf_Shdr sh;
	Elf_Scn *scn = find_symtab(img, &sh, SHT_SYMTAB);
	if (!scn)
		scn = find_symtab(img, &sh, SHT_DYNSYM);
	*symaddr_out = NULL;
	*nsym_out = 0;
	if (!scn)
		return 0;
	Elf_Data *d = elf_getdata(scn, NULL);
	if (!d || !sh.sh_entsize)
		return ts_fail(err, errlen, TRUSTACK_E_FORMAT, "malformed ELF: unreadable symbol table");
	size_t n = sh.sh_size / sh.sh_entsize;
	if (d->d_size / sizeof(Elf64_Sym) < n)
		n = d->d_size / sizeof(Elf64_Sym);
	uint64_t *symaddr = calloc(n ? n : 1, sizeof(uint64_t));
	img->syms = calloc(n ? n : 1, sizeof(*img->syms));
	if (!symaddr || !img->syms) {
		free(symaddr);
		return -TRUSTACK_E_NOMEM;
	}
	/* the extern region, after the GOT: within reach of a direct call from the code (arm64's
	 * `bl` reaches +-128 MiB; a call to an extern out of reach would keep its unrelocated
	 * bytes, a call to itself) */
	uint64_t gap = 0x10000000ull;
	if (img->arch->call_reach && gap > img->arch->call_reach / 2)
		gap = img->arch->call_reach / 2;
	uint64_t extaddr = img->got_base + gap;
	for (size_t i = 0; i < n; i++) {
		GElf_Sym s;
		if (!gelf_getsym(d, (int)i, &s))
			continue;
		const char *name = elf_strptr(img->elf, sh.sh_link, s.st_name);
		if (!name)
			name = "";
		uint8_t type = GELF_ST_TYPE(s.st_info);
		if (s.st_shndx == SHN_UNDEF || s.st_shndx == SHN_COMMON) {
			if (img->rel && i > 0) {
				symaddr[i] = extaddr;
				if (*name && ts_image_add_ext(img, extaddr, name))
					goto nomem;
				extaddr += 16;
			}
			continue;
		}
		if (s.st_shndx == SHN_ABS) {
			symaddr[i] = s.st_value;
			continue;
		}
		if (s.st_shndx >= img->nsecs)
			continue; /* SHN_XINDEX and friends: not for code */
		uint64_t a = img->rel ? img->secs[s.st_shndx].addr + s.st_value : s.st_value;
		symaddr[i] = a;
		if (type == STT_SECTION || type == STT_FILE || !*name)
			continue;
		struct ts_symbol *t = &img->syms[img->nsyms++];
		t->name = name;
		t->addr = a;
		t->size = s.st_size;
		t->type = type;
		t->bind = GELF_ST_BIND(s.st_info);
		t->sec = s.st_shndx;
	}
	if (img->nsyms)
		qsort(img->syms, img->nsyms, sizeof(*img->syms), cmp_sym);
	*symaddr_out = symaddr;
	*nsym_out = n;
	*symdata_out = d;
	*strndx_out = sh.sh_link;
	return 0;
nomem:
	free(symaddr);
	return -TRUSTACK_E_NOMEM;
}

static void add_tlsdesc(struct ts_image *img, uint64_t addr)
{
	if (TS_GROW(img->tlsdesc, img->ntlsdesc, img->captlsdesc, 16))
		return; /* fewer known: those calls change every caller-saved register */
	img->tlsdesc[img->ntlsdesc++] = addr;
}

static void add_code_ref(struct ts_image *img, uint64_t addr)
{
	const struct ts_section *s = ts_image_section_at(img, addr);
	if (!s || !s->exec)
		return;
	if (TS_GROW(img->code_refs, img->ncode_refs, img->capcode_refs, 64))
		return; /* fewer computed-goto targets: their code is then reported, not hidden */
	img->code_refs[img->ncode_refs++] = addr;
}

/* A non-PIE executable has no relocations left: aligned words in data that hold a code
 * address are the candidates (only those inside the jumping function are ever used). */
static void scan_code_refs(struct ts_image *img)
{
	for (size_t i = 1; i < img->nsecs; i++) {
		const struct ts_section *s = &img->secs[i];
		if (!s->data || s->exec || !(s->flags & SHF_ALLOC) || (s->flags & SHF_TLS) || s->type != SHT_PROGBITS)
			continue;
		for (uint64_t off = (8 - (s->addr & 7)) & 7; off + 8 <= s->size; off += 8) {
			uint64_t v;
			memcpy(&v, s->data + off, 8);
			if (v && ts_image_section_at(img, v) && ts_image_section_at(img, v)->exec)
				add_code_ref(img, v);
		}
	}
}

/* The values of sorted array v (n entries) in [lo, hi): their count, and the first in *first. */
static size_t sorted_range(const uint64_t *v, size_t n, uint64_t lo, uint64_t hi, size_t *first)
{
	size_t a = 0, b = n;
	while (a < b) {
		size_t mid = (a + b) / 2;
		if (v[mid] < lo)
			a = mid + 1;
		else
			b = mid;
	}
	size_t k = 0;
	while (a + k < n && v[a + k] < hi)
		k++;
	*first = a;
	return k;
}

bool ts_image_tlsdesc(const struct ts_image *img, uint64_t addr)
{
	if (!img->ntlsdesc)
		return false;
	size_t at;
	return sorted_range(img->tlsdesc, img->ntlsdesc, addr, addr + 1, &at) > 0;
}

size_t ts_image_code_refs(const struct ts_image *img, uint64_t lo, uint64_t hi, const uint64_t **first)
{
	size_t at, n = sorted_range(img->code_refs, img->ncode_refs, lo, hi, &at);
	*first = n ? img->code_refs + at : NULL;
	return n;
}

/* Apply the relocations of a relocatable object to private copies of the sections. */
static int apply_relocations(struct ts_image *img, const uint64_t *symaddr, size_t nsym, Elf_Data *symdata,
			     size_t strndx, char *err, size_t errlen)
{
	uint32_t *gotslot = calloc(nsym ? nsym : 1, sizeof(uint32_t)); /* slot index + 1 */
	uint64_t *gotval = NULL;
	size_t ngot = 0, capgot = 0;
	int rc = 0;
	if (!gotslot)
		return -TRUSTACK_E_NOMEM;
	for (size_t i = 1; i < img->nsecs; i++) {
		Elf_Scn *scn = elf_getscn(img->elf, i);
		GElf_Shdr sh;
		if (!scn || !gelf_getshdr(scn, &sh) || sh.sh_type != SHT_RELA)
			continue;
		if (sh.sh_info == 0 || sh.sh_info >= img->nsecs)
			continue;
		struct ts_section *t = &img->secs[sh.sh_info];
		if (!(t->flags & SHF_ALLOC) || !t->data)
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		if (!d || !sh.sh_entsize) {
			rc = ts_fail(err, errlen, TRUSTACK_E_FORMAT, "malformed ELF: unreadable %s", img->secs[i].name);
			goto out;
		}
		if (!t->owned) {
			t->owned = malloc(t->size);
			if (!t->owned) {
				rc = -TRUSTACK_E_NOMEM;
				goto out;
			}
			memcpy(t->owned, t->data, t->size);
			t->data = t->owned;
		}
		size_t n = d->d_size / sizeof(Elf64_Rela);
		for (size_t k = 0; k < n; k++) {
			GElf_Rela r;
			if (!gelf_getrela(d, (int)k, &r))
				continue;
			size_t si = GELF_R_SYM(r.r_info);
			uint32_t type = GELF_R_TYPE(r.r_info);
			if (si >= nsym || r.r_offset >= t->size)
				continue; /* reported nowhere: the bytes stay as assembled */
			uint64_t S = symaddr[si], slot = 0;
			if (img->arch->reloc_uses_got(type)) {
				if (!gotslot[si]) {
					if (TS_GROW(gotval, ngot, capgot, 64)) {
						rc = -TRUSTACK_E_NOMEM;
						goto out;
					}
					gotval[ngot] = S;
					gotslot[si] = (uint32_t)++ngot;
					GElf_Sym s;
					if (gelf_getsym(symdata, (int)si, &s)) {
						const char *nm = elf_strptr(img->elf, strndx, s.st_name);
						if (nm && *nm && ts_image_add_ext(img, img->got_base + (ngot - 1) * 8, nm)) {
							rc = -TRUSTACK_E_NOMEM;
							goto out;
						}
					}
				}
				slot = img->got_base + (gotslot[si] - 1) * 8;
			}
			img->arch->apply_reloc(type, t->owned + r.r_offset, t->size - r.r_offset,
					       t->addr + r.r_offset, S, r.r_addend, slot);
			/* an absolute code address stored in data: an address-taken label;
			 * PC-relative entries (jump tables) are not */
			if (!t->exec && ts_arch_reloc_class(img->arch, type) == TS_RELOC_ABS64)
				add_code_ref(img, S + (uint64_t)r.r_addend);
			if (t->exec && type == img->arch->reloc[TS_RELOC_TLSDESC_CALL] && type)
				add_tlsdesc(img, t->addr + r.r_offset);
		}
	}
	if (ngot) {
		img->got = malloc(ngot * 8);
		if (!img->got) {
			rc = -TRUSTACK_E_NOMEM;
			goto out;
		}
		for (size_t k = 0; k < ngot * 8; k++) /* in the file's byte order, as ts_image_read reads it */
			img->got[k] = (uint8_t)(gotval[k / 8] >> 8 * (img->big_endian ? 7 - k % 8 : k % 8));
		img->ngot = ngot;
	}
out:
	free(gotslot);
	free(gotval);
	return rc;
}

/* GOT slots of a linked file: JUMP_SLOT and GLOB_DAT relocations name the symbol behind a slot. */
static int load_dynamic_got(struct ts_image *img)
{
	for (size_t i = 1; i < img->nsecs; i++) {
		Elf_Scn *scn = elf_getscn(img->elf, i);
		GElf_Shdr sh;
		if (!scn || !gelf_getshdr(scn, &sh) || sh.sh_type != SHT_RELA || !sh.sh_link ||
		    sh.sh_link >= img->nsecs)
			continue;
		Elf_Scn *symscn = elf_getscn(img->elf, sh.sh_link);
		GElf_Shdr symsh;
		if (!symscn || !gelf_getshdr(symscn, &symsh) || symsh.sh_type != SHT_DYNSYM)
			continue;
		Elf_Data *d = elf_getdata(scn, NULL), *sd = elf_getdata(symscn, NULL);
		if (!d || !sd)
			continue;
		size_t n = d->d_size / sizeof(Elf64_Rela);
		for (size_t k = 0; k < n; k++) {
			GElf_Rela r;
			GElf_Sym s;
			if (!gelf_getrela(d, (int)k, &r))
				continue;
			enum ts_reloc_class c = ts_arch_reloc_class(img->arch, GELF_R_TYPE(r.r_info));
			/* RELATIVE: a code address stored in data */
			if (c == TS_RELOC_RELATIVE) {
				const struct ts_section *at = ts_image_section_at(img, r.r_offset);
				if (at && !at->exec)
					add_code_ref(img, (uint64_t)r.r_addend);
				continue;
			}
			if (c == TS_RELOC_TLSDESC) {
				add_tlsdesc(img, r.r_offset);
				continue;
			}
			/* GLOB_DAT, JUMP_SLOT, ABS64: a slot the loader fills with the address of a
			 * named symbol */
			if (c != TS_RELOC_GLOB_DAT && c != TS_RELOC_JUMP_SLOT && c != TS_RELOC_ABS64)
				continue;
			if (!gelf_getsym(sd, (int)GELF_R_SYM(r.r_info), &s))
				continue;
			const char *nm = elf_strptr(img->elf, symsh.sh_link, s.st_name);
			if (nm && *nm && ts_image_add_ext(img, r.r_offset, nm))
				return -TRUSTACK_E_NOMEM;
		}
	}
	return 0;
}

/* Is this a Go program? Then its Go functions get Go's calling convention (image.h). And the
 * convention of private functions, whatever the program. */
static void note_go(struct ts_image *img)
{
	img->private_arch = *img->arch;
	img->private_arch.callee_saved = 0;
	for (size_t i = 1; i < img->nsecs && !img->go; i++) {
		const char *n = img->secs[i].name;
		img->go = n && (!strcmp(n, ".go.buildinfo") || !strcmp(n, ".gopclntab") || !strcmp(n, ".note.go.buildid"));
	}
	if (!img->go)
		return;
	const struct ts_arch *a = img->arch;
	img->go_arch = *a;
	uint64_t fp = 1ull << a->fp;
	img->go_arch.callee_saved = a->callee_saved & fp;
	img->go_arch.call_clobbered = a->call_clobbered | (a->callee_saved & ~fp);
}

const struct ts_arch *ts_image_func_arch(const struct ts_image *img, size_t f)
{
	if (img->go && !(img->funcs[f].flags & (TS_FUNC_EH_CFI | TS_FUNC_FROM_FDE)))
		return &img->go_arch; /* as strict as private_arch already */
	if (img->funcs[f].flags & TS_FUNC_PRIVATE)
		return &img->private_arch;
	return img->arch;
}

static bool is_fragment_name(const char *name, size_t *plen)
{
	const char *c = strstr(name, ".cold");
	if (!c || c == name || (c[5] != 0 && c[5] != '.'))
		return false;
	*plen = (size_t)(c - name);
	return true;
}


/*
 * Compilers emit nothing after a call that never returns, so such calls often end a function
 * (or a .cold part). Record the targets of functions' last bytes that read as a direct call
 * (the machine says which bytes do): a target that ends several functions never returns, even
 * when its code cannot show it (glibc's _Unwind_Resume wrapper ends in a jump through a mangled
 * pointer).
 */
static void collect_tail_calls(struct ts_image *img)
{
	img->tail_calls = malloc((img->nfuncs ? img->nfuncs : 1) * sizeof(uint64_t));
	if (!img->tail_calls || !img->arch->call_before)
		return;
	for (size_t i = 0; i < img->nfuncs; i++) {
		const struct ts_func *f = &img->funcs[i];
		uint64_t end = f->addr + f->size, target;
		const struct ts_section *s = f->size ? ts_image_section_at(img, end - 1) : NULL;
		if (!s || !s->data)
			continue;
		uint64_t before = end - s->addr < f->size ? end - s->addr : f->size;
		if (img->arch->call_before(s->data + (end - s->addr), before, end, &target))
			img->tail_calls[img->ntail_calls++] = target;
	}
	ts_sort_u64(img->tail_calls, img->ntail_calls);
}

size_t ts_image_alt_entries(const struct ts_image *img, uint64_t lo, uint64_t hi, const uint64_t **first)
{
	size_t at, n = sorted_range(img->alt_entries, img->nalt_entries, lo, hi, &at);
	*first = n ? img->alt_entries + at : NULL;
	return n;
}

const struct ts_entry_hint *ts_image_entry_hint(const struct ts_image *img, uint64_t addr)
{
	size_t lo = 0, hi = img->nhints;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (img->hints[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < img->nhints && img->hints[lo].addr == addr ? &img->hints[lo] : NULL;
}

size_t ts_image_tail_call_count(const struct ts_image *img, uint64_t target)
{
	size_t at;
	return target == UINT64_MAX ? 0 : sorted_range(img->tail_calls, img->ntail_calls, target, target + 1, &at);
}

static int build_functions(struct ts_image *img)
{
	img->funcs = calloc(img->nsyms ? img->nsyms : 1, sizeof(*img->funcs));
	if (!img->funcs)
		return -TRUSTACK_E_NOMEM;
	for (size_t i = 0; i < img->nsyms; i++) {
		const struct ts_symbol *s = &img->syms[i];
		if (s->type != STT_FUNC && s->type != STT_GNU_IFUNC)
			continue;
		if (s->sec >= img->nsecs || !img->secs[s->sec].exec)
			continue;
		struct ts_func *prev = img->nfuncs ? &img->funcs[img->nfuncs - 1] : NULL;
		uint32_t flags = (s->bind == STB_WEAK ? TS_FUNC_WEAK : 0) | (s->bind == STB_GLOBAL ? TS_FUNC_GLOBAL : 0);
		if (prev && prev->addr == s->addr) {
			/* an alias: keep the largest size; prefer a global name, then a weak one */
			if (s->size > prev->size)
				prev->size = s->size;
			if ((flags & TS_FUNC_GLOBAL) && !(prev->flags & TS_FUNC_GLOBAL)) {
				prev->name = s->name;
				prev->flags = flags;
			}
			continue;
		}
		struct ts_func *f = &img->funcs[img->nfuncs++];
		f->name = s->name;
		f->addr = s->addr;
		f->size = s->size;
		f->sec = s->sec;
		f->parent = -1;
		f->flags = flags;
	}
	return 0;
}

/* Sizes of zero become "up to the next function or the section end"; overlaps are trimmed. */
static void finish_functions(struct ts_image *img)
{
	if (img->nfuncs)
		qsort(img->funcs, img->nfuncs, sizeof(*img->funcs), cmp_func);
	for (size_t i = 0; i < img->nfuncs; i++) {
		struct ts_func *f = &img->funcs[i];
		const struct ts_section *s = &img->secs[f->sec];
		uint64_t end = s->addr + s->size;
		if (i + 1 < img->nfuncs && img->funcs[i + 1].sec == f->sec && img->funcs[i + 1].addr < end)
			end = img->funcs[i + 1].addr;
		if (f->size == 0 || f->addr + f->size > end)
			f->size = end > f->addr ? end - f->addr : 0;
	}
	img->funcs_by_name = calloc(img->nfuncs ? img->nfuncs : 1, sizeof(uint32_t));
	for (size_t i = 0; img->funcs_by_name && i < img->nfuncs; i++)
		img->funcs_by_name[i] = (uint32_t)i;
	if (img->funcs_by_name)
		qsort_r(img->funcs_by_name, img->nfuncs, sizeof(uint32_t), cmp_func_name, img);
	/* gcc's hot/cold splitting: foo.cold (or foo.cold.N) continues foo */
	for (size_t i = 0; i < img->nfuncs; i++) {
		size_t plen;
		if (!is_fragment_name(img->funcs[i].name, &plen))
			continue;
		char buf[512];
		if (plen >= sizeof(buf))
			continue;
		memcpy(buf, img->funcs[i].name, plen);
		buf[plen] = 0;
		int p = ts_image_func_by_name(img, buf);
		if (p >= 0 && (size_t)p != i) {
			img->funcs[i].parent = p;
			img->funcs[i].flags |= TS_FUNC_FRAGMENT;
		}
	}
	/* each parent's list of fragments (walk.c and clobbers.c need them per function) */
	for (size_t i = 0; i < img->nfuncs; i++)
		img->funcs[i].first_part = img->funcs[i].next_part = -1;
	for (size_t i = img->nfuncs; i-- > 0;) {
		int32_t p = img->funcs[i].parent;
		if (p >= 0) {
			img->funcs[i].next_part = img->funcs[p].first_part;
			img->funcs[p].first_part = (int32_t)i;
		}
	}
	img->noreturn_memo = calloc(img->nfuncs ? img->nfuncs : 1, 1);
	img->clobber_memo = calloc((img->nfuncs ? img->nfuncs : 1) * (1 + TS_CLOBBER_DEPTHS), sizeof(uint64_t));
	img->lea_memo = calloc(img->nfuncs ? img->nfuncs : 1, sizeof(*img->lea_memo));
	collect_tail_calls(img);
}

/* Regular archive members: not the symbol index ("/", "/SYM64/") nor the long-name table ("//"). */
static bool regular_member(Elf *m)
{
	Elf_Arhdr *h = elf_getarhdr(m);
	return h && h->ar_name && h->ar_name[0] != '/' && elf_kind(m) == ELF_K_ELF;
}

static bool is_thin_archive(int fd)
{
	char magic[8];
	return pread(fd, magic, 8, 0) == 8 && !memcmp(magic, "!<thin>\n", 8);
}

/* The size a member's header declares. libelf shortens it to what the file holds, which hides
 * a member cut short. */
static uint64_t raw_member_size(int fd, int64_t at)
{
	struct ar_hdr h;
	char num[sizeof(h.ar_size) + 1];
	if (pread(fd, &h, sizeof(h), at) != (ssize_t)sizeof(h))
		return 0;
	memcpy(num, h.ar_size, sizeof(h.ar_size));
	num[sizeof(h.ar_size)] = 0;
	return strtoull(num, NULL, 10);
}

/* libelf stops at a member whose header is cut short or whose data runs past the end of the
 * file, and drops the rest without a word: what the members read cover must be the whole file
 * (members are 2-aligned: one padding byte may follow the last). */
static int archive_ends_clean(int fd, uint64_t start, uint64_t end, char *err, size_t errlen)
{
	struct stat st;
	if (fstat(fd, &st))
		return ts_fail(err, errlen, TRUSTACK_E_IO, "cannot stat: %s", strerror(errno));
	uint64_t size = (uint64_t)st.st_size;
	if (end > size)
		return ts_fail(err, errlen, TRUSTACK_E_FORMAT,
			    "truncated archive: the member at offset %llu needs %llu bytes, the file ends after %llu",
			    (unsigned long long)start, (unsigned long long)end, (unsigned long long)size);
	if (size - end > 1 || (size - end == 1 && end % 2 == 0))
		return ts_fail(err, errlen, TRUSTACK_E_FORMAT,
			    "truncated or malformed archive: the member header at offset %llu is incomplete or unreadable "
			    "(%llu bytes left of %llu)",
			    (unsigned long long)end + (end % 2), (unsigned long long)(size - end - (end % 2)),
			    (unsigned long long)size);
	return 0;
}

int ts_archive_members(const char *path, char ***names, size_t *n, char *err, size_t errlen)
{
	*names = NULL;
	*n = 0;
	elf_version(EV_CURRENT);
	int fd = ts_open_input(path, NULL, err, errlen);
	if (fd < 0)
		return fd;
	if (is_thin_archive(fd)) {
		close(fd);
		return ts_fail(err, errlen, TRUSTACK_E_UNSUPPORTED,
			    "thin archives are not supported yet: check the object files it lists");
	}
	Elf *ar = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	int rc = 0;
	if (!ar || elf_kind(ar) != ELF_K_AR) {
		if (ar)
			elf_end(ar);
		close(fd);
		return 0; /* not an archive */
	}
	size_t cap = 0;
	Elf_Cmd cmd = ELF_C_READ_MMAP;
	Elf *m;
	uint64_t start = SARMAG, end = SARMAG; /* the last member read so far */
	while ((m = elf_begin(fd, cmd, ar))) {
		int64_t at = elf_getaroff(m);
		if (at >= 0) {
			start = (uint64_t)at;
			end = start + sizeof(struct ar_hdr) + raw_member_size(fd, at);
		}
		if (regular_member(m)) {
			if (TS_GROW(*names, *n, cap, 16)) {
				rc = -TRUSTACK_E_NOMEM;
				elf_end(m);
				break;
			}
			char *name = strdup(elf_getarhdr(m)->ar_name);
			if (!name) {
				rc = -TRUSTACK_E_NOMEM;
				elf_end(m);
				break;
			}
			(*names)[(*n)++] = name;
		}
		cmd = elf_next(m);
		elf_end(m);
	}
	elf_end(ar);
	if (!rc)
		rc = archive_ends_clean(fd, start, end, err, errlen);
	close(fd);
	if (rc) {
		trustack_archive__free(*names, *n);
		*names = NULL;
		*n = 0;
	}
	return rc;
}

/* Position img->elf on member number `member` of the archive it holds. */
static int open_member(struct ts_image *img, long member, size_t *filesize, char *err, size_t errlen)
{
	img->ar = img->elf;
	img->elf = NULL;
	Elf_Cmd cmd = ELF_C_READ_MMAP;
	Elf *m;
	long idx = 0;
	while ((m = elf_begin(img->fd, cmd, img->ar))) {
		if (regular_member(m) && idx++ == member) {
			img->elf = m;
			*filesize = elf_getarhdr(m)->ar_size;
			return 0;
		}
		cmd = elf_next(m);
		elf_end(m);
	}
	return ts_fail(err, errlen, TRUSTACK_E_NOTFOUND, "archive has no member %ld", member);
}

int ts_image_open(const char *path, const void *mem, size_t memsize, long member, struct ts_image **out,
		  char *err, size_t errlen)
{
	struct ts_image *img = calloc(1, sizeof(*img));
	uint64_t *symaddr = NULL;
	size_t nsym = 0, strndx = 0, filesize;
	Elf_Data *symdata = NULL;
	int rc;

	*out = NULL;
	if (!img)
		return -TRUSTACK_E_NOMEM;
	img->fd = -1;
	img->path = strdup(path ? path : "<memory>");
	elf_version(EV_CURRENT);
	if (mem) {
		filesize = memsize;
		img->elf = elf_memory((char *)mem, memsize);
	} else {
		struct stat st;
		img->fd = ts_open_input(path, &st, err, errlen);
		if (img->fd < 0) {
			rc = img->fd;
			goto bad;
		}
		filesize = (size_t)st.st_size;
		img->elf = elf_begin(img->fd, ELF_C_READ_MMAP, NULL);
	}
	if (!img->elf) {
		rc = ts_fail(err, errlen, TRUSTACK_E_FORMAT, "cannot read as ELF: %s", elf_errmsg(-1));
		goto bad;
	}
	if (elf_kind(img->elf) == ELF_K_AR) {
		if (member < 0 || img->fd < 0) {
			rc = ts_fail(err, errlen, TRUSTACK_E_UNSUPPORTED,
				  "an ar archive: open its members (trustack check does that by itself)");
			goto bad;
		}
		if ((rc = open_member(img, member, &filesize, err, errlen)))
			goto bad;
	} else if (member >= 0) {
		rc = ts_fail(err, errlen, TRUSTACK_E_ARG, "not an archive");
		goto bad;
	} else if (img->fd >= 0 && is_thin_archive(img->fd)) {
		rc = ts_fail(err, errlen, TRUSTACK_E_UNSUPPORTED,
			  "thin archives are not supported yet: check the object files it lists");
		goto bad;
	}
	if (elf_kind(img->elf) != ELF_K_ELF) {
		rc = ts_fail(err, errlen, TRUSTACK_E_FORMAT, "not an ELF file");
		goto bad;
	}
	const char *ident = elf_getident(img->elf, NULL);
	if (!ident || !gelf_getehdr(img->elf, &img->ehdr)) {
		rc = ts_fail(err, errlen, TRUSTACK_E_FORMAT, "truncated or malformed ELF header");
		goto bad;
	}
	if (ident[EI_CLASS] != ELFCLASS64 || (ident[EI_DATA] != ELFDATA2LSB && ident[EI_DATA] != ELFDATA2MSB)) {
		rc = ts_fail(err, errlen, TRUSTACK_E_UNSUPPORTED, "only 64-bit ELF is supported");
		goto bad;
	}
	img->big_endian = ident[EI_DATA] == ELFDATA2MSB;
	img->arch = ts_arch_for_machine(img->ehdr.e_machine);
	if (!img->arch) {
		rc = ts_fail(err, errlen, TRUSTACK_E_UNSUPPORTED, "unsupported machine type %u", img->ehdr.e_machine);
		goto bad;
	}
	if (img->big_endian != img->arch->big_endian) {
		rc = ts_fail(err, errlen, TRUSTACK_E_UNSUPPORTED, "%s ELF files are %s-endian, this one is not",
			  img->arch->name, img->arch->big_endian ? "big" : "little");
		goto bad;
	}
	if (img->ehdr.e_type != ET_REL && img->ehdr.e_type != ET_EXEC && img->ehdr.e_type != ET_DYN) {
		rc = ts_fail(err, errlen, TRUSTACK_E_UNSUPPORTED, "ELF type %u (core file?) has no code to check",
			  img->ehdr.e_type);
		goto bad;
	}
	img->rel = img->ehdr.e_type == ET_REL;
	if (img->ehdr.e_shoff > filesize ||
	    (uint64_t)img->ehdr.e_shnum * img->ehdr.e_shentsize > filesize - img->ehdr.e_shoff) {
		rc = ts_fail(err, errlen, TRUSTACK_E_FORMAT,
			  "truncated or malformed ELF: the section header table lies beyond the end of the file");
		goto bad;
	}
	if (img->ehdr.e_shoff == 0 || img->ehdr.e_shnum == 0) {
		size_t n = 0;
		if (elf_getshdrnum(img->elf, &n) || n == 0) {
			rc = ts_fail(err, errlen, TRUSTACK_E_FORMAT, "ELF file without section headers: cannot find its code");
			goto bad;
		}
	}
	if ((rc = load_sections(img, filesize, err, errlen)))
		goto bad;
	note_go(img);
	if ((rc = load_symbols(img, &symaddr, &nsym, &symdata, &strndx, err, errlen)))
		goto bad;
	if (img->rel) {
		if ((rc = apply_relocations(img, symaddr, nsym, symdata, strndx, err, errlen)))
			goto bad;
	} else if ((rc = load_dynamic_got(img))) {
		goto bad;
	}
	ts_image_sort_ext(img);
	if (img->ehdr.e_type == ET_EXEC)
		scan_code_refs(img);
	ts_sort_u64(img->code_refs, img->ncode_refs);
	ts_sort_u64(img->tlsdesc, img->ntlsdesc);
	if ((rc = build_functions(img)))
		goto bad;
	/* a machine only the ELF layer reads so far (no decoder) ends here: its sections, symbols,
	 * relocations and notes are read; what needs its instructions is not (the FDE reader
	 * scans code for function starts only with a decoder) */
	if (img->arch->decoder_new) {
		img->dec = img->arch->decoder_new();
		if (!img->dec) {
			rc = -TRUSTACK_E_NOMEM;
			goto bad;
		}
	}
	if ((rc = ts_image_load_fde_funcs(img, err, errlen)))
		goto bad;
	finish_functions(img);
	if (img->dec)
		ts_image_mark_fde_fragments(img);
	if (!img->rel && img->dec && (rc = ts_image_load_plt(img)))
		goto bad;
	ts_image_sort_ext(img);
	ts_image_load_dwarf_noreturn(img);
	if ((rc = ts_image_load_landing(img)))
		goto bad;
	free(symaddr);
	*out = img;
	return 0;
bad:
	free(symaddr);
	ts_image_close(img);
	return rc;
}

/* The GNU build-id note in a notes buffer. */
static size_t note_build_id(Elf_Data *d, uint8_t *buf, size_t len)
{
	GElf_Nhdr nh;
	size_t off = 0, name_off, desc_off, next;
	while (d && off < d->d_size && (next = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
		    !memcmp((const char *)d->d_buf + name_off, "GNU", 4) && nh.n_descsz && nh.n_descsz <= len) {
			memcpy(buf, (const char *)d->d_buf + desc_off, nh.n_descsz);
			return nh.n_descsz;
		}
		off = next;
	}
	return 0;
}

size_t ts_image_build_id(const struct ts_image *img, uint8_t *buf, size_t len)
{
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(img->elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		size_t n = note_build_id(elf_getdata(scn, NULL), buf, len);
		if (n)
			return n;
	}
	size_t np;
	if (elf_getphdrnum(img->elf, &np))
		return 0;
	for (size_t i = 0; i < np; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(img->elf, (int)i, &ph) || ph.p_type != PT_NOTE)
			continue;
		Elf_Data *d = elf_getdata_rawchunk(img->elf, (int64_t)ph.p_offset, ph.p_filesz, ELF_T_NHDR);
		size_t n = note_build_id(d, buf, len);
		if (n)
			return n;
	}
	return 0;
}

void ts_image_close(struct ts_image *img)
{
	if (!img)
		return;
	for (size_t i = 0; i < img->nsecs; i++)
		free(img->secs[i].owned);
	for (size_t i = 0; i < img->nnoreturn_names; i++)
		free(img->noreturn_names[i]);
	for (size_t i = 0; i < img->nowned; i++)
		free(img->owned_names[i]);
	free(img->owned_names);
	free(img->noreturn_names);
	free(img->secs);
	free(img->by_addr);
	free(img->syms);
	free(img->funcs);
	free(img->funcs_by_name);
	free(img->ext);
	free(img->lsda);
	free(img->argsz);
	free(img->tail_calls);
	free(img->code_refs);
	free(img->addr_taken);
	free(img->tlsdesc);
	free(img->alt_entries);
	free(img->hints);
	free(img->got);
	free((void *)img->noreturn_memo);
	free((void *)img->clobber_memo);
	for (size_t i = 0; img->lea_memo && i < img->nfuncs; i++)
		free(atomic_load(&img->lea_memo[i]));
	free((void *)img->lea_memo);
	if (img->dec)
		img->arch->decoder_free(img->dec);
	if (img->elf)
		elf_end(img->elf);
	if (img->ar)
		elf_end(img->ar);
	if (img->fd >= 0)
		close(img->fd);
	free(img->path);
	free(img);
}
