/*
 * cmd_check.c - `trustack check`: validate every function of every ELF file given or found.
 *
 * Files are analysed by a pool of -j workers; each file's report is buffered and printed in the
 * order the files were named (directories: sorted), so the output does not depend on -j.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"


struct file_result {
	char *path;       /* as shown: FILE, or ARCHIVE(MEMBER) */
	char *archive;    /* for archive members: the archive's path */
	size_t member;
	char *out;        /* text lines, or JSON/SARIF fragments (one object per warning) */
	size_t outlen;
	char *error;      /* set when the file could not be analysed */
	struct trustack_check_stats stats;
	struct trustack_warning_kind_count { unsigned n[TRUSTACK_W__COUNT]; } kinds;
};

struct check_ctx {
	enum cli_format fmt;
	struct trustack_check_opts opts;
	struct file_result *files;
	size_t nfiles, capfiles;
	_Atomic size_t next;
	unsigned jobs;
};

struct emit_ctx {
	struct check_ctx *c;
	struct file_result *r;
	FILE *f;
	size_t count;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: trustack check [OPTIONS] FILE|DIR...\n"
		"\n"
		"Follow every path of every function and report each violation of the stack rules.\n"
		"Directories are searched recursively for ELF files; other files there are skipped.\n"
		"An ar archive (.a) is checked member by member, reported as ARCHIVE(MEMBER).\n"
		"\n"
		"options:\n"
		"  --rules=stack|fp   stack (default): the stack state is computable everywhere, returns\n"
		"                     and tail calls leave the frame as they found it, paths agree where\n"
		"                     they meet. fp: also the frame-pointer rules (a frame before every\n"
		"                     call, the frame pointer never reused while it holds the frame)\n"
		"  --format=text|json|sarif\n"
		"                     text (default): FILE: warning: trustack: FUNC+0xOFF: MESSAGE [KIND]\n"
		"  -j N               analyse with N threads (default: the number of online CPUs)\n"
		"  -q, --quiet        no summary line on stderr\n"
		"  -h, --help         this text\n"
		"\n"
		"warning kinds: call-without-frame fp-clobbered fp-scratch return-modified-frame\n"
		"  sibling-call-modified-frame stack-mismatch falls-through unreachable undefined-stack\n"
		"  unsupported-stack-op unsupported-realign unresolved-indirect-jump decode-error\n"
		"  lr-clobbered\n"
		"exit status: 0 no warnings, 1 warnings, 2 error (a file could not be read)\n");
}

void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void on_warning(const struct trustack_warning *w, void *arg)
{
	struct emit_ctx *e = arg;
	const char *kind = trustack_warning_kind__name(w->kind);
	char where[512];
	if (w->function)
		snprintf(where, sizeof(where), "%s+0x%llx", w->function, (unsigned long long)w->offset);
	else
		snprintf(where, sizeof(where), "%s+0x%llx", w->section ? w->section : "?", (unsigned long long)w->address);
	e->r->kinds.n[w->kind]++;
	switch (e->c->fmt) {
	case FMT_TEXT:
		fprintf(e->f, "%s: warning: trustack: %s: %s [%s]\n", e->r->path, where, w->message, kind);
		break;
	case FMT_JSON:
		fprintf(e->f, "%s{\"file\":", e->count ? "," : "");
		json_str(e->f, e->r->path);
		fprintf(e->f, ",\"function\":");
		json_str(e->f, w->function);
		fprintf(e->f, ",\"offset\":%llu,\"address\":%llu,\"section\":", (unsigned long long)w->offset,
			(unsigned long long)w->address);
		json_str(e->f, w->section);
		fprintf(e->f, ",\"kind\":\"%s\",\"message\":", kind);
		json_str(e->f, w->message);
		fputc('}', e->f);
		break;
	case FMT_SARIF:
		fprintf(e->f, "%s{\"ruleId\":\"%s\",\"level\":\"warning\",\"message\":{\"text\":", e->count ? "," : "", kind);
		json_str(e->f, w->message);
		fprintf(e->f, "},\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":");
		json_str(e->f, e->r->path);
		fprintf(e->f, "},\"address\":{\"absoluteAddress\":%llu,\"name\":", (unsigned long long)w->address);
		json_str(e->f, where);
		fprintf(e->f, "}},\"logicalLocations\":[{\"name\":");
		json_str(e->f, w->function);
		fprintf(e->f, ",\"fullyQualifiedName\":");
		json_str(e->f, where);
		fprintf(e->f, ",\"kind\":\"function\"}]}]}");
		break;
	}
	e->count++;
}

/* -j's default: every CPU this process may use (the functions of one file, or the files, are
 * shared out; the output does not depend on it). */
static unsigned online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 256 ? 256 : (unsigned)n;
}

