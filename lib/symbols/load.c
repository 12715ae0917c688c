/*
 * load.c - a module's function names from its ELF symbol tables and its PLT stubs.
 *
 * .symtab when the file has one (it is a superset), else .dynsym. Function and ifunc symbols,
 * plus untyped symbols in executable sections (hand-written assembly often has no type). PLT
 * stubs get "NAME@plt" names: each stub's indirect jump is decoded to find its GOT slot, and the
 * slot's relocation names the function, so the names do not depend on the order of .rela.plt.
 */
#include <gelf.h>
#include <stdlib.h>
#include <string.h>

#include "symbols.h"

static const char *pool_add(struct trustack_symbols *s, const char *name, const char *suffix)
{
	size_t a = strlen(name), b = suffix ? strlen(suffix) : 0;
	/* the pool only grows by whole strings; pointers into it are fixed up after loading */
	if (s->pool_len + a + b + 1 > s->pool_room) {
		size_t nr = s->pool_room ? s->pool_room * 2 : 4096;
		while (nr < s->pool_len + a + b + 1)
			nr *= 2;
		char *p = realloc(s->pool, nr);
		if (!p)
			return NULL;
		s->pool = p, s->pool_room = nr;
	}
	char *dst = s->pool + s->pool_len;
	memcpy(dst, name, a);
	if (b)
		memcpy(dst + a, suffix, b);
	dst[a + b] = 0;
	s->pool_len += a + b + 1;
	/* an offset for now, encoded as a pointer; see fix_names() */
	return (const char *)(uintptr_t)(dst - s->pool + 1);
}

