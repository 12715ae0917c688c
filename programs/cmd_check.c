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
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "vec.h" /* lib/common/vec.h: header-only, shared with the library (Makefile) */


#define TS_STR_(x) #x
#define TS_STR(x) TS_STR_(x)
#define SARMAG_LEN 8 /* "!<arch>\n" */

struct file_result {
	char *path;       /* as shown: FILE, or ARCHIVE(MEMBER) */
	char *archive;    /* for archive members: the archive's path */
	size_t member;
	char *out;        /* text lines, or JSON/SARIF fragments (one object per warning) */
	size_t outlen;
	char *error;      /* set when the file could not be analysed */
	uint64_t bytes;   /* its size (an archive's size shared out among its members): progress */
	bool found;       /* found by searching a directory, not named */
	bool unsupported; /* the error says: a valid ELF file of a kind we do not analyse */
	struct trustack_check_stats stats;
	struct trustack_warning_kind_count { unsigned n[TRUSTACK_W__COUNT]; } kinds;
};

/*
 * The progress line a scan of many files shows on a terminal: files done, MB/s, warnings so
 * far. Workers count what they finish; whichever finishes a file when the line is older than
 * PROGRESS_NS redraws it (no thread of its own). Nothing is drawn when stderr is not a
 * terminal, so logs and pipes see exactly what they saw before.
 */
#define PROGRESS_NS 200000000LL
struct progress {
	bool on;
	size_t total;
	uint64_t total_bytes;
	_Atomic size_t done;
	_Atomic uint64_t bytes, warnings;
	_Atomic int64_t last_ns; /* when the line was last drawn */
	int64_t start_ns;
	pthread_mutex_t draw;
};

struct check_ctx {
	enum cli_format fmt;
	struct trustack_check_opts opts;
	struct file_result *files;
	size_t nfiles, capfiles;
	_Atomic size_t next;
	unsigned jobs;
	struct progress prog;
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
		"Directories are searched recursively for ELF files; other files there are skipped, and so\n"
		"are ELF files of a kind not analysed (another machine, 32-bit): named and counted, not\n"
		"errors. A directory that cannot be opened or lies deeper than 64 levels, and a path too\n"
		"long to open, are errors.\n"
		"An ar archive (.a) is checked member by member, reported as ARCHIVE(MEMBER).\n"
		"With several files and stderr a terminal, a progress line shows the files done, MB/s\n"
		"and the warnings so far.\n"
		"\n"
		"options:\n"
		"  --rules=stack|fp|backchain\n"
		"                     stack (default): the stack state is computable everywhere, returns\n"
		"                     and tail calls leave the frame as they found it, paths agree where\n"
		"                     they meet. fp: also the frame-pointer rules (a frame before every\n"
		"                     call, the frame pointer never reused while it holds the frame).\n"
		"                     backchain (s390x -mbackchain): also the back chain (stored at\n"
		"                     0(%%r15) before any call in a frame, never overwritten)\n"
		"  --format=text|json|sarif\n"
		"                     text (default): FILE: warning: trustack: FUNC+0xOFF: MESSAGE [KIND]\n"
		"  -j N               analyse with N threads (default: the number of online CPUs)\n"
		"  -q, --quiet        no summary line on stderr, and no progress line\n"
		"  -h, --help         this text\n"
		"\n"
		"warning kinds: call-without-frame fp-clobbered fp-scratch return-modified-frame\n"
		"  sibling-call-modified-frame stack-mismatch falls-through unreachable undefined-stack\n"
		"  unsupported-stack-op unsupported-realign unresolved-indirect-jump decode-error\n"
		"  lr-clobbered ra-sign-mismatch missing-landing-pad backchain-missing backchain-clobbered\n"
		"exit status: 0 no warnings, 1 warnings, 2 error (a file, archive member or directory\n"
		"could not be read)\n");
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

static int64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void progress_start(struct check_ctx *c, bool quiet)
{
	struct progress *p = &c->prog;
	p->on = !quiet && c->nfiles > 1 && isatty(STDERR_FILENO);
	if (!p->on)
		return;
	p->total = c->nfiles;
	for (size_t i = 0; i < c->nfiles; i++)
		p->total_bytes += c->files[i].bytes;
	p->start_ns = now_ns();
	atomic_store(&p->last_ns, p->start_ns - PROGRESS_NS); /* the first file done draws the line */
	pthread_mutex_init(&p->draw, NULL);
}

static void progress_draw(struct progress *p, int64_t t)
{
	double secs = (double)(t - p->start_ns) / 1e9, mb = (double)atomic_load(&p->bytes) / 1e6;
	unsigned long long w = (unsigned long long)atomic_load(&p->warnings);
	fprintf(stderr, "\rtrustack: %zu/%zu files, %.0f/%.0f MB, %.1f MB/s, %llu warning%s\033[K",
		atomic_load(&p->done), p->total, mb, (double)p->total_bytes / 1e6, secs > 0 ? mb / secs : 0.0, w,
		w == 1 ? "" : "s");
}