static void analyse_file(struct check_ctx *c, struct file_result *r, unsigned threads)
{
	char err[256] = "";
	struct trustack_elf *elf;
	if (r->error)
		return; /* known before: an archive we cannot read */
	int rc = r->archive ? trustack_elf__open_member(r->archive, r->member, &elf, err, sizeof(err))
			    : trustack_elf__open(r->path, &elf, err, sizeof(err));
	if (rc) {
		r->error = strdup(err[0] ? err : trustack_strerror(rc));
		return;
	}
	FILE *f = open_memstream(&r->out, &r->outlen);
	if (!f) {
		r->error = strdup("out of memory");
		trustack_elf__close(elf);
		return;
	}
	struct emit_ctx e = { c, r, f, 0 };
	struct trustack_check_opts o = c->opts;
	o.threads = threads;
	rc = trustack_check(elf, &o, on_warning, &e, &r->stats);
	fclose(f);
	if (rc)
		r->error = strdup(trustack_strerror(rc));
	trustack_elf__close(elf);
}

static void *file_worker(void *arg)
{
	struct check_ctx *c = arg;
	for (;;) {
		size_t i = atomic_fetch_add(&c->next, 1);
		if (i >= c->nfiles)
			return NULL;
		analyse_file(c, &c->files[i], 1);
	}
}

static struct file_result *new_file(struct check_ctx *c)
{
	if (c->nfiles == c->capfiles) {
		size_t cap = c->capfiles ? c->capfiles * 2 : 16;
		struct file_result *n = realloc(c->files, cap * sizeof(*n));
		if (!n)
			return NULL;
		c->files = n;
		c->capfiles = cap;
	}
	struct file_result *r = &c->files[c->nfiles++];
	memset(r, 0, sizeof(*r));
	return r;
}

/* A file to check; an ar archive becomes one entry per member, shown as ARCHIVE(MEMBER). */
static int add_file(struct check_ctx *c, const char *path)
{
	char **names, err[256] = "";
	size_t n;
	int rc = trustack_archive__members(path, &names, &n, err, sizeof(err));
	if (rc || n == 0) {
		struct file_result *r = new_file(c);
		if (!r)
			return -1;
		r->path = strdup(path);
		if (rc)
			r->error = strdup(err[0] ? err : trustack_strerror(rc));
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		struct file_result *r = new_file(c);
		if (!r)
			break;
		if (asprintf(&r->path, "%s(%s)", path, names[i]) < 0)
			r->path = strdup(path);
		r->archive = strdup(path);
		r->member = i;
	}
	trustack_archive__free(names, n);
	return 0;
}