static int add_sym(struct trustack_symbols *s, size_t *room, uint64_t start, uint64_t size, const char *name,
		   const char *suffix, uint16_t shndx, uint8_t rank, bool plt)
{
	if (s->nall == *room) {
		size_t nr = *room ? *room * 2 : 256;
		struct ts_sym *v = realloc(s->all, nr * sizeof(*v));
		if (!v)
			return -TRUSTACK_E_NOMEM;
		s->all = v, *room = nr;
	}
	const char *n = pool_add(s, name, suffix);
	if (!n)
		return -TRUSTACK_E_NOMEM;
	s->all[s->nall++] = (struct ts_sym){ .start = start, .size = size, .name = n, .shndx = shndx,
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

static int load_symtab(struct trustack_symbols *s, Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh, size_t *room)
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
		if (sym.st_shndx == SHN_UNDEF || sym.st_shndx >= SHN_LORESERVE || sym.st_shndx >= s->nsecs)
			continue;
		const char *name = elf_strptr(elf, sh->sh_link, sym.st_name);
		if (!name || !*name || name[0] == '$' || !strncmp(name, ".L", 2))
			continue;
		/* only executable sections have a range in secs[]: other symbols are data */
		if (s->secs[sym.st_shndx].end <= s->secs[sym.st_shndx].start)
			continue;
		if (type != STT_FUNC && type != STT_GNU_IFUNC && type != STT_NOTYPE)
			continue;
		/* untyped labels rank below typed functions of the same address */
		uint8_t rank = rank_of(GELF_ST_BIND(sym.st_info), name) + (type == STT_NOTYPE ? 32 : 0);
		int rc = add_sym(s, room, sym.st_value, sym.st_size, name, NULL, sym.st_shndx, rank, false);
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

static int collect_slots(Elf *elf, struct slot_name **out, size_t *nout)
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
			unsigned t = GELF_R_TYPE(r.r_info);
			if (t != R_X86_64_JUMP_SLOT && t != R_X86_64_GLOB_DAT)
				continue;
			if (!gelf_getsym(sd, (int)GELF_R_SYM(r.r_info), &sym))
				continue;
			const char *name = elf_strptr(elf, symsh.sh_link, sym.st_name);
			if (!name || !*name)
				continue;
			if (n == room) {
				room = room ? room * 2 : 64;
				struct slot_name *nv = realloc(v, room * sizeof(*nv));
				if (!nv) {
					free(v);
					return -TRUSTACK_E_NOMEM;
				}
				v = nv;
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

/* The GOT slot a stub jumps through: [endbr64] [bnd] jmp *rel32(%rip). 0 when not that shape. */
static uint64_t stub_slot(const uint8_t *p, size_t len, uint64_t addr)
{
	size_t i = 0;
	if (len >= 4 && p[0] == 0xf3 && p[1] == 0x0f && p[2] == 0x1e && p[3] == 0xfa)
		i = 4;
	if (i < len && p[i] == 0xf2)
		i++;
	if (i + 6 > len || p[i] != 0xff || p[i + 1] != 0x25)
		return 0;
	int32_t rel;
	memcpy(&rel, p + i + 2, 4);
	return addr + i + 6 + (uint64_t)(int64_t)rel;
}

static int load_plt(struct trustack_symbols *s, Elf *elf, size_t shstrndx, size_t *room)
{
	GElf_Ehdr eh;
	if (!gelf_getehdr(elf, &eh) || eh.e_machine != EM_X86_64)
		return 0;
	struct slot_name *slots = NULL;
	size_t nslots = 0;
	int rc = collect_slots(elf, &slots, &nslots);
	if (rc)
		return rc;
	static const char *const names[] = { ".plt", ".plt.sec", ".plt.got" };
	for (size_t k = 0; k < 3 && !rc; k++) {
		GElf_Shdr sh;
		Elf_Scn *scn = find_section(elf, shstrndx, names[k], &sh);
		Elf_Data *d = scn && sh.sh_type == SHT_PROGBITS ? elf_getdata(scn, NULL) : NULL;
		if (!d || !d->d_buf)
			continue;
		uint64_t ent = sh.sh_entsize >= 8 && sh.sh_entsize <= 32 ? sh.sh_entsize : 16;
		const uint8_t *b = d->d_buf;
		for (uint64_t off = 0; off + ent <= d->d_size && !rc; off += ent) {
			uint64_t addr = sh.sh_addr + off;
			const char *name = slot_lookup(slots, nslots, stub_slot(b + off, ent, addr));
			if (name)
				rc = add_sym(s, room, addr, ent, name, "@plt", (uint16_t)elf_ndxscn(scn), 0, true);
			else if (k == 0 && off == 0) /* PLT0: the lazy binding entry (objdump: <.plt>) */
				rc = add_sym(s, room, addr, ent, ".plt", NULL, (uint16_t)elf_ndxscn(scn), 0, true);
		}
	}
	free(slots);
	return rc;
}

static int cmp_sym(const void *a, const void *b)
{
	const struct ts_sym *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	/* sized before unsized, then by name, so the order does not depend on qsort */
	if ((x->size != 0) != (y->size != 0))
		return x->size ? -1 : 1;
	return strcmp(x->name, y->name);
}

int ts_symbols_load(struct trustack_symbols *s, Elf *elf, char *errbuf, size_t errlen)
{
	size_t shstrndx, nsec;
	if (elf_kind(elf) != ELF_K_ELF || gelf_getclass(elf) != ELFCLASS64 || elf_getshdrstrndx(elf, &shstrndx) ||
	    elf_getshdrnum(elf, &nsec)) {
		if (errbuf)
			snprintf(errbuf, errlen, "%s: not an ELF64 file with sections", s->name);
		return -TRUSTACK_E_FORMAT;
	}
	s->secs = calloc(nsec ? nsec : 1, sizeof(*s->secs));
	if (!s->secs)
		return -TRUSTACK_E_NOMEM;
	s->nsecs = nsec;
	Elf_Scn *symtab = NULL, *dynsym = NULL;
	GElf_Shdr symsh, dynsh;
	for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		size_t i = elf_ndxscn(scn);
		/* only executable sections get a range: symbols elsewhere are data */
		if (i < nsec && (sh.sh_flags & SHF_EXECINSTR) && (sh.sh_flags & SHF_ALLOC))
			s->secs[i] = (struct ts_sec_range){ sh.sh_addr, sh.sh_addr + sh.sh_size };
		if (sh.sh_type == SHT_SYMTAB)
			symtab = scn, symsh = sh;
		else if (sh.sh_type == SHT_DYNSYM)
			dynsym = scn, dynsh = sh;
	}
	size_t room = 0;
	int rc = 0;
	if (symtab)
		rc = load_symtab(s, elf, symtab, &symsh, &room), s->has_symtab = true;
	else if (dynsym)
		rc = load_symtab(s, elf, dynsym, &dynsh, &room);
	if (!rc)
		rc = load_plt(s, elf, shstrndx, &room);
	if (rc)
		return rc;
	/* pool offsets -> pointers, now that the pool no longer moves */
	for (size_t i = 0; i < s->nall; i++)
		s->all[i].name = s->pool + ((uintptr_t)s->all[i].name - 1);
	if (s->nall)
		qsort(s->all, s->nall, sizeof(*s->all), cmp_sym);
	s->by_addr = malloc((s->nall ? s->nall : 1) * sizeof(*s->by_addr));
	if (!s->by_addr)
		return -TRUSTACK_E_NOMEM;
	for (size_t i = 0; i < s->nall; i++)
		if (!s->naddr || s->by_addr[s->naddr - 1]->start != s->all[i].start)
			s->by_addr[s->naddr++] = &s->all[i];
	/* an unsized best name borrows the size of a sized alias (a local label at a function's
	 * address must not end the function there) */
	for (size_t i = 0, j = 0; i < s->naddr; i++) {
		struct ts_sym *best = s->by_addr[i];
		while (j < s->nall && s->all[j].start < best->start)
			j++;
		for (size_t k = j; !best->size && k < s->nall && s->all[k].start == best->start; k++)
			if (s->all[k].size)
				best->size = s->all[k].size;
	}
	return 0;
}
