/*
 * writer.c - a copy of an ELF file with sections added (see writer.h).
 *
 * Done on the bytes rather than through libelf's writer: a linked file must keep every byte of
 * its loaded content where it is, and the changes are few (data appended, a new section header
 * table, .shstrtab rebuilt, for objects perhaps .symtab). When the old section header table is
 * the last thing in the file (as every linker and assembler writes it) it is dropped; otherwise
 * it stays as unused bytes.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/err.h"
#include "common/fileio.h"
#include "elf/writer.h"
#include "trustack.h"
#include "common/vec.h"

#ifndef SHT_LLVM_ADDRSIG
#define SHT_LLVM_ADDRSIG 0x6fff4c03
#endif

struct wbuf {
	uint8_t *p;
	size_t n, cap;
};

/* The file's byte order (ELFDATA2MSB: s390x) against the host's: each helper turns a host value
 * into the file's and back (the same swap, or none). Headers, symbols and relocations are held
 * in host order while the copy is made and written back in the file's. */
static uint16_t fo16(bool be, uint16_t v) { return be ? htobe16(v) : htole16(v); }
static uint32_t fo32(bool be, uint32_t v) { return be ? htobe32(v) : htole32(v); }
static uint64_t fo64(bool be, uint64_t v) { return be ? htobe64(v) : htole64(v); }

static void ehdr_order(Elf64_Ehdr *e, bool be)
{
	e->e_type = fo16(be, e->e_type), e->e_machine = fo16(be, e->e_machine);
	e->e_version = fo32(be, e->e_version);
	e->e_entry = fo64(be, e->e_entry), e->e_phoff = fo64(be, e->e_phoff), e->e_shoff = fo64(be, e->e_shoff);
	e->e_flags = fo32(be, e->e_flags);
	e->e_ehsize = fo16(be, e->e_ehsize), e->e_phentsize = fo16(be, e->e_phentsize);
	e->e_phnum = fo16(be, e->e_phnum), e->e_shentsize = fo16(be, e->e_shentsize);
	e->e_shnum = fo16(be, e->e_shnum), e->e_shstrndx = fo16(be, e->e_shstrndx);
}

static void shdr_order(Elf64_Shdr *s, bool be)
{
	s->sh_name = fo32(be, s->sh_name), s->sh_type = fo32(be, s->sh_type);
	s->sh_flags = fo64(be, s->sh_flags), s->sh_addr = fo64(be, s->sh_addr);
	s->sh_offset = fo64(be, s->sh_offset), s->sh_size = fo64(be, s->sh_size);
	s->sh_link = fo32(be, s->sh_link), s->sh_info = fo32(be, s->sh_info);
	s->sh_addralign = fo64(be, s->sh_addralign), s->sh_entsize = fo64(be, s->sh_entsize);
}

static int wb_reserve(struct wbuf *b, size_t more)
{
	if (more > SIZE_MAX / 2 - b->n || TS_RESERVE(b->p, b->n + more, b->cap, 4096))
		return -TRUSTACK_E_NOMEM;
	return 0;
}

static int wb_put(struct wbuf *b, const void *d, size_t n)
{
	int rc = wb_reserve(b, n);
	if (rc)
		return rc;
	if (n)
		memcpy(b->p + b->n, d, n);
	b->n += n;
	return 0;
}

/* Pad with zeros to a multiple of al (a power of two, or 0/1 for none); returns the offset. */
static int wb_align(struct wbuf *b, uint64_t al, uint64_t *off)
{
	if (al > 1 && !(al & (al - 1))) {
		size_t pad = (size_t)((al - b->n % al) % al);
		int rc = wb_reserve(b, pad);
		if (rc)
			return rc;
		memset(b->p + b->n, 0, pad);
		b->n += pad;
	}
	*off = b->n;
	return 0;
}

static bool has_section(const struct ts_image *img, const char *name)
{
	for (size_t i = 1; i < img->nsecs; i++)
		if (img->secs[i].name && !strcmp(img->secs[i].name, name))
			return true;
	return false;
}

