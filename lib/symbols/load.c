/*
 * load.c - a module's function names from its ELF symbol tables and its PLT stubs.
 *
 * .symtab when the file has one (it is a superset), else the .symtab of its separate debug file
 * (debugfile.c), else .dynsym plus "fde@ADDR" names for the .eh_frame ranges no symbol covers.
 * Function and ifunc symbols,
 * plus untyped symbols in executable sections (hand-written assembly often has no type). PLT
 * stubs get "NAME@plt" names: each stub's indirect jump is decoded (the machine's decoder) to find its GOT slot, and the
 * slot's relocation names the function, so the names do not depend on the order of .rela.plt.
 */
#include <gelf.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "arch/stub.h"
#include "elf/image.h"
#include "elf/handle.h"
#include "symbols/symbols.h"
#include "common/vec.h"

/* Add a name to the pool; its offset, or UINT32_MAX when out of memory. */
static uint32_t pool_add(struct ts_symbuild *b, const char *name, const char *suffix)
{
	size_t a = strlen(name), c = suffix ? strlen(suffix) : 0;
	/* offsets are 32-bit */
	if (b->pool_len + a + c + 1 >= UINT32_MAX || TS_RESERVE(b->pool, b->pool_len + a + c + 1, b->pool_room, 4096))
		return UINT32_MAX;
	char *dst = b->pool + b->pool_len;
	memcpy(dst, name, a);
	if (c)
		memcpy(dst + a, suffix, c);
	dst[a + c] = 0;
	uint32_t off = (uint32_t)b->pool_len;
	b->pool_len += a + c + 1;
	return off;
}

static int add_sym(struct ts_symbuild *b, uint64_t start, uint64_t size, const char *name, const char *suffix,
		   uint16_t shndx, uint8_t rank, bool plt)
{
	if (TS_GROW(b->all, b->nall, b->room, 256))
		return -TRUSTACK_E_NOMEM;
	uint32_t n = pool_add(b, name, suffix);
	if (n == UINT32_MAX)
		return -TRUSTACK_E_NOMEM;
	b->all[b->nall++] = (struct ts_sym){ .start = start, .size = size, .name = n, .shndx = shndx,
					     .rank = rank, .plt = plt };
	return 0;
}

/* Which of several names of one address to show: global over weak over local, then the name
 * with fewer leading underscores (malloc over __libc_malloc). */
static uint8_t rank_of(unsigned bind, const char *name)
{
	uint8_t r = bind == STB_GLOBAL ? 0 : bind == STB_WEAK ? 8 : 16;
	for (const char *p = name; *p == '_' && r % 8 < 7; p++)
		r++;
	return r;
}

static Elf_Scn *find_section(Elf *elf, size_t shstrndx, const char *want, GElf_Shdr *sh)
{
	for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
		if (!gelf_getshdr(scn, sh))
			continue;
		const char *n = elf_strptr(elf, shstrndx, sh->sh_name);
		if (n && !strcmp(n, want))
			return scn;
	}
	return NULL;
}

/* The function symbols of one symbol table. secs are the sections of the file holding it (a
 * debug file keeps the section headers, code sections as NOBITS with their addresses). */
