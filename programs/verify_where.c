/*
 * verify_where.c - `verify-unwind -v`: where traces became unreliable, summed by function.
 *
 * The pcs at which traces were lost are counted during the run (one hash table per mode); at the
 * end each pc is placed in its module and function (the module's .symtab/.dynsym, lib/symbols)
 * and the counts are summed per function, so a table shows "ld.so _dl_fixup's caller: 3645"
 * rather than the same function under a dozen return addresses. A pc no symbol covers (a
 * stripped file's local function) stays a group of its own, named by its address.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "verify.h"

void vw_count(struct vw_lost *t, size_t nslots, uint64_t pc, bool ra, uint8_t verdict)
{
	size_t h = (size_t)(pc * 0x9e3779b97f4a7c15ull >> 40) & (nslots - 1);
	for (size_t k = 0; k < nslots; k++, h = (h + 1) & (nslots - 1))
		if (!t[h].n || t[h].pc == pc) {
			t[h].pc = pc;
			t[h].ra = ra;
			t[h].verdict = verdict;
			t[h].n++;
			return;
		}
}

struct group {
	int module;            /* -1: in no module */
	uint64_t func;         /* link-time start of the function, or the pc when no symbol */
	const char *name;      /* NULL: no symbol */
	uint64_t n;
	uint64_t top_addr, top_n; /* the pc (link-time) that lost most traces, and how many */
	uint8_t verdict;
};

static const char *base_name(const char *p)
{
	const char *s = p ? strrchr(p, '/') : NULL;
	return s ? s + 1 : p ? p : "?";
}

uint64_t vw_report(const struct trustack_unwinder *uw, const struct vw_lost *t, size_t nslots, unsigned top,
		   bool json, FILE *f)
{
	size_t nmod = trustack_unwinder__module_count(uw), ng = 0;
	struct trustack_symbols **syms = calloc(nmod + 1, sizeof(*syms));
	bool *tried = calloc(nmod + 1, sizeof(*tried));
	struct group *g = calloc(nslots, sizeof(*g));
	uint64_t total = 0;
	if (!syms || !tried || !g) {
		free(syms), free(tried), free(g);
		return 0;
	}
	for (size_t i = 0; i < nslots; i++) {
		if (!t[i].n)
			continue;
		total += t[i].n;
		int mod = -1;
		uint64_t addr = t[i].pc, s, e, bias = 0;
		for (size_t m = 0; m < nmod; m++) {
			const char *path = trustack_unwinder__module_name(uw, m, &s, &e, &bias);
			if (t[i].pc >= s && t[i].pc < e) {
				mod = (int)m;
				addr = t[i].pc - bias;
				if (!tried[m] && path && *path == '/')
					trustack_symbols__open(path, &syms[m], NULL, 0);
				tried[m] = true;
				break;
			}
		}
		struct trustack_symbol sym;
		bool named = mod >= 0 && syms[mod] && !trustack_symbols__lookup(syms[mod], addr - (t[i].ra ? 1 : 0), &sym);
		uint64_t key = named ? sym.start : addr;
		size_t k = 0;
		while (k < ng && !(g[k].module == mod && g[k].func == key))
			k++;
		if (k == ng)
			g[ng++] = (struct group){ .module = mod, .func = key, .name = named ? sym.name : NULL };
		g[k].n += t[i].n;
		if (t[i].n > g[k].top_n) {
			g[k].top_n = t[i].n;
			g[k].top_addr = addr;
			g[k].verdict = t[i].verdict;
		}
	}
	if (json)
		fprintf(f, "[");
	for (unsigned r = 0; r < top; r++) {
		size_t best = ng;
		for (size_t k = 0; k < ng; k++)
			if (g[k].n && (best == ng || g[k].n > g[best].n))
				best = k;
		if (best == ng)
			break;
		struct group *x = &g[best];
		uint64_t s, e, b;
		const char *mname = x->module >= 0 ? base_name(trustack_unwinder__module_name(uw, (size_t)x->module, &s, &e, &b))
						   : "(no module)";
		char fname[64];
		if (!x->name)
			snprintf(fname, sizeof(fname), "(no symbol at 0x%llx)", (unsigned long long)x->func);
		const char *verdict = trustack_unwind_verdict__name((enum trustack_unwind_verdict)x->verdict);
		if (json) {
			fprintf(f, "%s{\"module\":", r ? "," : "");
			json_str(f, mname);
			fprintf(f, ",\"function\":");
			json_str(f, x->name ? x->name : "");
			fprintf(f, ",\"address\":\"0x%llx\",\"count\":%llu,\"verdict\":\"%s\"}", (unsigned long long)x->top_addr,
				(unsigned long long)x->n, verdict);
		} else {
			fprintf(f, "  %10llu  %s %s  (most at 0x%llx: %llu, %s)\n", (unsigned long long)x->n, mname,
				x->name ? x->name : fname, (unsigned long long)x->top_addr, (unsigned long long)x->top_n,
				verdict);
		}
		x->n = 0;
	}
	if (json)
		fprintf(f, "]");
	for (size_t m = 0; m < nmod; m++)
		if (syms[m])
			trustack_symbols__close(syms[m]);
	free(syms), free(tried), free(g);
	return total;
}
