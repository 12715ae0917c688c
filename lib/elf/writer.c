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
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf/writer.h"
#include "trustack.h"
#include "common/vec.h"

#ifndef SHT_LLVM_ADDRSIG
#define SHT_LLVM_ADDRSIG 0x6fff4c03
#endif

static int fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -code;
}

struct wbuf {
	uint8_t *p;
	size_t n, cap;
};

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
		s->st_shndx = (uint16_t)f->need[i];
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
				uint32_t sym = (uint32_t)ELF64_R_SYM(info), nsym = remap(f, sym);
				if (nsym != sym) {
					info = ELF64_R_INFO(nsym, ELF64_R_TYPE(info));
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
					return fail(err, errlen, TRUSTACK_E_FORMAT, "malformed .llvm_addrsig section");
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

/* Write buf to a temporary file beside path, with the input's permissions, and rename it. */
static int write_atomically(const char *path, const uint8_t *buf, size_t n, mode_t mode, char *err,
			    size_t errlen)
{
	size_t l = strlen(path);
	char *tmp = malloc(l + 16);
	if (!tmp)
		return -TRUSTACK_E_NOMEM;
	snprintf(tmp, l + 16, "%s.tmp-XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		int e = errno;
		free(tmp);
		return fail(err, errlen, TRUSTACK_E_IO, "cannot create a file beside %s: %s", path, strerror(e));
	}
	int rc = 0;
	for (size_t done = 0; done < n && !rc;) {
		ssize_t w = write(fd, buf + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			rc = fail(err, errlen, TRUSTACK_E_IO, "cannot write %s: %s", tmp, strerror(errno));
		else
			done += (size_t)w;
	}
	if (!rc && fchmod(fd, mode & 0777))
		rc = fail(err, errlen, TRUSTACK_E_IO, "cannot set the mode of %s: %s", tmp, strerror(errno));
	if (close(fd) && !rc)
		rc = fail(err, errlen, TRUSTACK_E_IO, "cannot write %s: %s", tmp, strerror(errno));
	if (!rc && rename(tmp, path))
		rc = fail(err, errlen, TRUSTACK_E_IO, "cannot rename to %s: %s", path, strerror(errno));
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
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

int ts_elf_write_copy(const struct ts_image *img, const char *path, const struct ts_out_section *secs,
		      size_t n, char *err, size_t errlen)
{
	if (img->ar)
		return fail(err, errlen, TRUSTACK_E_UNSUPPORTED,
			    "cannot write a copy of an archive member: extract it first (ar x)");
	if (img->fd < 0)
		return fail(err, errlen, TRUSTACK_E_UNSUPPORTED, "cannot write a copy of an image opened from memory");
	if (!path || !*path)
		return fail(err, errlen, TRUSTACK_E_ARG, "no output path");
	bool rel = img->ehdr.e_type == ET_REL;
	for (size_t i = 0; i < n; i++) {
		if (!secs[i].name || !*secs[i].name)
			return fail(err, errlen, TRUSTACK_E_ARG, "a new section has no name");
		if (has_section(img, secs[i].name))
			return fail(err, errlen, TRUSTACK_E_ARG, "the file already has a %s section", secs[i].name);
		if (secs[i].nrelocs && !rel)
			return fail(err, errlen, TRUSTACK_E_ARG,
				    "relocations for %s: linked files take none (write final values)", secs[i].name);
		if (secs[i].size && !secs[i].data)
			return fail(err, errlen, TRUSTACK_E_ARG, "section %s has a size but no data", secs[i].name);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(secs[i].name, secs[j].name))
				return fail(err, errlen, TRUSTACK_E_ARG, "section %s given twice", secs[i].name);
	}

	struct stat stt;
	if (fstat(img->fd, &stt))
		return fail(err, errlen, TRUSTACK_E_IO, "cannot stat %s: %s", img->path, strerror(errno));
	size_t fsize = (size_t)stt.st_size;
	Elf64_Ehdr eh;
	if (fsize < sizeof(eh))
		return fail(err, errlen, TRUSTACK_E_FORMAT, "truncated ELF header");
	struct wbuf out = { 0 };
	Elf64_Shdr *sh = NULL;
	struct symfix fx = { 0 };
	char *names = NULL;
	int rc = wb_reserve(&out, fsize + 4096);
	if (rc)
		return rc;
	if (read_file(img->fd, fsize, out.p)) {
		rc = fail(err, errlen, TRUSTACK_E_IO, "cannot read %s: %s", img->path, strerror(errno));
		goto done;
	}
	out.n = fsize;
	memcpy(&eh, out.p, sizeof(eh));
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB) {
		rc = fail(err, errlen, TRUSTACK_E_UNSUPPORTED, "only 64-bit little-endian ELF can be written");
		goto done;
	}
	if (eh.e_shoff == 0 || eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shoff > fsize ||
	    fsize - eh.e_shoff < sizeof(Elf64_Shdr)) {
		rc = fail(err, errlen, TRUSTACK_E_FORMAT, "malformed section header table");
		goto done;
	}
	/* extended numbering: the real counts live in section 0 */
	Elf64_Shdr sh0;
	memcpy(&sh0, out.p + eh.e_shoff, sizeof(sh0));
	size_t shnum = eh.e_shnum ? eh.e_shnum : sh0.sh_size;
	size_t shstrndx = eh.e_shstrndx == SHN_XINDEX ? sh0.sh_link : eh.e_shstrndx;
	if (shnum == 0 || shnum > (fsize - eh.e_shoff) / sizeof(Elf64_Shdr) || shstrndx == 0 || shstrndx >= shnum) {
		rc = fail(err, errlen, TRUSTACK_E_FORMAT, "malformed section header table");
		goto done;
	}
	size_t nnew = 0;
	for (size_t i = 0; i < n; i++)
		nnew += 1 + (secs[i].nrelocs ? 1 : 0);
	sh = calloc(shnum + nnew, sizeof(*sh));
	fx.symof = calloc(shnum, sizeof(uint32_t));
	fx.need = calloc(shnum, sizeof(size_t));
	if (!sh || !fx.symof || !fx.need) {
		rc = -TRUSTACK_E_NOMEM;
		goto done;
	}
	memcpy(sh, out.p + eh.e_shoff, shnum * sizeof(*sh));
	for (size_t i = 1; i < shnum; i++)
		if (sh[i].sh_type != SHT_NOBITS && (sh[i].sh_offset > fsize || sh[i].sh_size > fsize - sh[i].sh_offset)) {
			rc = fail(err, errlen, TRUSTACK_E_FORMAT, "section %zu extends beyond the end of the file", i);
			goto done;
		}
	if (sh[shstrndx].sh_type != SHT_STRTAB) {
		rc = fail(err, errlen, TRUSTACK_E_FORMAT, "the section name table is not a string table");
		goto done;
	}
	/* the old table goes when nothing follows it */
	if (eh.e_shoff + shnum * sizeof(Elf64_Shdr) == fsize)
		out.n = eh.e_shoff;

	bool any_relocs = false;
	for (size_t i = 0; i < n; i++)
		any_relocs |= secs[i].nrelocs > 0;
	if (any_relocs) {
		for (size_t i = 1; i < shnum && !fx.symtab; i++)
			if (sh[i].sh_type == SHT_SYMTAB)
				fx.symtab = i;
		if (!fx.symtab) {
			rc = fail(err, errlen, TRUSTACK_E_UNSUPPORTED, "the object has no symbol table for relocations");
			goto done;
		}
		Elf64_Shdr *st = &sh[fx.symtab];
		if (st->sh_entsize != sizeof(Elf64_Sym) || st->sh_size % sizeof(Elf64_Sym) ||
		    st->sh_info > st->sh_size / sizeof(Elf64_Sym) || st->sh_info == 0) {
			rc = fail(err, errlen, TRUSTACK_E_FORMAT, "malformed symbol table");
			goto done;
		}
		fx.nsyms = st->sh_size / sizeof(Elf64_Sym);
		fx.first_global = st->sh_info;
		if (fx.nsyms > UINT32_MAX - shnum) {
			rc = fail(err, errlen, TRUSTACK_E_FORMAT, "malformed symbol table");
			goto done;
		}
		for (size_t i = 1; i < fx.first_global; i++) {
			Elf64_Sym s;
			memcpy(&s, out.p + st->sh_offset + i * sizeof(s), sizeof(s));
			if (ELF64_ST_TYPE(s.st_info) == STT_SECTION && s.st_shndx > 0 && s.st_shndx < shnum &&
			    s.st_shndx < SHN_LORESERVE && !fx.symof[s.st_shndx])
				fx.symof[s.st_shndx] = (uint32_t)i;
		}
		for (size_t i = 0; i < n; i++)
			for (size_t r = 0; r < secs[i].nrelocs; r++) {
				const struct ts_out_reloc *rl = &secs[i].relocs[r];
				size_t si = section_of(img, rl->target);
				if (!si || si >= shnum) {
					rc = fail(err, errlen, TRUSTACK_E_ARG,
						  "relocation in %s: target 0x%llx is in no section", secs[i].name,
						  (unsigned long long)rl->target);
					goto done;
				}
				if (rl->offset > secs[i].size || secs[i].size - rl->offset < 4) {
					rc = fail(err, errlen, TRUSTACK_E_ARG, "relocation outside section %s",
						  secs[i].name);
					goto done;
				}
				if (fx.symof[si] || (fx.nneed && fx.need[fx.nneed - 1] == si))
					continue;
				bool seen = false;
				for (size_t j = 0; j < fx.nneed && !seen; j++)
					seen = fx.need[j] == si;
				if (!seen) {
					if (si >= SHN_LORESERVE) {
						rc = fail(err, errlen, TRUSTACK_E_UNSUPPORTED,
							  "section index %zu needs extended symbol indices", si);
						goto done;
					}
					fx.need[fx.nneed++] = si;
				}
			}
		if (fx.nneed && (rc = add_section_symbols(&out, sh, shnum, &fx, err, errlen)))
			goto done;
	}

	/* new .shstrtab: the old names, then ours */
	size_t namelen = sh[shstrndx].sh_size;
	for (size_t i = 0; i < n; i++)
		namelen += 2 * (strlen(secs[i].name) + 6);
	names = malloc(namelen + 1);
	if (!names) {
		rc = -TRUSTACK_E_NOMEM;
		goto done;
	}
	memcpy(names, out.p + sh[shstrndx].sh_offset, sh[shstrndx].sh_size);
	size_t nl = sh[shstrndx].sh_size;
	if (!nl || names[nl - 1])
		names[nl++] = 0; /* a table must start and end with NUL */

	size_t ns = shnum;
	for (size_t i = 0; i < n; i++) {
		const struct ts_out_section *o = &secs[i];
		uint64_t off;
		if ((rc = wb_align(&out, o->align, &off)) || (rc = wb_put(&out, o->data, o->size)))
			goto done;
		size_t idx = ns++;
		Elf64_Shdr *s = &sh[idx];
		s->sh_name = (uint32_t)nl;
		nl += (size_t)sprintf(names + nl, "%s", o->name) + 1;
		s->sh_type = o->type;
		s->sh_flags = rel ? o->flags : o->flags & ~(uint64_t)SHF_ALLOC;
		s->sh_addr = 0;
		s->sh_offset = off;
		s->sh_size = o->size;
		s->sh_addralign = o->align ? o->align : 1;
		s->sh_entsize = o->entsize;
		if (!o->nrelocs)
			continue;
		Elf64_Rela *ra = calloc(o->nrelocs, sizeof(*ra));
		if (!ra) {
			rc = -TRUSTACK_E_NOMEM;
			goto done;
		}
		for (size_t r = 0; r < o->nrelocs; r++) {
			const struct ts_out_reloc *rl = &o->relocs[r];
			size_t si = section_of(img, rl->target);
			ra[r].r_offset = rl->offset;
			ra[r].r_info = ELF64_R_INFO(fx.symof[si], rl->type);
			ra[r].r_addend = (int64_t)(rl->target - img->secs[si].addr) + rl->addend;
		}
		rc = wb_align(&out, 8, &off);
		if (!rc)
			rc = wb_put(&out, ra, o->nrelocs * sizeof(*ra));
		free(ra);
		if (rc)
			goto done;
		Elf64_Shdr *r = &sh[ns++];
		r->sh_name = (uint32_t)nl;
		nl += (size_t)sprintf(names + nl, ".rela%s", o->name) + 1;
		r->sh_type = SHT_RELA;
		r->sh_flags = SHF_INFO_LINK;
		r->sh_offset = off;
		r->sh_size = o->nrelocs * sizeof(Elf64_Rela);
		r->sh_link = (uint32_t)fx.symtab;
		r->sh_info = (uint32_t)idx;
		r->sh_addralign = 8;
		r->sh_entsize = sizeof(Elf64_Rela);
	}
	uint64_t off;
	if ((rc = wb_align(&out, 1, &off)) || (rc = wb_put(&out, names, nl)))
		goto done;
	sh[shstrndx].sh_offset = off;
	sh[shstrndx].sh_size = nl;

	if ((rc = wb_align(&out, 8, &off)))
		goto done;
	eh.e_shoff = off;
	if (ns >= SHN_LORESERVE) {
		eh.e_shnum = 0;
		sh[0].sh_size = ns;
	} else {
		eh.e_shnum = (uint16_t)ns;
		sh[0].sh_size = 0;
	}
	if ((rc = wb_put(&out, sh, ns * sizeof(*sh))))
		goto done;
	memcpy(out.p, &eh, sizeof(eh));
	rc = write_atomically(path, out.p, out.n, stt.st_mode, err, errlen);
done:
	free(out.p);
	free(sh);
	free(names);
	free(fx.symof);
	free(fx.need);
	return rc;
}