/* ELF index of the allocated section holding target; a target at a section's end (a table's
 * terminator) belongs to that section. 0 when none. */
static size_t section_of(const struct ts_image *img, uint64_t target)
{
	size_t at_end = 0;
	for (size_t i = 1; i < img->nsecs; i++) {
		const struct ts_section *s = &img->secs[i];
		if (!(s->flags & SHF_ALLOC))
			continue;
		if (target >= s->addr && target - s->addr < s->size)
			return i;
		if (target == s->addr + s->size && !at_end)
			at_end = i;
	}
	return at_end;
}

struct symfix {
	size_t symtab;        /* ELF index of .symtab */
	size_t nsyms, first_global;
	size_t *need;         /* section indices that need a new section symbol */
	size_t nneed;
	uint32_t *symof;      /* per section: its section symbol in the output (0: none) */
	uint32_t moved_from;  /* old indices [moved_from, moved_from + nmoved) move to moved_to */
	uint32_t nmoved, moved_to;
	bool be;              /* the file's byte order (symbols and relocations are read in place) */
};

static uint32_t remap(const struct symfix *f, uint32_t i)
{
	if (i >= f->moved_from && i - f->moved_from < f->nmoved)
		return f->moved_to + (i - f->moved_from);
	return i;
}

static size_t uleb(const uint8_t *p, size_t n, uint64_t *v)
{
	uint64_t x = 0;
	unsigned sh = 0;
	for (size_t i = 0; i < n && sh < 64; i++, sh += 7) {
		x |= (uint64_t)(p[i] & 0x7f) << sh;
		if (!(p[i] & 0x80)) {
			*v = x;
			return i + 1;
		}
	}
	return 0;
}

static int put_uleb(struct wbuf *b, uint64_t v)
{
	do {
		uint8_t c = v & 0x7f;
		v >>= 7;
		if (v)
			c |= 0x80;
		int rc = wb_put(b, &c, 1);
		if (rc)
			return rc;
	} while (v);
	return 0;
}

/*
 * Give every section in f->need a section symbol. The new locals take the slots of the first
 * globals, which move to the end of the table (nothing else moves, so only references to them
 * change). Tables that grow or change length are written anew at the end of out.
 */