static int load_symtab(struct ts_symbuild *b, const struct ts_sec_range *secs, size_t nsecs, Elf *elf, Elf_Scn *scn,
		       const GElf_Shdr *sh)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	if (!d || !sh->sh_entsize)
		return 0;
	size_t n = sh->sh_size / sh->sh_entsize;
	for (size_t i = 1; i < n; i++) {
		GElf_Sym sym;
		if (!gelf_getsym(d, (int)i, &sym))
			break;
		unsigned type = GELF_ST_TYPE(sym.st_info);
		if (sym.st_shndx == SHN_UNDEF || sym.st_shndx >= SHN_LORESERVE || sym.st_shndx >= nsecs)
			continue;
		const char *name = elf_strptr(elf, sh->sh_link, sym.st_name);
		if (!name || !*name || name[0] == '$' || !strncmp(name, ".L", 2))
			continue;
		/* only executable sections have a range in secs[]: other symbols are data */
		if (secs[sym.st_shndx].end <= secs[sym.st_shndx].start)
			continue;
		if (type != STT_FUNC && type != STT_GNU_IFUNC && type != STT_NOTYPE)
			continue;
		/* untyped labels rank below typed functions of the same address */
		uint8_t rank = rank_of(GELF_ST_BIND(sym.st_info), name) + (type == STT_NOTYPE ? 32 : 0);
		/* a versioned definition in a .symtab ("__libc_start_main@@GLIBC_2.34") is named as
		 * in .dynsym, without the version */
		char plain[256];
		const char *at = strchr(name, '@');
		if (at && (size_t)(at - name) < sizeof(plain) && at > name) {
			memcpy(plain, name, (size_t)(at - name));
			plain[at - name] = 0;
			name = plain;
		}
		int rc = add_sym(b, sym.st_value, sym.st_size, name, NULL, sym.st_shndx, rank, false);
		if (rc)
			return rc;
	}
	return 0;
}

/* GOT slot -> symbol name, from the JUMP_SLOT/GLOB_DAT/IRELATIVE relocations of the file. */
struct slot_name {
	uint64_t slot;
	const char *name;
};

static int cmp_slot(const void *a, const void *b)
{
	const struct slot_name *x = a, *y = b;
	return x->slot < y->slot ? -1 : x->slot > y->slot;
}

static int collect_slots(Elf *elf, const struct ts_arch *a, struct slot_name **out, size_t *nout)
{
	size_t n = 0, room = 0;
	struct slot_name *v = NULL;
	for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_RELA || !sh.sh_entsize || !(sh.sh_flags & SHF_ALLOC))
			continue;
		Elf_Scn *symscn = elf_getscn(elf, sh.sh_link);
		GElf_Shdr symsh;
		Elf_Data *rd = elf_getdata(scn, NULL), *sd = symscn ? elf_getdata(symscn, NULL) : NULL;
		if (!rd || !sd || !gelf_getshdr(symscn, &symsh))
			continue;
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Rela r;
			GElf_Sym sym;
			if (!gelf_getrela(rd, (int)i, &r))
				break;
			enum ts_reloc_class c = ts_arch_reloc_class(a, GELF_R_TYPE(r.r_info));
			if (c != TS_RELOC_JUMP_SLOT && c != TS_RELOC_GLOB_DAT)
				continue;
			if (!gelf_getsym(sd, (int)GELF_R_SYM(r.r_info), &sym))
				continue;
			const char *name = elf_strptr(elf, symsh.sh_link, sym.st_name);
			if (!name || !*name)
				continue;
			if (TS_GROW(v, n, room, 64)) {
				free(v);
				return -TRUSTACK_E_NOMEM;
			}
			v[n++] = (struct slot_name){ r.r_offset, name };
		}
	}
	if (n) /* v is NULL without relocations (the vDSO) */
		qsort(v, n, sizeof(*v), cmp_slot);
	*out = v, *nout = n;
	return 0;
}

static const char *slot_lookup(const struct slot_name *v, size_t n, uint64_t slot)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid].slot < slot)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo].slot == slot ? v[lo].name : NULL;
}

/* The GOT slot a stub jumps through: an indirect jump through an absolute or PC-relative
 * address, or through a register loaded from one (arm64), before any other control flow; 0 when
 * it is not that shape. */
static uint64_t stub_slot(const struct ts_arch *a, const struct ts_decoder *d, const uint8_t *p, size_t len,
			  uint64_t addr)
{
	struct ts_stub track;
	ts_stub_reset(&track);
	for (size_t i = 0; i < len;) {
		struct ts_insn in;
		unsigned n = a->decode(d, p + i, len - i, addr + i, &in);
		if (!n)
			return 0;
		uint64_t slot = ts_stub_step(&track, &in);
		if (in.flow != TS_FLOW_NEXT)
			return slot;
		i += n;
	}
	return 0;
}