/* File r is done: count it, and redraw the line if it is old (one drawer at a time). */
static void progress_note(struct check_ctx *c, const struct file_result *r)
{
	struct progress *p = &c->prog;
	if (!p->on)
		return;
	atomic_fetch_add(&p->done, 1);
	atomic_fetch_add(&p->bytes, r->bytes);
	atomic_fetch_add(&p->warnings, r->stats.warnings);
	int64_t t = now_ns();
	if (t - atomic_load(&p->last_ns) < PROGRESS_NS || pthread_mutex_trylock(&p->draw))
		return;
	atomic_store(&p->last_ns, t);
	progress_draw(p, t);
	pthread_mutex_unlock(&p->draw);
}

/* Erase the line before the report and the summary are printed. */
static void progress_end(struct check_ctx *c)
{
	struct progress *p = &c->prog;
	if (!p->on)
		return;
	fputs("\r\033[K", stderr);
	pthread_mutex_destroy(&p->draw);
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
		r->unsupported = rc == -TRUSTACK_E_UNSUPPORTED;
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
	if (rc) {
		r->error = strdup(trustack_strerror(rc));
		r->unsupported = rc == -TRUSTACK_E_UNSUPPORTED;
	}
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
		progress_note(c, &c->files[i]);
	}
}

static struct file_result *new_file(struct check_ctx *c)
{
	if (TS_GROW(c->files, c->nfiles, c->capfiles, 16))
		return NULL;
	struct file_result *r = &c->files[c->nfiles++];
	memset(r, 0, sizeof(*r));
	return r;
}

static bool is_archive(const char *path)
{
	char m[SARMAG_LEN];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY); /* never wait on a FIFO */
	if (fd < 0)
		return false;
	bool yes = pread(fd, m, sizeof(m), 0) == (ssize_t)sizeof(m) && !memcmp(m, "!<arch>\n", SARMAG_LEN);
	close(fd);
	return yes;
}

/* A path that could not be read (a directory that cannot be opened or is too deep, a name too
 * long): an error entry, named in the report like a file that could not be analysed. */
static void add_error(struct check_ctx *c, const char *path, const char *why)
{
	struct file_result *r = new_file(c);
	if (r) {
		r->path = strdup(path);
		r->error = strdup(why);
	}
}

/* A file to check; an ar archive becomes one entry per member, shown as ARCHIVE(MEMBER).
 * found: met in a directory (a file of a kind we do not analyse is then skipped, not an error). */
static int add_file(struct check_ctx *c, const char *path, bool found)
{
	char **names, err[256] = "";
	size_t n;
	struct stat st;
	uint64_t size = stat(path, &st) == 0 ? (uint64_t)st.st_size : 0; /* for the progress line */
	int rc = trustack_archive__members(path, &names, &n, err, sizeof(err));
	if (!rc && n == 0 && is_archive(path))
		return 0; /* an archive without ELF members (as glibc's empty libdl.a): nothing to check */
	if (rc || n == 0) {
		struct file_result *r = new_file(c);
		if (!r)
			return -1;
		r->path = strdup(path);
		r->found = found;
		r->bytes = size;
		if (rc) {
			r->error = strdup(err[0] ? err : trustack_strerror(rc));
			r->unsupported = rc == -TRUSTACK_E_UNSUPPORTED;
		}
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
		r->bytes = size / n + (i == 0 ? size % n : 0);
		r->found = found;
	}
	trustack_archive__free(names, n);
	return 0;
}

static bool is_elf(const char *path)
{
	unsigned char m[4];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY); /* never wait on a FIFO */
	if (fd < 0)
		return false;
	ssize_t got = pread(fd, m, 4, 0);
	bool yes = got == 4 && ((m[0] == 0x7f && m[1] == 'E' && m[2] == 'L' && m[3] == 'F') ||
				!memcmp(m, "!<ar", 4)); /* ELF files and ar archives */
	close(fd);
	return yes;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Recursive, sorted, not following symbolic links. What cannot be read (a directory deeper than
 * MAX_DEPTH, a path the system cannot name, a directory we may not open) becomes an error entry:
 * never skipped without a word. */
