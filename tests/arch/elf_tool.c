/*
 * elf_tool.c - what the ELF layer (lib/elf/image.c) reads from a file, printed for the test
 * suite to compare with readelf: usable on machines the analysis does not support yet.
 *
 *   elf_tool FILE                 machine, byte order, sections, symbols, build-id
 *   elf_tool FILE read SYM N      the N bytes (1..8) at symbol SYM, as the ELF layer reads
 *                                 them (the file's byte order, relocations applied)
 *   elf_tool FILE addr SYM        SYM's address (synthetic in a relocatable object)
 *   elf_tool FILE slot SYM        the name the ELF layer gives the data word at SYM (a slot a
 *                                 dynamic relocation fills with a symbol's address)
 *   elf_tool FILE name HEX        the same for the data word at address HEX
 *   elf_tool FILE coderefs        code addresses data refers to (RELATIVE relocations)
 * Exit 0, 1 when the symbol is missing or unreadable, 2 when the file cannot be opened.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf/image.h"

static const struct ts_symbol *find_sym(const struct ts_image *img, const char *name)
{
	for (size_t i = 0; i < img->nsyms; i++)
		if (!strcmp(img->syms[i].name, name))
			return &img->syms[i];
	return NULL;
}

/* readelf's names for symbol types and bindings */
static const char *type_name(unsigned t)
{
	static const char *const n[] = { "NOTYPE", "OBJECT", "FUNC", "SECTION", "FILE", "COMMON", "TLS" };
	return t < sizeof(n) / sizeof(n[0]) ? n[t] : t == STT_GNU_IFUNC ? "IFUNC" : "?";
}

static const char *bind_name(unsigned b)
{
	return b == STB_LOCAL ? "LOCAL" : b == STB_GLOBAL ? "GLOBAL" : b == STB_WEAK ? "WEAK" : b == STB_GNU_UNIQUE ? "UNIQUE" : "?";
}

static void print_all(const struct ts_image *img)
{
	printf("machine %s %s\n", img->arch->name, img->big_endian ? "big-endian" : "little-endian");
	for (size_t i = 1; i < img->nsecs; i++)
		printf("section %s %llx\n", img->secs[i].name, (unsigned long long)img->secs[i].size);
	for (size_t i = 0; i < img->nsyms; i++) {
		const struct ts_symbol *s = &img->syms[i];
		/* readelf's value: the address in a linked file, the section offset in an object */
		uint64_t v = img->rel ? s->addr - img->secs[s->sec].addr : s->addr;
		printf("symbol %s %llx %llu %s %s\n", s->name, (unsigned long long)v, (unsigned long long)s->size,
		       type_name(s->type), bind_name(s->bind));
	}
	uint8_t id[64];
	size_t n = ts_image_build_id(img, id, sizeof(id));
	printf("build-id ");
	for (size_t i = 0; i < n; i++)
		printf("%02x", id[i]);
	printf("\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: elf_tool FILE [read SYM N | addr SYM | slot SYM | name HEX | coderefs]\n");
		return 2;
	}
	struct ts_image *img;
	char err[256];
	if (ts_image_open(argv[1], NULL, 0, -1, &img, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", argv[1], err);
		return 2;
	}
	int rc = 0;
	const struct ts_symbol *s = argc >= 4 ? find_sym(img, argv[3]) : NULL;
	if (argc == 2) {
		print_all(img);
	} else if (!strcmp(argv[2], "coderefs")) {
		const uint64_t *v;
		size_t n = ts_image_code_refs(img, 0, UINT64_MAX, &v);
		for (size_t i = 0; i < n; i++)
			printf("%llx\n", (unsigned long long)v[i]);
	} else if (!strcmp(argv[2], "name") && argc == 4) {
		const char *n = ts_image_got_name(img, strtoull(argv[3], NULL, 16));
		printf("%s\n", n ? n : "(none)");
	} else if (!s) {
		rc = 1;
	} else if (!strcmp(argv[2], "addr")) {
		printf("%llx\n", (unsigned long long)s->addr);
	} else if (!strcmp(argv[2], "read") && argc == 5) {
		uint64_t v;
		if (ts_image_read(img, s->addr, (unsigned)atoi(argv[4]), &v))
			printf("%llx\n", (unsigned long long)v);
		else
			rc = 1;
	} else if (!strcmp(argv[2], "slot")) {
		const char *n = ts_image_got_name(img, s->addr);
		printf("%s\n", n ? n : "(none)");
	} else {
		rc = 2;
	}
	ts_image_close(img);
	return rc;
}