static int load_plt(struct ts_symbuild *b, Elf *elf, size_t shstrndx)
{
	GElf_Ehdr eh;
	const struct ts_arch *a = gelf_getehdr(elf, &eh) ? ts_arch_for_machine(eh.e_machine) : NULL;
	if (!a || !a->decode)
		return 0;
	struct ts_decoder *dec = a->decoder_new();
	if (!dec)
		return -TRUSTACK_E_NOMEM;
	struct slot_name *slots = NULL;
	size_t nslots = 0;
	int rc = collect_slots(elf, a, &slots, &nslots);
	if (rc) {
		a->decoder_free(dec);
		return rc;
	}
	static const char *const names[] = { ".plt", ".plt.sec", ".plt.got" };
	for (size_t k = 0; k < 3 && !rc; k++) {
		GElf_Shdr sh;
		Elf_Scn *scn = find_section(elf, shstrndx, names[k], &sh);
		Elf_Data *d = scn && sh.sh_type == SHT_PROGBITS ? elf_getdata(scn, NULL) : NULL;
		if (!d || !d->d_buf)
			continue;
		uint64_t ent = sh.sh_entsize >= 8 && sh.sh_entsize <= 32 ? sh.sh_entsize : 16;
		const uint8_t *code = d->d_buf;
		for (uint64_t off = 0; off + ent <= d->d_size && !rc; off += ent) {
			uint64_t addr = sh.sh_addr + off;
			const char *name = slot_lookup(slots, nslots, stub_slot(a, dec, code + off, ent, addr));
			if (name)
				rc = add_sym(b, addr, ent, name, "@plt", (uint16_t)elf_ndxscn(scn), 0, true);
			else if (k == 0 && off == 0) /* PLT0: the lazy binding entry (objdump: <.plt>) */
				rc = add_sym(b, addr, ent, ".plt", NULL, (uint16_t)elf_ndxscn(scn), 0, true);
		}
	}
	free(slots);
	a->decoder_free(dec);
	return rc;
}


/*
 * Functions no symbol names (a file with only .dynsym and no debug file: libc's start_thread
 * and clone3 are local) get the names `trustack check` gives them: "fde@ADDR" for each .eh_frame
 * range no symbol covers, "entry@ADDR" for an uncovered ELF entry point (and whatever other
 * KIND@ADDR names the image reader makes). The image reader finds
 * them (lib/elf/ehframe.c), so both commands name the same code the same way; it is only run when
 * the cache is built.
 */
/* A name the image reader made for code without a symbol: "KIND@0xHEX" (fde@, entry@, and any
 * kind it may add), never a symbol's name (those have no "@0x"). */