static int add_section_symbols(struct wbuf *out, Elf64_Shdr *sh, size_t shnum, struct symfix *f, char *err,
			       size_t errlen)
{
	Elf64_Shdr *st = &sh[f->symtab];
	size_t n = f->nsyms, k = f->nneed, L = f->first_global, g = n - L;
	size_t m = g < k ? g : k;
	f->moved_from = (uint32_t)L;
	f->nmoved = (uint32_t)m;
	f->moved_to = (uint32_t)(n + k - m);
	Elf64_Sym *syms = calloc(n + k, sizeof(Elf64_Sym));
	if (!syms)
		return -TRUSTACK_E_NOMEM;
	memcpy(syms, out->p + st->sh_offset, n * sizeof(Elf64_Sym));
	for (size_t i = 0; i < m; i++)
		syms[f->moved_to + i] = syms[L + i];
	for (size_t i = 0; i < k; i++) {
		Elf64_Sym *s = &syms[L + i];
		memset(s, 0, sizeof(*s));
		s->st_info = ELF64_ST_INFO(STB_LOCAL, STT_SECTION);
		s->st_shndx = fo16(f->be, (uint16_t)f->need[i]);
		f->symof[f->need[i]] = (uint32_t)(L + i);
	}
	uint64_t off;
	int rc = wb_align(out, 8, &off);
	if (!rc)
		rc = wb_put(out, syms, (n + k) * sizeof(Elf64_Sym));
	free(syms);
	if (rc)
		return rc;
	st->sh_offset = off;
	st->sh_size = (n + k) * sizeof(Elf64_Sym);
	st->sh_info = (uint32_t)(L + k);

	for (size_t i = 1; i < shnum; i++) {
		Elf64_Shdr *s = &sh[i];
		if (s->sh_link != f->symtab || s->sh_type == SHT_NOBITS)
			continue;
		if (s->sh_type == SHT_GROUP) {
			s->sh_info = remap(f, s->sh_info);
		} else if (s->sh_type == SHT_RELA || s->sh_type == SHT_REL) {
			size_t es = s->sh_type == SHT_RELA ? sizeof(Elf64_Rela) : sizeof(Elf64_Rel);
			for (uint64_t o = 0; o + es <= s->sh_size; o += es) {
				uint8_t *p = out->p + s->sh_offset + o + 8; /* r_info */
				uint64_t info;
				memcpy(&info, p, 8);
				info = fo64(f->be, info);
				uint32_t sym = (uint32_t)ELF64_R_SYM(info), nsym = remap(f, sym);
				if (nsym != sym) {
					info = fo64(f->be, ELF64_R_INFO(nsym, ELF64_R_TYPE(info)));
					memcpy(p, &info, 8);
				}
			}
		} else if (s->sh_type == SHT_SYMTAB_SHNDX) {
			uint32_t *x = calloc(n + k, sizeof(uint32_t));
			if (!x)
				return -TRUSTACK_E_NOMEM;
			size_t have = s->sh_size / 4 < n ? s->sh_size / 4 : n;
			memcpy(x, out->p + s->sh_offset, have * 4);
			for (size_t i2 = 0; i2 < m; i2++)
				x[f->moved_to + i2] = x[L + i2];
			for (size_t i2 = 0; i2 < k; i2++)
				x[L + i2] = 0;
			rc = wb_align(out, 4, &off);
			if (!rc)
				rc = wb_put(out, x, (n + k) * 4);
			free(x);
			if (rc)
				return rc;
			s->sh_offset = off;
			s->sh_size = (n + k) * 4;
		} else if (s->sh_type == SHT_LLVM_ADDRSIG) {
			/* ULEB128 symbol indices: lengths may change, so the list is rewritten */
			struct wbuf a = { 0 };
			const uint8_t *p = out->p + s->sh_offset;
			for (size_t o = 0; o < s->sh_size && !rc;) {
				uint64_t v;
				size_t l = uleb(p + o, s->sh_size - o, &v);
				if (!l || v > UINT32_MAX) {
					free(a.p);
					return ts_fail(err, errlen, TRUSTACK_E_FORMAT, "malformed .llvm_addrsig section");
				}
				o += l;
				rc = put_uleb(&a, remap(f, (uint32_t)v));
			}
			if (!rc && !(rc = wb_align(out, 1, &off)))
				rc = wb_put(out, a.p, a.n);
			free(a.p);
			if (rc)
				return rc;
			s->sh_offset = off;
			s->sh_size = a.n;
		}
	}
	return 0;
}