static bool is_elf(const char *path)
{
	unsigned char m[4];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t got = read(fd, m, 4);
	bool yes = got == 4 && ((m[0] == 0x7f && m[1] == 'E' && m[2] == 'L' && m[3] == 'F') ||
				!memcmp(m, "!<ar", 4)); /* ELF files and ar archives */
	close(fd);
	return yes;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Recursive, sorted, not following symbolic links. */
static int walk_dir(struct check_ctx *c, const char *dir, int depth)
{
	if (depth > 64)
		return 0;
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "trustack: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			char **nn = realloc(names, cap * sizeof(char *));
			if (!nn)
				break;
			names = nn;
		}
		if (asprintf(&names[n], "%s/%s", dir, de->d_name) >= 0)
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof(char *), cmp_str);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (lstat(names[i], &st) == 0) {
			if (S_ISDIR(st.st_mode))
				rc |= walk_dir(c, names[i], depth + 1);
			else if (S_ISREG(st.st_mode) && is_elf(names[i]))
				add_file(c, names[i]);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "format", required_argument, NULL, 'f' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct check_ctx c = { .opts = { .sz = sizeof(struct trustack_check_opts) }, .fmt = FMT_TEXT, .jobs = online_cpus() };
	bool quiet = false;
	int opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "j:qh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'r':
			if (!cli_parse_rules("check", optarg, &c.opts.rules))
				return EXIT_ERROR;
			break;
		case 'f':
			if (!cli_parse_format("check", optarg, FMT_TEXT | FMT_JSON | FMT_SARIF, &c.fmt))
				return EXIT_ERROR;
			break;
		case 'j':
			if (!cli_parse_jobs("check", optarg, &c.jobs))
				return EXIT_ERROR;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_CLEAN;
		default:
			usage(stderr);
			return EXIT_ERROR;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "trustack check: no input files\n");
		usage(stderr);
		return EXIT_ERROR;
	}
	int status = EXIT_CLEAN;
	for (int i = optind; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if (walk_dir(&c, argv[i], 0))
				status = EXIT_ERROR;
		} else {
			add_file(&c, argv[i]);
		}
	}
	if (c.nfiles == 1 || c.jobs == 1) {
		for (size_t i = 0; i < c.nfiles; i++)
			analyse_file(&c, &c.files[i], c.jobs);
	} else {
		pthread_t tid[256];
		unsigned started = 0;
		/* the main thread is one of the c.jobs workers */
		for (; started + 1 < c.jobs && started + 1 < c.nfiles; started++)
			if (pthread_create(&tid[started], NULL, file_worker, &c))
				break;
		file_worker(&c);
		for (unsigned i = 0; i < started; i++)
			pthread_join(tid[i], NULL);
	}

	struct trustack_check_stats total = { 0 };
	size_t nerr = 0;
	if (c.fmt == FMT_JSON)
		printf("{\"warnings\":[");
	if (c.fmt == FMT_SARIF)
		printf("{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[{"
		       "\"tool\":{\"driver\":{\"name\":\"trustack\",\"version\":\"%s\",\"rules\":[", TRUSTACK_VERSION);
	if (c.fmt == FMT_SARIF) {
		for (int k = 0; k < TRUSTACK_W__COUNT; k++)
			printf("%s{\"id\":\"%s\"}", k ? "," : "", trustack_warning_kind__name(k));
		printf("]}},\"results\":[");
	}
	bool first = true;
	for (size_t i = 0; i < c.nfiles; i++) {
		struct file_result *r = &c.files[i];
		if (r->error) {
			fprintf(stderr, "trustack: %s: error: %s\n", r->path, r->error);
			status = EXIT_ERROR;
			nerr++;
		}
		if (r->outlen) {
			if (c.fmt != FMT_TEXT && !first)
				putchar(',');
			fwrite(r->out, 1, r->outlen, stdout);
			first = false;
		}
		total.functions += r->stats.functions;
		total.instructions += r->stats.instructions;
		total.visited += r->stats.visited;
		total.warnings += r->stats.warnings;
	}
	if (c.fmt == FMT_JSON) {
		printf("],\"summary\":{\"files\":%zu,\"errors\":%zu,\"functions\":%llu,\"instructions\":%llu,"
		       "\"visited\":%llu,\"warnings\":%llu,\"rules\":\"%s\"}",
		       c.nfiles - nerr, nerr, (unsigned long long)total.functions, (unsigned long long)total.instructions,
		       (unsigned long long)total.visited, (unsigned long long)total.warnings,
		       c.opts.rules == TRUSTACK_RULES_FP ? "fp" : "stack");
		printf(",\"errors\":[");
		bool f2 = true;
		for (size_t i = 0; i < c.nfiles; i++) {
			if (!c.files[i].error)
				continue;
			printf("%s{\"file\":", f2 ? "" : ",");
			json_str(stdout, c.files[i].path);
			printf(",\"message\":");
			json_str(stdout, c.files[i].error);
			putchar('}');
			f2 = false;
		}
		printf("]}\n");
	}
	if (c.fmt == FMT_SARIF)
		printf("]}]}\n");
	if (total.warnings && status == EXIT_CLEAN)
		status = EXIT_FINDINGS;
	fflush(stdout); /* the summary comes after the findings, also when both are piped */
	if (!quiet)
		fprintf(stderr, "trustack: %zu file%s, %llu functions, %llu instructions (%llu reached): %llu warning%s%s\n",
			c.nfiles - nerr, c.nfiles - nerr == 1 ? "" : "s", (unsigned long long)total.functions,
			(unsigned long long)total.instructions, (unsigned long long)total.visited,
			(unsigned long long)total.warnings, total.warnings == 1 ? "" : "s",
			nerr ? ", some files could not be checked" : "");
	for (size_t i = 0; i < c.nfiles; i++) {
		free(c.files[i].path);
		free(c.files[i].archive);
		free(c.files[i].out);
		free(c.files[i].error);
	}
	free(c.files);
	return status;
}
