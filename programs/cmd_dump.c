/*
 * cmd_dump.c - `trustack dump`: print the unwind tables found in a file (ORC, SFrame) and the
 * file's sidecar in the cache, or a sidecar file itself.
 */
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: trustack dump [--orc-layout=auto|current|6.1] [--cache-dir=DIR] FILE...\n"
		"\n"
		"Print the unwind tables found in FILE: ORC (.orc_unwind + .orc_unwind_ip, in the lines of\n"
		"objtool --dump=orc) and SFrame (.sframe of any version, in the shape of objdump --sframe),\n"
		"whether the compiler, objtool or trustack orc/sframe wrote them, and FILE's sidecar when\n"
		"the cache holds one (trustack cache). FILE may also be a sidecar (.tsu) itself.\n"
		"\n"
		"options:\n"
		"  --orc-layout=L  the ORC entry layout: auto (default: detected from the entries),\n"
		"                  current (Linux 6.4+) or 6.1 (type:2 end:1)\n"
		"  --cache-dir=DIR where to look for sidecars (default: see trustack cache --help)\n"
		"  -h, --help      this text\n"
		"exit status: 0 printed (or the file has no such table: a note on stderr), 2 error\n");
}

static bool is_sidecar(const char *path)
{
	char magic[8] = "";
	struct stat st;
	/* O_NONBLOCK and fstat first: a FIFO must not hang us (the real open reports it) */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return false;
	bool yes = !fstat(fd, &st) && S_ISREG(st.st_mode) && pread(fd, magic, sizeof(magic), 0) == sizeof(magic) &&
		   !memcmp(magic, "TSUNWIND", 8);
	close(fd);
	return yes;
}

static int dump_sidecar_file(const char *path)
{
	struct trustack_sidecar *sc;
	char err[512] = "";
	int rc = trustack_sidecar__open(path, &sc, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "trustack dump: %s: %s\n", path, *err ? err : trustack_strerror(rc));
		return EXIT_ERROR;
	}
	printf("%s: ", path);
	trustack_sidecar__dump(sc, stdout);
	trustack_sidecar__close(sc);
	return EXIT_CLEAN;
}

static int dump_orc(struct trustack_elf *elf, const char *path, enum trustack_orc_layout layout, bool *found)
{
	struct trustack_orc_entry *e = NULL;
	size_t n = 0;
	enum trustack_orc_layout detected = layout;
	char err[256] = "";
	int rc = trustack_orc__read(elf, layout, &e, &n, &detected, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "trustack dump: %s: ORC: %s\n", path, *err ? err : trustack_strerror(rc));
		return rc;
	}
	if (n) {
		*found = true;
		printf("%s: ORC, %zu entries, layout %s\n", path, n,
		       detected == TRUSTACK_ORC_LAYOUT_6_1 ? "6.1 (type:2 end:1)" : "current (type:3 signal:1)");
		char line[160];
		for (size_t i = 0; i < n; i++)
			printf("%s\n", trustack_orc_entry__format(elf, &e[i], detected, line, sizeof(line)));
	}
	free(e);
	return 0;
}

int cmd_dump(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "orc-layout", required_argument, NULL, 'l' },
		{ "cache-dir", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum trustack_orc_layout layout = TRUSTACK_ORC_LAYOUT_AUTO;
	const char *cache_dir = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (!strcmp(optarg, "auto"))
				layout = TRUSTACK_ORC_LAYOUT_AUTO;
			else if (!strcmp(optarg, "current"))
				layout = TRUSTACK_ORC_LAYOUT_CURRENT;
			else if (!strcmp(optarg, "6.1"))
				layout = TRUSTACK_ORC_LAYOUT_6_1;
			else {
				fprintf(stderr, "trustack dump: --orc-layout must be auto, current or 6.1\n");
				return EXIT_ERROR;
			}
			break;
		case 'C':
			if (!cli_parse_cache_dir("dump", optarg, &cache_dir))
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
		char err[512] = "";
		if (is_sidecar(argv[i])) {
			if (dump_sidecar_file(argv[i]))
				status = EXIT_ERROR;
			continue;
		}
		struct trustack_elf *elf;
		int rc = trustack_elf__open(argv[i], &elf, err, sizeof(err));
		if (rc) {
			fprintf(stderr, "trustack dump: %s: %s\n", argv[i], *err ? err : trustack_strerror(rc));
			status = EXIT_ERROR;
			continue;
		}
		bool found = false;
		if (dump_orc(elf, argv[i], layout, &found))
			status = EXIT_ERROR;
		fflush(stdout);
		err[0] = 0;
		rc = trustack_sframe__dump(elf, stdout, err, sizeof(err));
		if (!rc) {
			found = true;
		} else if (rc != -TRUSTACK_E_NOTFOUND) {
			fprintf(stderr, "trustack dump: %s: SFrame: %s\n", argv[i], *err ? err : trustack_strerror(rc));
			status = EXIT_ERROR;
		}
		fflush(stdout);
		struct trustack_sidecar *sc;
		char scpath[4096];
		if (!trustack_sidecar__find(elf, cache_dir, &sc, scpath, sizeof(scpath), err, sizeof(err))) {
			found = true;
			printf("%s: sidecar %s: ", argv[i], scpath);
			trustack_sidecar__dump(sc, stdout);
			trustack_sidecar__close(sc);
		}
		if (!found && status == EXIT_CLEAN)
			fprintf(stderr, "trustack dump: %s: no ORC or SFrame tables, no sidecar in the cache\n", argv[i]);
		trustack_elf__close(elf);
	}
	return status;
}