static int read_file(int fd, size_t size, uint8_t *buf)
{
	for (size_t done = 0; done < size;) {
		ssize_t r = pread(fd, buf + done, size - done, (off_t)done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		done += (size_t)r;
	}
	return 0;
}

/* Everything one copy is made of, while it is being made (ts_elf_write_copy's phases). */
struct copy {
	const struct ts_image *img;
	const struct ts_out_section *secs; /* the sections to add */
	size_t n;
	char *err;
	size_t errlen;
	bool rel;               /* a relocatable object: sections stay allocated, may have relocations */
	bool be;                /* the file is big-endian (the machine's descriptor says so too) */
	struct stat in;         /* the input file's: its mode for the output, which must not be it */
	size_t fsize;           /* bytes of the input file */
	struct wbuf out;        /* the input's bytes, then what is appended */
	Elf64_Ehdr eh;
	Elf64_Shdr *sh;         /* section headers: the input's [0, shnum), then ours up to ns */
	size_t shnum, shstrndx, ns;
	struct symfix fx;       /* section symbols the relocations need (objects) */
	char *names;            /* the new .shstrtab: the old names, then ours */
	size_t nl;
};

/* What the caller asks for is possible at all: before anything is read. */
static int check_request(const struct copy *c, const char *path)
{
	const struct ts_image *img = c->img;
	if (img->ar)
		return ts_fail(c->err, c->errlen, TRUSTACK_E_UNSUPPORTED,
			       "cannot write a copy of an archive member: extract it first (ar x)");
	if (img->fd < 0)
		return ts_fail(c->err, c->errlen, TRUSTACK_E_UNSUPPORTED,
			       "cannot write a copy of an image opened from memory");
	if (!path || !*path)
		return ts_fail(c->err, c->errlen, TRUSTACK_E_ARG, "no output path");
	for (size_t i = 0; i < c->n; i++) {
		const struct ts_out_section *o = &c->secs[i];
		if (!o->name || !*o->name)
			return ts_fail(c->err, c->errlen, TRUSTACK_E_ARG, "a new section has no name");
		if (has_section(img, o->name))
			return ts_fail(c->err, c->errlen, TRUSTACK_E_ARG, "the file already has a %s section", o->name);
		if (o->nrelocs && !c->rel)
			return ts_fail(c->err, c->errlen, TRUSTACK_E_ARG,
				       "relocations for %s: linked files take none (write final values)", o->name);
		if (o->size && !o->data)
			return ts_fail(c->err, c->errlen, TRUSTACK_E_ARG, "section %s has a size but no data", o->name);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(o->name, c->secs[j].name))
				return ts_fail(c->err, c->errlen, TRUSTACK_E_ARG, "section %s given twice", o->name);
	}
	return 0;
}

/* Read the input file whole and check its ELF header. */
static int read_input(struct copy *c)
{
	const struct ts_image *img = c->img;
	struct stat stt;
	if (fstat(img->fd, &stt))
		return ts_fail(c->err, c->errlen, TRUSTACK_E_IO, "cannot stat %s: %s", img->path, strerror(errno));
	c->fsize = (size_t)stt.st_size;
	c->in = stt;
	if (c->fsize < sizeof(c->eh))
		return ts_fail(c->err, c->errlen, TRUSTACK_E_FORMAT, "truncated ELF header");
	int rc = wb_reserve(&c->out, c->fsize + 4096);
	if (rc)
		return rc;
	if (read_file(img->fd, c->fsize, c->out.p))
		return ts_fail(c->err, c->errlen, TRUSTACK_E_IO, "cannot read %s: %s", img->path, strerror(errno));
	c->out.n = c->fsize;
	memcpy(&c->eh, c->out.p, sizeof(c->eh));
	unsigned char data = c->eh.e_ident[EI_DATA];
	if (c->eh.e_ident[EI_CLASS] != ELFCLASS64 || (data != ELFDATA2LSB && data != ELFDATA2MSB))
		return ts_fail(c->err, c->errlen, TRUSTACK_E_UNSUPPORTED, "only 64-bit ELF can be written");
	/* the byte order the machine's descriptor gives is the one its files must have */
	if ((data == ELFDATA2MSB) != c->img->arch->big_endian)
		return ts_fail(c->err, c->errlen, TRUSTACK_E_FORMAT, "%s ELF file of a %s machine (%s)",
			       data == ELFDATA2MSB ? "big-endian" : "little-endian",
			       c->img->arch->big_endian ? "big-endian" : "little-endian", c->img->arch->name);
	c->be = c->fx.be = data == ELFDATA2MSB;
	ehdr_order(&c->eh, c->be);
	return 0;
}

/* The input's section header table, with room for ours; the old table is dropped when nothing
 * follows it. */