static bool made_up_name(const char *n)
{
	const char *at = strchr(n, '@');
	if (!at || at == n || strncmp(at, "@0x", 3) || !at[3])
		return false;
	for (const char *p = n; p < at; p++)
		if (*p < 'a' || *p > 'z')
			return false;
	for (const char *p = at + 3; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

static int load_fde_names(struct ts_symbuild *b, const char *path, Elf *elf)
{
	struct trustack_elf *te = NULL;
	if (path) {
		if (trustack_elf__open(path, &te, NULL, 0))
			return 0; /* names from the symbol tables alone */
	} else {
		size_t size = 0;
		char *raw = elf_rawfile(elf, &size);
		if (!raw || trustack_elf__open_mem(raw, size, "(memory)", &te, NULL, 0))
			return 0;
	}
	const struct ts_image *img = te->img;
	int rc = 0;
	for (size_t i = 0; i < img->nfuncs && !rc; i++) {
		const struct ts_func *f = &img->funcs[i];
		if (!f->name || !made_up_name(f->name) || !f->size)
			continue;
		rc = add_sym(b, f->addr, f->size, f->name, NULL, (uint16_t)f->sec, 64, false);
		b->facts.flags |= TS_SYMS_FDE_NAMES;
	}
	trustack_elf__close(te);
	return rc;
}

/* Section ranges of the executable sections of elf, by section index. */
static int exec_ranges(Elf *elf, struct ts_sec_range **out, size_t *nout)
{
	size_t nsec;
	if (elf_getshdrnum(elf, &nsec))
		return -TRUSTACK_E_FORMAT;
	struct ts_sec_range *v = calloc(nsec ? nsec : 1, sizeof(*v));
	if (!v)
		return -TRUSTACK_E_NOMEM;
	for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
		GElf_Shdr sh;
		size_t i = elf_ndxscn(scn);
		/* only executable sections get a range: symbols elsewhere are data */
		if (i < nsec && gelf_getshdr(scn, &sh) && (sh.sh_flags & SHF_EXECINSTR) && (sh.sh_flags & SHF_ALLOC))
			v[i] = (struct ts_sec_range){ sh.sh_addr, sh.sh_addr + sh.sh_size };
	}
	*out = v, *nout = nsec;
	return 0;
}

static Elf_Scn *find_type(Elf *elf, unsigned type, GElf_Shdr *out)
{
	for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn))
		if (gelf_getshdr(scn, out) && out->sh_type == type)
			return scn;
	return NULL;
}

int ts_symbols_load(struct ts_symbuild *b, Elf *elf, const char *path, const char *name, char *errbuf,
		    size_t errlen)
{
	size_t shstrndx;
	if (elf_kind(elf) != ELF_K_ELF || gelf_getclass(elf) != ELFCLASS64 || elf_getshdrstrndx(elf, &shstrndx)) {
		if (errbuf)
			snprintf(errbuf, errlen, "%s: not an ELF64 file with sections", name);
		return -TRUSTACK_E_FORMAT;
	}
	int rc = exec_ranges(elf, &b->secs, &b->nsecs);
	if (rc)
		return rc;
	ts_symbols_facts_read(&b->facts, elf, shstrndx);
	GElf_Shdr sh;
	Elf_Scn *scn = find_type(elf, SHT_SYMTAB, &sh);
	if (scn) {
		rc = load_symtab(b, b->secs, b->nsecs, elf, scn, &sh);
		b->facts.flags |= TS_SYMS_HAS_SYMTAB;
	} else {
		/* a stripped file: the .symtab of its debug file, if one is installed */
		Elf *dbg = NULL;
		int fd = path ? ts_debug_file_open(path, elf, b->facts.build_id, b->facts.build_id_len, &dbg) : -1;
		struct ts_sec_range *dsecs = NULL;
		size_t ndsecs = 0;
		if (dbg && (scn = find_type(dbg, SHT_SYMTAB, &sh)) && !exec_ranges(dbg, &dsecs, &ndsecs)) {
			rc = load_symtab(b, dsecs, ndsecs, dbg, scn, &sh);
			b->facts.flags |= TS_SYMS_HAS_SYMTAB | TS_SYMS_DEBUG_FILE;
		}
		free(dsecs);
		if (dbg)
			elf_end(dbg);
		if (fd >= 0)
			close(fd);
		if (!rc && !(b->facts.flags & TS_SYMS_HAS_SYMTAB)) {
			if ((scn = find_type(elf, SHT_DYNSYM, &sh)))
				rc = load_symtab(b, b->secs, b->nsecs, elf, scn, &sh);
			if (!rc)
				rc = load_fde_names(b, path, elf);
		}
	}
	if (!rc)
		rc = load_plt(b, elf, shstrndx);
	return rc;
}

void ts_symbuild_free(struct ts_symbuild *b)
{
	free(b->all);
	free(b->secs);
	free(b->pool);
	memset(b, 0, sizeof(*b));
}
