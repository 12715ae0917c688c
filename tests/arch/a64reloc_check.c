/*
 * a64reloc_check - ts_arch_aarch64.apply_reloc against GNU ld: every relocation of an arm64
 * object, applied by us to the object's bytes with the addresses ld gave, must give the bytes
 * of ld's output.
 *
 *   a64reloc_check NAME [-v] OBJ LINKED SECTIONS [OBJ LINKED SECTIONS...]
 *
 * LINKED: OBJ linked alone, statically (`ld --unresolved-symbols=ignore-all -e 0 -Map=MAP`);
 * SECTIONS: "name address" per input section of OBJ, from MAP. S is the symbol's address in
 * LINKED (an input section's address for section symbols, 0 for undefined symbols), P the
 * relocated place's. For GOT relocations the slot is the entry of LINKED's .got that holds S+A.
 * Not compared: .eh_frame (ld rewrites it), non-allocated sections, references into SHF_MERGE
 * sections through their section symbol (ld merges the strings), GOT references to undefined
 * symbols (all their slots hold 0), relocations we leave alone by design (TLS).
 * One line: PASS/FAIL NAME with the count per relocation type; exit 0, 1, or 2 on bad input.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch/arch.h"
#include "arch/aarch64/decode.h"

struct elf_file {
	int fd;
	Elf *e;
	size_t shstrndx;
};

static bool open_elf(const char *path, struct elf_file *f)
{
	f->fd = open(path, O_RDONLY);
	if (f->fd < 0)
		return false;
	f->e = elf_begin(f->fd, ELF_C_READ, NULL);
	return f->e && elf_getshdrstrndx(f->e, &f->shstrndx) == 0;
}

static const char *scn_name(struct elf_file *f, Elf_Scn *s)
{
	GElf_Shdr sh;
	if (!gelf_getshdr(s, &sh))
		return "";
	const char *n = elf_strptr(f->e, f->shstrndx, sh.sh_name);
	return n ? n : "";
}

/* Input section name -> address in LINKED, from SECTIONS. */
#define MAXSEC 4096
static char *secname[MAXSEC];
static uint64_t secaddr[MAXSEC];
static int nsec;

/* Only a name that occurs once (C++ objects have several sections of one name, in groups). */
static bool find_sec(const char *name, uint64_t *addr)
{
	int found = 0;
	for (int i = 0; i < nsec; i++)
		if (!strcmp(secname[i], name)) {
			*addr = secaddr[i];
			found++;
		}
	return found == 1;
}

/* The bytes of LINKED at address a (n of them), or NULL. */
static const uint8_t *linked_bytes(struct elf_file *f, uint64_t a, size_t n)
{
	for (Elf_Scn *s = NULL; (s = elf_nextscn(f->e, s));) {
		GElf_Shdr sh;
		if (!gelf_getshdr(s, &sh) || sh.sh_type != SHT_PROGBITS || !(sh.sh_flags & SHF_ALLOC))
			continue;
		if (a >= sh.sh_addr && a + n <= sh.sh_addr + sh.sh_size) {
			Elf_Data *d = elf_getdata(s, NULL);
			return d && d->d_buf ? (const uint8_t *)d->d_buf + (a - sh.sh_addr) : NULL;
		}
	}
	return NULL;
}