static int read_section_headers(struct copy *c)
{
	const Elf64_Ehdr *eh = &c->eh;
	size_t fsize = c->fsize;
	if (eh->e_shoff == 0 || eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shoff > fsize ||
	    fsize - eh->e_shoff < sizeof(Elf64_Shdr))
		return ts_fail(c->err, c->errlen, TRUSTACK_E_FORMAT, "malformed section header table");
	/* extended numbering: the real counts live in section 0 */
	Elf64_Shdr sh0;
	memcpy(&sh0, c->out.p + eh->e_shoff, sizeof(sh0));
	shdr_order(&sh0, c->be);
	c->shnum = eh->e_shnum ? eh->e_shnum : sh0.sh_size;
	c->shstrndx = eh->e_shstrndx == SHN_XINDEX ? sh0.sh_link : eh->e_shstrndx;
	if (c->shnum == 0 || c->shnum > (fsize - eh->e_shoff) / sizeof(Elf64_Shdr) || c->shstrndx == 0 ||
	    c->shstrndx >= c->shnum)
		return ts_fail(c->err, c->errlen, TRUSTACK_E_FORMAT, "malformed section header table");
	size_t nnew = 0;
	for (size_t i = 0; i < c->n; i++)
		nnew += 1 + (c->secs[i].nrelocs ? 1 : 0);
	c->sh = calloc(c->shnum + nnew, sizeof(*c->sh));
	c->fx.symof = calloc(c->shnum, sizeof(uint32_t));
	c->fx.need = calloc(c->shnum, sizeof(size_t));
	if (!c->sh || !c->fx.symof || !c->fx.need)
		return -TRUSTACK_E_NOMEM;
	memcpy(c->sh, c->out.p + eh->e_shoff, c->shnum * sizeof(*c->sh));
	for (size_t i = 0; i < c->shnum; i++)
		shdr_order(&c->sh[i], c->be);
	for (size_t i = 1; i < c->shnum; i++) {
		const Elf64_Shdr *s = &c->sh[i];
		if (s->sh_type != SHT_NOBITS && (s->sh_offset > fsize || s->sh_size > fsize - s->sh_offset))
			return ts_fail(c->err, c->errlen, TRUSTACK_E_FORMAT, "section %zu extends beyond the end of the file", i);
	}
	if (c->sh[c->shstrndx].sh_type != SHT_STRTAB)
		return ts_fail(c->err, c->errlen, TRUSTACK_E_FORMAT, "the section name table is not a string table");
	if (eh->e_shoff + c->shnum * sizeof(Elf64_Shdr) == fsize)
		c->out.n = eh->e_shoff;
	c->ns = c->shnum;
	return 0;
}

/* The object's .symtab, and the section symbol it already has for each section (locals). */
static int find_section_symbols(struct copy *c)
{
	struct symfix *fx = &c->fx;
	for (size_t i = 1; i < c->shnum && !fx->symtab; i++)
		if (c->sh[i].sh_type == SHT_SYMTAB)
			fx->symtab = i;
	if (!fx->symtab)
		return ts_fail(c->err, c->errlen, TRUSTACK_E_UNSUPPORTED, "the object has no symbol table for relocations");
	const Elf64_Shdr *st = &c->sh[fx->symtab];
	if (st->sh_entsize != sizeof(Elf64_Sym) || st->sh_size % sizeof(Elf64_Sym) ||
	    st->sh_info > st->sh_size / sizeof(Elf64_Sym) || st->sh_info == 0)
		return ts_fail(c->err, c->errlen, TRUSTACK_E_FORMAT, "malformed symbol table");
	fx->nsyms = st->sh_size / sizeof(Elf64_Sym);
	fx->first_global = st->sh_info;
	if (fx->nsyms > UINT32_MAX - c->shnum)
		return ts_fail(c->err, c->errlen, TRUSTACK_E_FORMAT, "malformed symbol table");
	for (size_t i = 1; i < fx->first_global; i++) {
		Elf64_Sym s;
		memcpy(&s, c->out.p + st->sh_offset + i * sizeof(s), sizeof(s));
		s.st_shndx = fo16(c->be, s.st_shndx);
		if (ELF64_ST_TYPE(s.st_info) == STT_SECTION && s.st_shndx > 0 && s.st_shndx < c->shnum &&
		    s.st_shndx < SHN_LORESERVE && !fx->symof[s.st_shndx])
			fx->symof[s.st_shndx] = (uint32_t)i;
	}
	return 0;
}

