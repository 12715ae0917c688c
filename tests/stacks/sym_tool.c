/*
 * sym_tool.c - the symbols API from the command line, for the suite's oracles:
 *   sym_tool lookup FILE     reads "ADDR" lines on stdin, prints "ADDR NAME START SIZE" or "ADDR ?"
 *   sym_tool find FILE NAME  prints "START SIZE" for every function of that name
 *   sym_tool line FILE ADDR  prints "FILE:LINE" or "?"
 *   sym_tool cached FILE BUILDID CACHEDIR
 *                            through the symbol cache: prints "cached" or "read" (the file was
 *                            read and the cache written), then answers lookups like "lookup"
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trustack.h"

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	char err[256] = "";
	struct trustack_symbols *s;
	int rc;
	if (!strcmp(argv[1], "cached") && argc > 4) {
		uint8_t id[32];
		size_t n = 0;
		for (const char *h = argv[3]; h[0] && h[1] && n < sizeof(id); h += 2) {
			unsigned v;
			if (sscanf(h, "%2x", &v) != 1)
				return 2;
			id[n++] = (uint8_t)v;
		}
		rc = trustack_symbols__open_cached(argv[2], id, n, argv[4], &s, err, sizeof(err));
		if (!rc)
			printf("%s\n", trustack_symbols__cached(s) ? "cached" : "read");
	} else {
		rc = trustack_symbols__open(argv[2], &s, err, sizeof(err));
	}
	if (rc) {
		fprintf(stderr, "sym_tool: %s\n", err);
		return 2;
	}
	if (!strcmp(argv[1], "lookup") || !strcmp(argv[1], "cached")) {
		char line[64];
		while (fgets(line, sizeof(line), stdin)) {
			uint64_t a = strtoull(line, NULL, 16);
			struct trustack_symbol sym;
			if (trustack_symbols__lookup(s, a, &sym))
				printf("%" PRIx64 " ?\n", a);
			else
				printf("%" PRIx64 " %s %" PRIx64 " %" PRIu64 "\n", a, sym.name, sym.start, sym.size);
		}
	} else if (!strcmp(argv[1], "find") && argc > 3) {
		struct trustack_symbol v[64];
		size_t n = trustack_symbols__find(s, argv[3], v, 64);
		for (size_t i = 0; i < n && i < 64; i++)
			printf("%" PRIx64 " %" PRIu64 "\n", v[i].start, v[i].size);
	} else if (!strcmp(argv[1], "line") && argc > 3) {
		const char *f;
		int l;
		if (trustack_symbols__source(s, strtoull(argv[3], NULL, 16), &f, &l))
			printf("?\n");
		else
			printf("%s:%d\n", f, l);
	}
	trustack_symbols__close(s);
	return 0;
}
