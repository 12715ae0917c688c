/*
 * stacks_check.c - the live-patch check (docs/targets.md): is any thread inside one of the named
 * functions, and can we prove it is not?
 *
 * A function's ranges come from the symbol tables of the modules mapped in the target (every
 * module, or the one named by MODULE:FUNC), so a name with several definitions (aliases, static
 * functions of the same name) covers all of them. A frame inside a range makes the thread
 * unsafe: the function is on its stack, whatever the rest of the trace. Only frames up to the
 * one where reliability was lost count (the ones after it may be garbage). A thread with no such
 * frame is safe only when its trace is reliable; otherwise it is unknown, with the trace's reason.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "stacks.h"
#include "vec.h" /* lib/common/vec.h: header-only, shared with the library (Makefile) */

struct st_target {
	char *module;   /* NULL: any module */
	char *name;
};

struct st_range {
	uint64_t start, end;  /* runtime addresses */
	size_t target;        /* index into targets */
	int module;
};

struct st_finding {
	int tid;
	enum st_verdict verdict;
	size_t target;        /* unsafe: which function */
	int module;
	size_t frame;
	const char *reason;   /* unknown: why */
};

struct st_check {
	struct st_target *t;
	size_t nt;
	struct st_range *r;
	size_t nr;
	struct st_finding *f;
	size_t nf, capf;
	enum st_verdict verdict;
};

const char *st_verdict_name(enum st_verdict v)
{
	return v == ST_SAFE ? "safe" : v == ST_UNSAFE ? "unsafe" : "unknown";
}

void st_check_free(struct st_check *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nt; i++)
		free(c->t[i].module), free(c->t[i].name);
	free(c->t);
	free(c->r);
	free(c->f);
	free(c);
}

bool st_check_parse(const char *arg, struct st_check **out, char *err, size_t errlen)
{
	struct st_check *c = calloc(1, sizeof(*c));
	char *copy = strdup(arg), *save = NULL;
	if (!c || !copy) {
		free(copy);
		free(c);
		snprintf(err, errlen, "out of memory");
		return false;
	}
	size_t n = 1;
	for (const char *q = arg; *q; q++)
		n += *q == ',';
	c->t = calloc(n, sizeof(*c->t));
	bool ok = c->t != NULL;
	for (char *tok = strtok_r(copy, ",", &save); ok && tok; tok = strtok_r(NULL, ",", &save)) {
		/* MODULE:FUNC; mangled names never hold a ':', so the first one splits */
		char *colon = strchr(tok, ':');
		struct st_target *t = &c->t[c->nt];
		if (colon) {
			*colon = 0;
			t->module = strdup(tok);
			tok = colon + 1;
		}
		if (!*tok || (colon && !*t->module)) {
			snprintf(err, errlen, "--check: empty %s in '%s'", *tok ? "module" : "function name", arg);
			free(t->module);
			ok = false;
			break;
		}
		t->name = strdup(tok);
		c->nt++;
	}
	free(copy);
	if (ok && !c->nt) {
		snprintf(err, errlen, "--check: no function named in '%s'", arg);
		ok = false;
	}
	/* empty items between commas ("a,,b") are refused too: strtok skips them silently */
	if (ok && (strstr(arg, ",,") || arg[0] == ',' || arg[strlen(arg) - 1] == ',')) {
		snprintf(err, errlen, "--check: empty function name in '%s'", arg);
		ok = false;
	}
	if (!ok) {
		st_check_free(c);
		return false;
	}
	*out = c;
	return true;
}

static bool module_matches(const char *want, const char *path)
{
	if (!strcmp(want, path))
		return true;
	const char *b = strrchr(path, '/');
	return b && !strcmp(want, b + 1);
}

bool st_check_resolve(struct st_check *c, const struct trustack_proc *p, struct st_syms *s, char *err, size_t errlen)
{
	size_t nmod = trustack_proc__module_count(p);
	free(c->r);
	c->r = NULL, c->nr = 0;
	size_t room = 0;
	for (size_t ti = 0; ti < c->nt; ti++) {
		const struct st_target *t = &c->t[ti];
		size_t found = 0;
		bool module_seen = false;
		for (size_t mi = 0; mi < nmod; mi++) {
			const struct trustack_module *mod = trustack_proc__module(p, mi);
			if (t->module && !module_matches(t->module, mod->path))
				continue;
			module_seen = true;
			struct trustack_symbols *sy = st_syms_module(s, mi);
			if (!sy || !mod->bias_known)
				continue;
			struct trustack_symbol hits[16];
			size_t nh = trustack_symbols__find(sy, t->name, hits, 16);
			for (size_t k = 0; k < nh && k < 16; k++) {
				if (TS_GROW(c->r, c->nr, room, 16)) {
					snprintf(err, errlen, "out of memory");
					return false;
				}
				c->r[c->nr++] = (struct st_range){ hits[k].start + mod->bias,
								   hits[k].start + mod->bias + hits[k].size, ti,
								   (int)mi };
				found++;
			}
		}
		if (!found) {
			if (t->module && !module_seen)
				snprintf(err, errlen, "--check: no module '%s' is mapped in process %d", t->module,
					 trustack_proc__pid(p));
			else
				snprintf(err, errlen, "--check: no function '%s'%s%s in the symbol tables of process %d",
					 t->name, t->module ? " in " : "", t->module ? t->module : "",
					 trustack_proc__pid(p));
			return false;
		}
	}
	return true;
}