/* One relocation of section o: its target must be in a section, which needs a section symbol;
 * note the section when it has none yet. */
static int need_section_symbol(struct copy *c, const struct ts_out_section *o, const struct ts_out_reloc *rl)
{
	struct symfix *fx = &c->fx;
	size_t si = section_of(c->img, rl->target);
	if (!si || si >= c->shnum)
		return ts_fail(c->err, c->errlen, TRUSTACK_E_ARG, "relocation in %s: target 0x%llx is in no section",
			       o->name, (unsigned long long)rl->target);
	if (rl->offset > o->size || o->size - rl->offset < 4)
		return ts_fail(c->err, c->errlen, TRUSTACK_E_ARG, "relocation outside section %s", o->name);
	if (fx->symof[si] || (fx->nneed && fx->need[fx->nneed - 1] == si))
		return 0;
	for (size_t j = 0; j < fx->nneed; j++)
		if (fx->need[j] == si)
			return 0;
	if (si >= SHN_LORESERVE)
		return ts_fail(c->err, c->errlen, TRUSTACK_E_UNSUPPORTED, "section index %zu needs extended symbol indices", si);
	fx->need[fx->nneed++] = si;
	return 0;
}

/* Objects whose new sections have relocations: every target section gets a section symbol. */
static int prepare_relocations(struct copy *c)
{
	bool any_relocs = false;
	for (size_t i = 0; i < c->n; i++)
		any_relocs |= c->secs[i].nrelocs > 0;
	if (!any_relocs)
		return 0;
	int rc = find_section_symbols(c);
	for (size_t i = 0; i < c->n && !rc; i++)
		for (size_t r = 0; r < c->secs[i].nrelocs && !rc; r++)
			rc = need_section_symbol(c, &c->secs[i], &c->secs[i].relocs[r]);
	if (!rc && c->fx.nneed)
		rc = add_section_symbols(&c->out, c->sh, c->shnum, &c->fx, c->err, c->errlen);
	return rc;
}

/* The new .shstrtab starts as a copy of the old one, with room for our names. */
static int start_names(struct copy *c)
{
	const Elf64_Shdr *old = &c->sh[c->shstrndx];
	size_t namelen = old->sh_size;
	for (size_t i = 0; i < c->n; i++)
		namelen += 2 * (strlen(c->secs[i].name) + 6);
	c->names = malloc(namelen + 1);
	if (!c->names)
		return -TRUSTACK_E_NOMEM;
	memcpy(c->names, c->out.p + old->sh_offset, old->sh_size);
	c->nl = old->sh_size;
	if (!c->nl || c->names[c->nl - 1])
		c->names[c->nl++] = 0; /* a table must start and end with NUL */
	return 0;
}

/* Append o's relocations (as .rela<name>, against section symbols) for section index idx. */
static int append_relocations(struct copy *c, const struct ts_out_section *o, size_t idx)
{
	Elf64_Rela *ra = calloc(o->nrelocs, sizeof(*ra));
	if (!ra)
		return -TRUSTACK_E_NOMEM;
	for (size_t r = 0; r < o->nrelocs; r++) {
		const struct ts_out_reloc *rl = &o->relocs[r];
		size_t si = section_of(c->img, rl->target);
		ra[r].r_offset = fo64(c->be, rl->offset);
		ra[r].r_info = fo64(c->be, ELF64_R_INFO(c->fx.symof[si], rl->type));
		ra[r].r_addend = (int64_t)fo64(c->be, (uint64_t)((int64_t)(rl->target - c->img->secs[si].addr) + rl->addend));
	}
	uint64_t off;
	int rc = wb_align(&c->out, 8, &off);
	if (!rc)
		rc = wb_put(&c->out, ra, o->nrelocs * sizeof(*ra));
	free(ra);
	if (rc)
		return rc;
	Elf64_Shdr *r = &c->sh[c->ns++];
	r->sh_name = (uint32_t)c->nl;
	c->nl += (size_t)sprintf(c->names + c->nl, ".rela%s", o->name) + 1;
	r->sh_type = SHT_RELA;
	r->sh_flags = SHF_INFO_LINK;
	r->sh_offset = off;
	r->sh_size = o->nrelocs * sizeof(Elf64_Rela);
	r->sh_link = (uint32_t)c->fx.symtab;
	r->sh_info = (uint32_t)idx;
	r->sh_addralign = 8;
	r->sh_entsize = sizeof(Elf64_Rela);
	return 0;
}