static bool linked_symbol(struct elf_file *f, const char *name, uint64_t *value)
{
	for (Elf_Scn *s = NULL; (s = elf_nextscn(f->e, s));) {
		GElf_Shdr sh;
		if (!gelf_getshdr(s, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		Elf_Data *d = elf_getdata(s, NULL);
		size_t n = d ? d->d_size / sizeof(Elf64_Sym) : 0;
		for (size_t i = 0; i < n; i++) {
			GElf_Sym sym;
			const char *nm;
			if (gelf_getsym(d, (int)i, &sym) && (nm = elf_strptr(f->e, sh.sh_link, sym.st_name)) &&
			    !strcmp(nm, name) && sym.st_shndx != SHN_UNDEF) {
				*value = sym.st_value;
				return true;
			}
		}
	}
	return false;
}

static uint64_t got_slot_of(struct elf_file *f, uint64_t value)
{
	for (Elf_Scn *s = NULL; (s = elf_nextscn(f->e, s));) {
		GElf_Shdr sh;
		if (!gelf_getshdr(s, &sh) || strcmp(scn_name(f, s), ".got"))
			continue;
		Elf_Data *d = elf_getdata(s, NULL);
		for (size_t off = 0; d && off + 8 <= d->d_size; off += 8) {
			uint64_t v;
			memcpy(&v, (const uint8_t *)d->d_buf + off, 8);
			if (v == value)
				return sh.sh_addr + off;
		}
	}
	return 0;
}

static unsigned long agree[1024], differ[1024], skipped;
static bool verbose;

static bool check_object(const char *objpath, const char *outpath, const char *secpath)
{
	struct elf_file obj, out;
	if (!open_elf(objpath, &obj) || !open_elf(outpath, &out)) {
		fprintf(stderr, "a64reloc_check: cannot read %s or %s\n", objpath, outpath);
		return false;
	}
	FILE *sf = fopen(secpath, "r");
	char name[512];
	uint64_t a;
	for (int i = 0; i < nsec; i++)
		free(secname[i]);
	nsec = 0;
	while (sf && nsec < MAXSEC && fscanf(sf, "%511s %" SCNx64, name, &a) == 2) {
		secname[nsec] = strdup(name);
		secaddr[nsec++] = a;
	}
	if (sf)
		fclose(sf);

	for (Elf_Scn *rs = NULL; (rs = elf_nextscn(obj.e, rs));) {
		GElf_Shdr rsh, tsh;
		if (!gelf_getshdr(rs, &rsh) || rsh.sh_type != SHT_RELA)
			continue;
		Elf_Scn *ts = elf_getscn(obj.e, rsh.sh_info);
		Elf_Scn *syms = elf_getscn(obj.e, rsh.sh_link);
		if (!ts || !syms || !gelf_getshdr(ts, &tsh) || !(tsh.sh_flags & SHF_ALLOC) ||
		    tsh.sh_type != SHT_PROGBITS || !strcmp(scn_name(&obj, ts), ".eh_frame"))
			continue;
		uint64_t base;
		if (!find_sec(scn_name(&obj, ts), &base)) {
			skipped++; /* discarded by ld */
			continue;
		}
		GElf_Shdr symsh;
		gelf_getshdr(syms, &symsh);
		Elf_Data *td = elf_getdata(ts, NULL), *rd = elf_getdata(rs, NULL), *sd = elf_getdata(syms, NULL);
		if (!td || !rd || !sd)
			continue;
		uint8_t *buf = malloc(td->d_size + 8);
		if (!buf)
			abort();
		memcpy(buf, td->d_buf, td->d_size);
		size_t n = rd->d_size / sizeof(Elf64_Rela);
		for (size_t k = 0; k < n; k++) {
			GElf_Rela r;
			GElf_Sym sym;
			if (!gelf_getrela(rd, (int)k, &r) || !gelf_getsym(sd, (int)GELF_R_SYM(r.r_info), &sym))
				continue;
			uint32_t type = GELF_R_TYPE(r.r_info);
			uint64_t S = 0;
			if (GELF_ST_TYPE(sym.st_info) == STT_SECTION) {
				Elf_Scn *ss = elf_getscn(obj.e, sym.st_shndx);
				GElf_Shdr ssh;
				/* ld merges strings across a SHF_MERGE section (tails too): an offset in
				 * the input is not one in the output, and S + A cannot be known here */
				if (!ss || !gelf_getshdr(ss, &ssh) || (ssh.sh_flags & SHF_MERGE) ||
				    !find_sec(scn_name(&obj, ss), &S)) {
					skipped++;
					continue;
				}
			} else if (sym.st_shndx != SHN_UNDEF &&
				   !linked_symbol(&out, elf_strptr(obj.e, symsh.sh_link, sym.st_name), &S)) {
				/* a local label (.L.str.1) is not in LINKED's symbol table: its section's
				 * address plus its value, unless ld merged that section's strings */
				Elf_Scn *ss = elf_getscn(obj.e, sym.st_shndx);
				GElf_Shdr ssh;
				if (!ss || !gelf_getshdr(ss, &ssh) || (ssh.sh_flags & SHF_MERGE) ||
				    !find_sec(scn_name(&obj, ss), &S)) {
					skipped++;
					continue;
				}
				S += sym.st_value;
			}
			uint64_t P = base + r.r_offset;
			if (ts_arch_aarch64.reloc_uses_got(type) && sym.st_shndx == SHN_UNDEF) {
				skipped++; /* every undefined symbol's slot holds 0: which one is its? */
				continue;
			}
			uint64_t slot = ts_arch_aarch64.reloc_uses_got(type) ? got_slot_of(&out, S + (uint64_t)r.r_addend) : 0;
			int rc = ts_arch_aarch64.apply_reloc(type, buf + r.r_offset, td->d_size - r.r_offset, P, S,
							     r.r_addend, slot);
			unsigned size = type == 257 || type == 260 ? 8 : type == 259 || type == 262 ? 2 : 4;
			const uint8_t *want = linked_bytes(&out, P, size);
			if (rc == 1 || !want || type >= 1024) {
				skipped++; /* not applied by design (TLS...), or in no section of LINKED */
				continue;
			}
			if (rc == 0 && !memcmp(buf + r.r_offset, want, size)) {
				agree[type]++;
			} else {
				differ[type]++;
				if (verbose && differ[type] <= 5) {
					uint32_t ours = 0, w = 0;
					memcpy(&ours, buf + r.r_offset, size < 4 ? size : 4);
					memcpy(&w, want, size < 4 ? size : 4);
					fprintf(stderr, "  %s: type %u at %#" PRIx64 " (rc %d): ours %08x, ld %08x\n",
						objpath, type, P, rc, ours, w);
				}
			}
		}
		free(buf);
	}
	elf_end(obj.e);
	elf_end(out.e);
	close(obj.fd);
	close(out.fd);
	return true;
}

int main(int argc, char **argv)
{
	int first = 2;
	if (argc > 2 && !strcmp(argv[2], "-v")) {
		verbose = true;
		first = 3;
	}
	if (argc < first + 3 || (argc - first) % 3) {
		fprintf(stderr, "usage: a64reloc_check NAME [-v] OBJ LINKED SECTIONS...\n");
		return 2;
	}
	elf_version(EV_CURRENT);
	for (int i = first; i < argc; i += 3)
		if (!check_object(argv[i], argv[i + 1], argv[i + 2]))
			return 2;
	unsigned long bad = 0, good = 0;
	for (int t = 0; t < 1024; t++)
		bad += differ[t], good += agree[t];
	printf("%s %s: %d objects, %lu relocations as ld applies them (by type:", bad || !good ? "FAIL" : "PASS",
	       argv[1], (argc - first) / 3, good);
	for (int t = 0; t < 1024; t++)
		if (agree[t])
			printf(" %d:%lu", t, agree[t]);
	printf("), %lu not compared", skipped);
	if (bad) {
		printf("; different:");
		for (int t = 0; t < 1024; t++)
			if (differ[t])
				printf(" %d:%lu", t, differ[t]);
	}
	printf("\n");
	for (int i = 0; i < nsec; i++)
		free(secname[i]);
	return bad || !good ? 1 : 0;
}
