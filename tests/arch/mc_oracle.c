/* mc_oracle - the machine-independent part of the llvm-mc decoding oracles (mc_oracle.h). */
#include "mc_oracle.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void mc_parse(const char *text, struct mc *m)
{
	memset(m, 0, sizeof(*m));
	const char *p = text;
	while (*p == ' ' || *p == '\t')
		p++;
	size_t n = 0;
	while (*p && !isspace((unsigned char)*p) && n + 1 < sizeof(m->mn))
		m->mn[n++] = *p++;
	while (*p == ' ' || *p == '\t')
		p++;
	int depth = 0;
	n = 0;
	while (*p && m->nops < MC_MAXOPS) {
		if (*p == '[' || *p == '{' || *p == '(')
			depth++;
		if (*p == ']' || *p == '}' || *p == ')')
			depth--;
		if (*p == ',' && depth == 0) {
			m->nops++;
			n = 0;
			p++;
			while (*p == ' ')
				p++;
			continue;
		}
		if (n + 1 < sizeof(m->ops[0]))
			m->ops[m->nops][n++] = *p;
		p++;
	}
	if (n || m->nops)
		m->nops++;
	for (int i = 0; i < m->nops; i++) {
		size_t l = strlen(m->ops[i]);
		while (l && isspace((unsigned char)m->ops[i][l - 1]))
			m->ops[i][--l] = 0;
	}
}

void mc_count_form(struct mc_forms *f, const char *name)
{
	for (int i = 0; i < MC_MAXFORMS; i++) {
		if (!f->name[i] && !(f->name[i] = strdup(name)))
			return;
		if (!strcmp(f->name[i], name)) {
			f->n[i]++;
			return;
		}
	}
}

void mc_print_forms(const struct mc_forms *f, const char *title)
{
	fprintf(stderr, "  %s:", title);
	for (int i = 0; i < MC_MAXFORMS && f->name[i]; i++)
		fprintf(stderr, " %s %lu;", f->name[i], f->n[i]);
	fprintf(stderr, "\n");
}

void mc_free_forms(struct mc_forms *f)
{
	for (int i = 0; i < MC_MAXFORMS; i++)
		free(f->name[i]);
	memset(f, 0, sizeof(*f));
}

/* The next instruction line of llvm-mc's output: directives, comment lines and trailing comments
 * ("mov w1, #-5  // =0xfffffffb") dropped. */
char *mc_next(FILE *f, char *line, size_t n, const char *comment)
{
	size_t cl = strlen(comment);
	while (fgets(line, (int)n, f)) {
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '\n' || *p == '.' || !strncmp(p, comment, cl))
			continue;
		char *c = strstr(p, comment);
		if (!c)
			c = p + strlen(p);
		while (c > p && isspace((unsigned char)c[-1]))
			c--;
		*c = 0;
		return p;
	}
	return NULL;
}

/*
 * Which input lines llvm-mc rejected: its stderr has "<stdin>:LINE:COL: warning: invalid
 * instruction encoding" for each. Its stdout cannot be aligned by the encodings it prints: for
 * words with ignored bits (arm64's ldlarh with Rs not 11111) it prints the canonical encoding.
 */
bool *mc_invalid(const char *errpath, size_t n)
{
	bool *bad = calloc(n + 1, 1);
	FILE *f = fopen(errpath, "r");
	if (!bad || !f) {
		free(bad);
		if (f)
			fclose(f);
		return NULL;
	}
	char line[512];
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, "invalid instruction encoding"))
			continue;
		char *c = strchr(line, ':');
		unsigned long ln = c ? strtoul(c + 1, NULL, 10) : 0;
		if (ln >= 1 && ln <= n)
			bad[ln - 1] = true;
	}
	fclose(f);
	return bad;
}

static void code_add(struct mc_code *c, const uint8_t *p, unsigned len, uint64_t addr)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 4096;
		c->b = realloc(c->b, c->cap * sizeof(*c->b));
		c->len = realloc(c->len, c->cap);
		c->addr = realloc(c->addr, c->cap * sizeof(*c->addr));
		if (!c->b || !c->len || !c->addr)
			abort();
	}
	memcpy(c->b[c->n], p, len);
	c->len[c->n] = (uint8_t)len;
	c->addr[c->n++] = addr;
}

bool mc_read_code(const char *path, unsigned e_machine, unsigned (*length)(const uint8_t *p), struct mc_code *out)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	elf_version(EV_CURRENT);
	Elf *e = elf_begin(fd, ELF_C_READ, NULL);
	GElf_Ehdr eh;
	if (!e || !gelf_getehdr(e, &eh) || eh.e_machine != e_machine) {
		if (e)
			elf_end(e);
		close(fd);
		errno = EINVAL;
		return false;
	}
	for (Elf_Scn *scn = NULL; (scn = elf_nextscn(e, scn));) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS || !(sh.sh_flags & SHF_EXECINSTR))
			continue;
		Elf_Data *data = elf_rawdata(scn, NULL);
		if (!data || !data->d_buf)
			continue;
		const uint8_t *p = data->d_buf;
		for (size_t off = 0; off < data->d_size;) {
			unsigned l = length ? length(p + off) : 4;
			if (l == 0 || l > MC_MAXLEN || off + l > data->d_size)
				break;
			code_add(out, p + off, l, sh.sh_addr + off);
			off += l;
		}
	}
	elf_end(e);
	close(fd);
	return true;
}