/* Append one new section's bytes and header (linked files: not allocated, it is not loaded). */
static int append_section(struct copy *c, const struct ts_out_section *o)
{
	uint64_t off;
	int rc;
	if ((rc = wb_align(&c->out, o->align, &off)) || (rc = wb_put(&c->out, o->data, o->size)))
		return rc;
	size_t idx = c->ns++;
	Elf64_Shdr *s = &c->sh[idx];
	s->sh_name = (uint32_t)c->nl;
	c->nl += (size_t)sprintf(c->names + c->nl, "%s", o->name) + 1;
	s->sh_type = o->type;
	s->sh_flags = c->rel ? o->flags : o->flags & ~(uint64_t)SHF_ALLOC;
	s->sh_addr = 0;
	s->sh_offset = off;
	s->sh_size = o->size;
	s->sh_addralign = o->align ? o->align : 1;
	s->sh_entsize = o->entsize;
	return o->nrelocs ? append_relocations(c, o, idx) : 0;
}

/* The names, the section header table and the ELF header that points at it; then the file. */
static int finish(struct copy *c, const char *path)
{
	uint64_t off;
	int rc;
	if ((rc = wb_align(&c->out, 1, &off)) || (rc = wb_put(&c->out, c->names, c->nl)))
		return rc;
	c->sh[c->shstrndx].sh_offset = off;
	c->sh[c->shstrndx].sh_size = c->nl;
	if ((rc = wb_align(&c->out, 8, &off)))
		return rc;
	c->eh.e_shoff = off;
	if (c->ns >= SHN_LORESERVE) {
		c->eh.e_shnum = 0;
		c->sh[0].sh_size = c->ns;
	} else {
		c->eh.e_shnum = (uint16_t)c->ns;
		c->sh[0].sh_size = 0;
	}
	for (size_t i = 0; i < c->ns; i++)
		shdr_order(&c->sh[i], c->be); /* the copy is written in the file's byte order */
	if ((rc = wb_put(&c->out, c->sh, c->ns * sizeof(*c->sh))))
		return rc;
	ehdr_order(&c->eh, c->be);
	memcpy(c->out.p, &c->eh, sizeof(c->eh));
	return ts_replace_file(path, c->out.p, c->out.n, c->in.st_mode, &c->in, c->err, c->errlen);
}

int ts_elf_write_copy(const struct ts_image *img, const char *path, const struct ts_out_section *secs,
		      size_t n, char *err, size_t errlen)
{
	struct copy c = { .img = img, .secs = secs, .n = n, .err = err, .errlen = errlen,
			  .rel = img->ehdr.e_type == ET_REL };
	int rc = check_request(&c, path);
	if (!rc)
		rc = read_input(&c);
	if (!rc)
		rc = read_section_headers(&c);
	if (!rc)
		rc = prepare_relocations(&c);
	if (!rc)
		rc = start_names(&c);
	for (size_t i = 0; i < n && !rc; i++)
		rc = append_section(&c, &secs[i]);
	if (!rc)
		rc = finish(&c, path);
	free(c.out.p);
	free(c.sh);
	free(c.names);
	free(c.fx.symof);
	free(c.fx.need);
	return rc;
}
