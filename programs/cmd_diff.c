/*
 * cmd_diff.c - `trustack diff`: the analysis against the file's own unwind tables.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"


struct diff_cli {
	enum cli_format fmt;
	bool verbose;
	const char *path;
	unsigned long shown;
	unsigned long unclassified_runs;
	bool first_json;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: trustack diff [OPTIONS] FILE...\n"
		"\n"
		"Compare, at every instruction of every function, the unwind row the analysis computes\n"
		"with the file's own tables: the CFA rule, where the return address is, where the caller's\n"
		"frame pointer is. Disagreements with a known benign reason are counted in named classes\n"
		"(docs/diff.md); the others are 'unclassified' and printed as warnings.\n"
		"\n"
		"options:\n"
		"  --against=LIST     tables to compare with, comma-separated: eh_frame, debug_frame,\n"
		"                     sframe, orc (default: every one the file has)\n"
		"  --rules=stack|fp   the analysis' rules (default: stack; rows do not depend on it)\n"
		"  --format=text|json text (default): a summary per table, then each unclassified run as\n"
		"                     FILE: warning: trustack: FUNC+0xOFF: MESSAGE [unclassified]\n"
		"  -v, --verbose      text: also print the classified runs\n"
		"  -j N               analyse with N threads (default: the number of online CPUs)\n"
		"  -h, --help         this text\n"
		"\n"
		"classes (equivalent rules): epilogue-fp-slot both-locations-valid cfa-base-equal\n"
		"classes (disagreements): table-lacks-function table-partial analysis-unreached\n"
		"  analysis-undefined outermost-frame table-opaque signal-frame table-misses-sp-adjust\n"
		"  table-stale-fp-rule context-switch table-misses-epilogue\n"
		"  table-stale-ra-sign table-misses-plt-push table-early-cfa other-return-column\n"
		"  table-misses-fp-save table-misses-fp-clobber table-moves-fp-cfa\n"
		"  table-wrong-at-return table-stale-drap analysis-untracked-frame\n"
		"  analysis-foreign-fragment table-stale-fp-slot\n"
		"  unclassified\n"
		"exit status: 0 every disagreement classified, 1 unclassified disagreements, 2 error\n");
}

static void on_mismatch(const struct trustack_diff_mismatch *m, void *arg)
{
	struct diff_cli *d = arg;
	bool unclassified = m->cls == TRUSTACK_DIFF_UNCLASSIFIED;
	d->unclassified_runs += unclassified;
	if (d->fmt == FMT_JSON) {
		printf("%s\n    {\"file\":", d->first_json ? "" : ",");
		d->first_json = false;
		json_str(stdout, d->path);
		printf(",\"source\":\"%s\",\"function\":", trustack_diff_table__name(m->table));
		json_str(stdout, m->function);
		printf(",\"offset\":%llu,\"address\":%llu,\"section\":", (unsigned long long)m->offset,
		       (unsigned long long)m->address);
		json_str(stdout, m->section);
		printf(",\"instructions\":%llu,\"analysis\":", (unsigned long long)m->instructions);
		json_str(stdout, m->analysis);
		printf(",\"table\":");
		json_str(stdout, m->table_row);
		printf(",\"class\":\"%s\"}", trustack_diff_class__name(m->cls));
		return;
	}
	if (!unclassified && !d->verbose)
		return;
	char where[160];
	if (m->function)
		snprintf(where, sizeof(where), "%s+0x%llx", m->function, (unsigned long long)m->offset);
	else
		snprintf(where, sizeof(where), "%s+0x%llx", m->section ? m->section : "?", (unsigned long long)m->address);
	printf("%s: %s: trustack: %s: %s: analysis %s, table %s (%llu instruction%s) [%s]\n", d->path,
	       unclassified ? "warning" : "note", where, trustack_diff_table__name(m->table), m->analysis, m->table_row,
	       (unsigned long long)m->instructions, m->instructions == 1 ? "" : "s", trustack_diff_class__name(m->cls));
}

static void print_counts_text(const char *path, const char *name, const struct trustack_diff_counts *c)
{
	double pct = c->compared ? 100.0 * (double)(c->agree + c->equivalent) / (double)c->compared : 100.0;
	printf("%s: %s: %llu instructions compared: %llu agree, %llu equivalent (%.3f%%), %llu disagree; "
	       "only in the analysis %llu, only in the table %llu\n",
	       path, name, (unsigned long long)c->compared, (unsigned long long)c->agree,
	       (unsigned long long)c->equivalent, pct, (unsigned long long)c->disagree,
	       (unsigned long long)c->only_analysis, (unsigned long long)c->only_table);
	bool any = false;
	for (int k = 0; k < TRUSTACK_DIFF__CLASSES; k++) {
		if (!c->classes[k])
			continue;
		printf("%s  %s %llu", any ? "," : "    classes:", trustack_diff_class__name(k),
		       (unsigned long long)c->classes[k]);
		any = true;
	}
	if (any)
		printf("\n");
}

static void print_counts_json(const struct trustack_diff_counts *c)
{
	printf("{\"compared\":%llu,\"agree\":%llu,\"equivalent\":%llu,\"disagree\":%llu,\"only_analysis\":%llu,"
	       "\"only_table\":%llu}",
	       (unsigned long long)c->compared, (unsigned long long)c->agree, (unsigned long long)c->equivalent,
	       (unsigned long long)c->disagree,
	       (unsigned long long)c->only_analysis, (unsigned long long)c->only_table);
}

static void print_classes_json(const struct trustack_diff_counts *c)
{
	printf("{");
	bool first = true;
	for (int k = 0; k < TRUSTACK_DIFF__CLASSES; k++) {
		if (!c->classes[k])
			continue;
		printf("%s\"%s\":%llu", first ? "" : ",", trustack_diff_class__name(k), (unsigned long long)c->classes[k]);
		first = false;
	}
	printf("}");
}

static int parse_tables(const char *s, unsigned *out)
{
	*out = 0;
	char *dup = strdup(s);
	if (!dup)
		return -1;
	int rc = 0;
	for (char *save = NULL, *tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		bool ok = false;
		for (int t = 0; t < TRUSTACK_DIFF__NTABLES; t++) {
			if (!strcmp(tok, trustack_diff_table__name(1u << t))) {
				*out |= 1u << t;
				ok = true;
			}
		}
		if (!ok) {
			fprintf(stderr, "trustack diff: unknown table '%s' (eh_frame, debug_frame, sframe, orc)\n", tok);
			rc = -1;
		}
	}
	free(dup);
	return rc;
}

int cmd_diff(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "against", required_argument, NULL, 'a' }, { "rules", required_argument, NULL, 'r' },
		{ "format", required_argument, NULL, 'f' },  { "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },          { NULL, 0, NULL, 0 },
	};
	struct diff_cli d = { .fmt = FMT_TEXT };
	struct trustack_diff_opts opts = { .sz = sizeof(opts), .rules = TRUSTACK_RULES_STACK,
					  .threads = cli_online_cpus() };
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "j:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (parse_tables(optarg, &opts.tables))
				return EXIT_ERROR;
			break;
		case 'r':
			if (!cli_parse_rules("diff", optarg, &opts.rules))
				return EXIT_ERROR;
			break;
		case 'f':
			if (!cli_parse_format("diff", optarg, FMT_TEXT | FMT_JSON, &d.fmt))
				return EXIT_ERROR;
			break;
		case 'v': d.verbose = true; break;
		case 'j':
			if (!cli_parse_jobs("diff", optarg, &opts.threads))
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
	struct trustack_diff_counts sum = { 0 };
	int nfiles = argc - optind;
	struct trustack_diff_stats *all = calloc((size_t)nfiles, sizeof(*all));
	bool *ok = calloc((size_t)nfiles, sizeof(*ok));
	if (!all || !ok) {
		free(all);
		free(ok);
		fprintf(stderr, "trustack diff: out of memory\n");
		return EXIT_ERROR;
	}
	d.first_json = true;
	if (d.fmt == FMT_JSON)
		printf("{\n  \"mismatches\": [");
	for (int i = 0; i < nfiles; i++) {
		d.path = argv[optind + i];
		char err[256] = "";
		struct trustack_elf *elf;
		int rc = trustack_elf__open(d.path, &elf, err, sizeof(err));
		if (!rc) {
			rc = trustack_diff(elf, &opts, on_mismatch, &d, &all[i], err, sizeof(err));
			trustack_elf__close(elf);
		}
		if (rc) {
			fprintf(stderr, "trustack diff: %s: %s\n", d.path, *err ? err : trustack_strerror(rc));
			status = EXIT_ERROR;
			continue;
		}
		ok[i] = true;
		const struct trustack_diff_stats *st = &all[i];
		if (d.fmt == FMT_TEXT)
			for (int t = 0; t < TRUSTACK_DIFF__NTABLES; t++)
				if (st->tables & (1u << t))
					print_counts_text(d.path, trustack_diff_table__name(1u << t), &st->table[t]);
		sum.compared += st->total.compared;
		sum.agree += st->total.agree;
		sum.equivalent += st->total.equivalent;
		sum.disagree += st->total.disagree;
		sum.only_analysis += st->total.only_analysis;
		sum.only_table += st->total.only_table;
		for (int k = 0; k < TRUSTACK_DIFF__CLASSES; k++)
			sum.classes[k] += st->total.classes[k];
		if (st->total.classes[TRUSTACK_DIFF_UNCLASSIFIED] && status == EXIT_CLEAN)
			status = EXIT_FINDINGS;
	}
	if (d.fmt == FMT_JSON) {
		printf("\n  ],\n  \"files\": [");
		bool first = true;
		for (int i = 0; i < nfiles; i++) {
			if (!ok[i])
				continue;
			const struct trustack_diff_stats *st = &all[i];
			printf("%s\n    {\"file\":", first ? "" : ",");
			first = false;
			json_str(stdout, argv[optind + i]);
			printf(",\"summary\":");
			print_counts_json(&st->total);
			printf(",\"classes\":");
			print_classes_json(&st->total);
			printf(",\"tables\":{");
			bool ft = true;
			for (int t = 0; t < TRUSTACK_DIFF__NTABLES; t++) {
				if (!(st->tables & (1u << t)))
					continue;
				printf("%s\"%s\":{\"summary\":", ft ? "" : ",", trustack_diff_table__name(1u << t));
				print_counts_json(&st->table[t]);
				printf(",\"classes\":");
				print_classes_json(&st->table[t]);
				printf("}");
				ft = false;
			}
			printf("}}");
		}
		printf("\n  ],\n  \"summary\": ");
		print_counts_json(&sum);
		printf(",\n  \"classes\": ");
		print_classes_json(&sum);
		printf("\n}\n");
	}
	free(all);
	free(ok);
	return status;
}
