/*
 * cmd_cache.c - `trustack cache`: write the sidecar tables of linked files into the cache, where
 * the unwinder (and `trustack stacks`) find them by build-id.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: trustack cache [--cache-dir=DIR] [--refresh] [--path] [-j N] FILE...\n"
		"\n"
		"Analyse each linked FILE (executable or shared library) and store its unwind table as a\n"
		"sidecar keyed by the file's build-id: DIR/xx/<rest of the build-id>.tsu. A FILE whose\n"
		"sidecar exists already is skipped unless --refresh is given. The unwinder looks there by\n"
		"itself; `trustack dump FILE` prints the sidecar of FILE. Format: docs/sidecar.md.\n"
		"\n"
		"options:\n"
		"  --cache-dir=DIR  the cache (default $TRUSTACK_CACHE_DIR, else $XDG_CACHE_HOME/trustack,\n"
		"                   else ~/.cache/trustack)\n"
		"  --refresh        rebuild sidecars that exist already\n"
		"  --path           only print where each FILE's sidecar is (or would be) kept\n"
		"  -j N             analysis threads (default 1)\n"
		"  -h, --help       this text\n"
		"output: one line per FILE: 'FILE: PATH (ENTRIES entries, ROWS rows, P%% of code reliable)'\n"
		"exit status: 0 done, 2 error (unreadable file, no build-id, cache not writable)\n");
}

int cmd_cache(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "cache-dir", required_argument, NULL, 'C' },
		{ "refresh", no_argument, NULL, 'r' },
		{ "path", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL;
	bool refresh = false, path_only = false;
	unsigned threads = 1;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "hj:", longopts, NULL)) != -1) {
		switch (c) {
		case 'C':
			if (!cli_parse_cache_dir("cache", optarg, &dir))
				return EXIT_ERROR;
			break;
		case 'r': refresh = true; break;
		case 'p': path_only = true; break;
		case 'j':
			if (!cli_parse_jobs("cache", optarg, &threads))
				return EXIT_ERROR;
			break;
		case 'h': usage(stdout); return EXIT_CLEAN;
		default: usage(stderr); return EXIT_ERROR;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_ERROR;
	}
	int status = EXIT_CLEAN;
	for (int i = optind; i < argc; i++) {
		char err[512] = "", path[4096];
		struct trustack_elf *elf;
		int rc = trustack_elf__open(argv[i], &elf, err, sizeof(err));
		if (rc) {
			fprintf(stderr, "trustack cache: %s: %s\n", argv[i], *err ? err : trustack_strerror(rc));
			status = EXIT_ERROR;
			continue;
		}
		rc = trustack_sidecar__path(elf, dir, path, sizeof(path));
		if (rc) {
			fprintf(stderr, "trustack cache: %s: %s\n", argv[i],
				rc == -TRUSTACK_E_NOTFOUND ? "no build-id note: a sidecar cannot be keyed to this file"
							   : "no cache directory: set --cache-dir or $HOME");
			trustack_elf__close(elf);
			status = EXIT_ERROR;
			continue;
		}
		if (path_only) {
			printf("%s: %s\n", argv[i], path);
			trustack_elf__close(elf);
			continue;
		}
		struct trustack_sidecar *sc = NULL;
		bool fresh = false;
		if (refresh || trustack_sidecar__find(elf, dir, &sc, NULL, 0, err, sizeof(err))) {
			err[0] = 0;
			rc = trustack_sidecar__build(elf, threads, &sc, err, sizeof(err));
			if (!rc)
				rc = trustack_sidecar__save(sc, path, err, sizeof(err));
			fresh = true;
		}
		if (rc) {
			fprintf(stderr, "trustack cache: %s: %s\n", argv[i], *err ? err : trustack_strerror(rc));
			status = EXIT_ERROR;
		} else {
			struct trustack_sidecar_info in;
			trustack_sidecar__info(sc, &in);
			uint64_t all = in.reliable_bytes + in.unreliable_bytes;
			printf("%s: %s (%s%" PRIu64 " entries, %" PRIu64 " rows, %.2f%% of code reliable)\n", argv[i],
			       path, fresh ? "" : "cached, ", in.entries, in.rows,
			       all ? 100.0 * (double)in.reliable_bytes / (double)all : 0.0);
		}
		trustack_sidecar__close(sc);
		trustack_elf__close(elf);
	}
	return status;
}