void mc_free_code(struct mc_code *c)
{
	free(c->b);
	free(c->len);
	free(c->addr);
}

static void print_hex(const struct mc_code *c)
{
	for (size_t i = 0; i < c->n; i++) {
		for (unsigned k = 0; k < c->len[i]; k++)
			printf("%s0x%02x", k ? " " : "", c->b[i][k]);
		printf("\n");
	}
}

static int usage(const struct mc_machine *m)
{
	fprintf(stderr, "usage: %s words ELF... > HEX\n"
			"       %s check MC.txt NAME [-v] [-n MC2.txt] ELF...\n", m->tool, m->tool);
	return 2;
}

static FILE *open_listing(const struct mc_machine *m, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		fprintf(stderr, "%s: %s: %s\n", m->tool, path, strerror(errno));
	return f;
}

/* Walk the instructions and llvm-mc's listings side by side; -1 on a misaligned listing. */
static long compare(const struct mc_machine *m, const struct mc_code *c, FILE *mcf, FILE *f2,
		    const bool *invalid, const char *mcpath)
{
	static char line[1024], line2[1024];
	unsigned long nvalid = 0;
	uint64_t stream = 0;
	for (size_t i = 0; i < c->n; i++) {
		char *text = NULL, *text2 = NULL;
		if (!invalid[i] && (!(text = mc_next(mcf, line, sizeof(line), m->comment)) ||
				    (f2 && !(text2 = mc_next(f2, line2, sizeof(line2), m->comment))))) {
			fprintf(stderr, "%s: %s: fewer instructions than input lines\n", m->tool, mcpath);
			return -1;
		}
		nvalid += text != NULL;
		m->check(c->b[i], c->len[i], m->section_addresses ? c->addr[i] : stream, text, text2);
		stream += c->len[i];
	}
	if (mc_next(mcf, line, sizeof(line), m->comment)) {
		fprintf(stderr, "%s: %s: more instructions than input lines\n", m->tool, mcpath);
		return -1;
	}
	return (long)nvalid;
}

static int check_files(const struct mc_machine *m, const struct mc_code *c, const char *mcpath,
		       const char *path2, const char *name, int nfiles)
{
	char errpath[4096];
	snprintf(errpath, sizeof(errpath), "%s.err", mcpath);
	bool *invalid = mc_invalid(errpath, c->n);
	if (!invalid) {
		fprintf(stderr, "%s: %s: %s\n", m->tool, errpath, strerror(errno));
		return 2;
	}
	FILE *mcf = open_listing(m, mcpath), *f2 = path2 ? open_listing(m, path2) : NULL;
	long nvalid = -1;
	if (mcf && (!path2 || f2))
		nvalid = compare(m, c, mcf, f2, invalid, mcpath);
	if (mcf)
		fclose(mcf);
	if (f2)
		fclose(f2);
	free(invalid);
	return nvalid < 0 ? 2 : m->finish(name, nfiles, c->n, (unsigned long)nvalid);
}

int mc_main(int argc, char **argv, const struct mc_machine *m)
{
	if (argc < 3)
		return usage(m);
	bool check = !strcmp(argv[1], "check");
	if (!check && strcmp(argv[1], "words"))
		return usage(m);
	int first = check ? 4 : 2;
	const char *path2 = NULL;
	while (check && first < argc && argv[first][0] == '-') {
		if (!strcmp(argv[first], "-v")) {
			*m->verbose = true;
			first++;
		} else if (!strcmp(argv[first], "-n") && first + 1 < argc) {
			path2 = argv[first + 1];
			first += 2;
		} else {
			return usage(m);
		}
	}
	if (first >= argc)
		return usage(m);
	struct mc_code c = { 0 };
	for (int i = first; i < argc; i++)
		if (!mc_read_code(argv[i], m->e_machine, m->length, &c)) {
			if (errno == EINVAL)
				fprintf(stderr, "%s: %s: not an %s ELF file\n", m->tool, argv[i], m->machine);
			else
				fprintf(stderr, "%s: %s: %s\n", m->tool, argv[i], strerror(errno));
			mc_free_code(&c);
			return 2;
		}
	int rc = 0;
	if (check)
		rc = check_files(m, &c, argv[2], path2, argv[3], argc - first);
	else
		print_hex(&c);
	mc_free_code(&c);
	return rc;
}