#define MAX_DEPTH 64
static void walk_dir(struct check_ctx *c, const char *dir, int depth)
{
	if (depth > MAX_DEPTH) {
		add_error(c, dir, "not searched: deeper than " TS_STR(MAX_DEPTH) " directories below the one named");
		return;
	}
	DIR *d = opendir(dir);
	if (!d) {
		char why[300];
		snprintf(why, sizeof(why), "cannot open the directory: %s", strerror(errno));
		add_error(c, dir, why);
		return;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (TS_GROW(names, n, cap, 32))
			break;
		if (asprintf(&names[n], "%s/%s", dir, de->d_name) >= 0)
			n++;
	}
	closedir(d);
	if (n) /* qsort(NULL, 0) is undefined */
		qsort(names, n, sizeof(char *), cmp_str);
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (lstat(names[i], &st)) {
			char why[300];
			snprintf(why, sizeof(why), "cannot read: %s", strerror(errno)); /* ENAMETOOLONG, EACCES */
			add_error(c, names[i], why);
		} else if (S_ISDIR(st.st_mode)) {
			walk_dir(c, names[i], depth + 1);
		} else if (S_ISREG(st.st_mode) && is_elf(names[i])) {
			add_file(c, names[i], true);
		}
		free(names[i]);
	}
	free(names);
}

/* A file found in a directory that is a valid ELF file of a kind we do not analyse (another
 * machine, 32-bit, a thin archive): skipped and counted, not an error. Named on the command
 * line, the same file is an error. */
static bool skipped(const struct file_result *r)
{
	return r->error && r->found && r->unsupported;
}

/* ,"NAME":[{"file":...,"FIELD":...}...] for the error entries (skipped ones, or the others) */
static void json_file_list(const char *name, const char *field, const struct check_ctx *c, bool want_skipped)
{
	printf(",\"%s\":[", name);
	bool first = true;
	for (size_t i = 0; i < c->nfiles; i++) {
		const struct file_result *r = &c->files[i];
		if (!r->error || skipped(r) != want_skipped)
			continue;
		printf("%s{\"file\":", first ? "" : ",");
		json_str(stdout, r->path);
		printf(",\"%s\":", field);
		json_str(stdout, r->error);
		if (!want_skipped && r->unsupported)
			printf(",\"unsupported\":true"); /* skipped, had a directory search found it */
		putchar('}');
		first = false;
	}
	putchar(']');
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
	struct check_ctx c = { .opts = { .sz = sizeof(struct trustack_check_opts) }, .fmt = FMT_TEXT, .jobs = cli_online_cpus() };
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
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			walk_dir(&c, argv[i], 0);
		else
			add_file(&c, argv[i], false);
	}
	progress_start(&c, quiet);
	if (c.nfiles == 1 || c.jobs == 1) {
		for (size_t i = 0; i < c.nfiles; i++) {
			analyse_file(&c, &c.files[i], c.jobs);
			progress_note(&c, &c.files[i]);
		}
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

	progress_end(&c);
	struct trustack_check_stats total = { 0 };
	size_t nerr = 0, nskip = 0;
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
		if (skipped(r)) {
			if (!quiet)
				fprintf(stderr, "trustack: %s: skipped: %s\n", r->path, r->error);
			nskip++;
		} else if (r->error) {
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
		printf("],\"summary\":{\"files\":%zu,\"errors\":%zu,\"skipped\":%zu,\"functions\":%llu,\"instructions\":%llu,"
		       "\"visited\":%llu,\"warnings\":%llu,\"rules\":\"%s\"}",
		       c.nfiles - nerr - nskip, nerr, nskip, (unsigned long long)total.functions,
		       (unsigned long long)total.instructions, (unsigned long long)total.visited,
		       (unsigned long long)total.warnings, c.opts.rules == TRUSTACK_RULES_FP ? "fp" : c.opts.rules == TRUSTACK_RULES_BACKCHAIN ? "backchain" : "stack");
		json_file_list("errors", "message", &c, false);
		json_file_list("skipped", "reason", &c, true);
		printf("}\n");
	}
	if (c.fmt == FMT_SARIF)
		printf("]}]}\n");
	if (total.warnings && status == EXIT_CLEAN)
		status = EXIT_FINDINGS;
	fflush(stdout); /* the summary comes after the findings, also when both are piped */
	if (!quiet) {
		size_t nfiles = c.nfiles - nerr - nskip;
		char skipnote[96] = "";
		if (nskip)
			snprintf(skipnote, sizeof(skipnote), ", %zu skipped (ELF files of a kind not analysed)", nskip);
		fprintf(stderr, "trustack: %zu file%s, %llu functions, %llu instructions (%llu reached): %llu warning%s%s%s\n",
			nfiles, nfiles == 1 ? "" : "s", (unsigned long long)total.functions,
			(unsigned long long)total.instructions, (unsigned long long)total.visited,
			(unsigned long long)total.warnings, total.warnings == 1 ? "" : "s", skipnote,
			nerr ? ", some files could not be checked" : "");
	}
	for (size_t i = 0; i < c.nfiles; i++) {
		free(c.files[i].path);
		free(c.files[i].archive);
		free(c.files[i].out);
		free(c.files[i].error);
	}
	free(c.files);
	return status;
}