static const struct st_range *range_at(const struct st_check *c, uint64_t addr)
{
	for (size_t i = 0; i < c->nr; i++)
		if (addr >= c->r[i].start && addr < c->r[i].end)
			return &c->r[i];
	return NULL;
}

static bool add_finding(struct st_check *c, struct st_finding f)
{
	if (TS_GROW(c->f, c->nf, c->capf, 8))
		return false;
	c->f[c->nf++] = f;
	return true;
}

enum st_verdict st_check_judge(struct st_check *c, const struct trustack_proc *p, const struct st_trace *tr, size_t n)
{
	c->nf = 0;
	c->verdict = ST_SAFE;
	for (size_t i = 0; i < n; i++) {
		const struct st_trace *t = &tr[i];
		size_t last = t->reliable ? t->n : (t->lost_at < t->n ? t->lost_at + 1 : t->n);
		const struct st_range *hit = NULL;
		size_t at = 0;
		for (size_t k = 0; k < last && !hit; k++) {
			const struct st_frame *f = &t->frames[k];
			/* a return address belongs to the call before it */
			hit = range_at(c, f->exact ? f->pc : f->pc - 1);
			at = k;
		}
		struct st_finding f = { .tid = t->tid };
		if (hit) {
			f.verdict = ST_UNSAFE, f.target = hit->target, f.module = hit->module, f.frame = at;
			c->verdict = ST_UNSAFE;
		} else if (!t->reliable) {
			f.verdict = ST_UNKNOWN, f.frame = t->lost_at, f.reason = t->reason;
			if (c->verdict == ST_SAFE)
				c->verdict = ST_UNKNOWN;
		} else {
			continue;
		}
		if (!add_finding(c, f)) {
			c->verdict = ST_UNKNOWN;
			return c->verdict;
		}
	}
	/* a thread we could not capture may be anywhere; one that exited is in no function */
	for (size_t i = 0; i < trustack_proc__skipped_count(p); i++) {
		const struct trustack_proc_skipped *sk = trustack_proc__skipped(p, i);
		if (strstr(sk->reason, "exited"))
			continue;
		struct st_finding f = { .tid = sk->tid, .verdict = ST_UNKNOWN, .reason = sk->reason };
		if (c->verdict == ST_SAFE)
			c->verdict = ST_UNKNOWN;
		if (!add_finding(c, f))
			break;
	}
	return c->verdict;
}

static const char *target_text(const struct st_check *c, size_t i, char *buf, size_t len)
{
	const struct st_target *t = &c->t[i];
	snprintf(buf, len, "%s%s%s", t->module ? t->module : "", t->module ? ":" : "", t->name);
	return buf;
}

void st_check_print_text(const struct st_check *c, const struct trustack_proc *p, unsigned attempts)
{
	char buf[512];
	printf("check: %s", st_verdict_name(c->verdict));
	if (attempts > 1)
		printf(" (after %u attempts)", attempts);
	printf("\n");
	for (size_t i = 0; i < c->nf; i++) {
		const struct st_finding *f = &c->f[i];
		char comm[32] = "";
		for (size_t k = 0; k < trustack_proc__thread_count(p); k++)
			if (trustack_proc__thread(p, k)->tid == f->tid)
				snprintf(comm, sizeof(comm), " (%s)", trustack_proc__thread(p, k)->comm);
		if (f->verdict == ST_UNSAFE)
			printf("  thread %d%s: unsafe: in %s at frame %zu\n", f->tid, comm,
			       target_text(c, f->target, buf, sizeof(buf)), f->frame);
		else if (f->reason && strchr(f->reason, ' '))
			printf("  thread %d%s: unknown: %s\n", f->tid, comm, f->reason);
		else
			printf("  thread %d%s: unknown: %s at frame %zu\n", f->tid, comm, f->reason, f->frame);
	}
}

void st_check_print_json(const struct st_check *c, unsigned attempts)
{
	char buf[512];
	printf("\"check\":{\"verdict\":\"%s\",\"attempts\":%u,\"functions\":[", st_verdict_name(c->verdict), attempts);
	for (size_t i = 0; i < c->nr; i++) {
		printf("%s{\"name\":", i ? "," : "");
		json_str(stdout, target_text(c, c->r[i].target, buf, sizeof(buf)));
		printf(",\"start\":%" PRIu64 ",\"end\":%" PRIu64 "}", c->r[i].start, c->r[i].end);
	}
	printf("],\"threads\":[");
	for (size_t i = 0; i < c->nf; i++) {
		const struct st_finding *f = &c->f[i];
		printf("%s{\"tid\":%d,\"verdict\":\"%s\"", i ? "," : "", f->tid, st_verdict_name(f->verdict));
		if (f->verdict == ST_UNSAFE) {
			printf(",\"function\":");
			json_str(stdout, target_text(c, f->target, buf, sizeof(buf)));
			printf(",\"frame\":%zu", f->frame);
		} else {
			printf(",\"reason\":");
			json_str(stdout, f->reason ? f->reason : "");
			if (!strchr(f->reason ? f->reason : " ", ' '))
				printf(",\"frame\":%zu", f->frame);
		}
		printf("}");
	}
	printf("]}");
}
